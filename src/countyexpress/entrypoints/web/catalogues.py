"""Bring the Uyghur catalogue up to the template catalogue (docs/web.md, Uyghur):

    uv run python -m countyexpress.entrypoints.web.catalogues

Like `pybabel update -l ug` followed by `pybabel compile -l ug`, except that a plural entry
not yet translated is left out: gettext would compile it as its English (the identity), and
a Uyghur page would show English where it should fall back to Chinese. Translations and
their review comments are kept; a new message is added empty (it reads in Chinese)."""

from __future__ import annotations

import io
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

from countyexpress.entrypoints.web.i18n import LOCALE_DIR

__all__ = ["update_uyghur"]


def update_uyghur(locale_dir: Path = LOCALE_DIR) -> int:
    """Rewrite ug's .po and .mo from messages.pot; how many messages it translates."""
    folder = locale_dir / "ug" / "LC_MESSAGES"
    with (locale_dir / "messages.pot").open("rb") as fh:
        template = read_po(fh)
    with (folder / "messages.po").open("rb") as fh:
        current = read_po(fh, locale="ug")
    kept = {m.id: m for m in current if m.id and m.string}
    out = Catalog(locale="ug", project=current.project, version=current.version,
                  copyright_holder=current.copyright_holder, msgid_bugs_address="",
                  creation_date=current.creation_date, revision_date=current.revision_date,
                  language_team=current.language_team,
                  last_translator=current.last_translator)  # fmt: skip
    out.fuzzy = False
    for m in template:
        if not m.id:
            continue
        old = kept.get(m.id)
        if isinstance(m.id, tuple | list) and old is None:
            continue  # untranslated plural: left out, so it falls back to Chinese
        out.add(m.id, old.string if old else "", flags=m.flags - {"fuzzy"},
                auto_comments=m.auto_comments,
                user_comments=list(old.user_comments) if old else [])  # fmt: skip
    buffer = io.BytesIO()
    write_po(buffer, out, width=100, sort_output=True, no_location=True)
    (folder / "messages.po").write_bytes(buffer.getvalue())
    with (folder / "messages.mo").open("wb") as fh:
        write_mo(fh, out)
    return sum(1 for m in out if m.id and m.string)


if __name__ == "__main__":
    print(f"ug: {update_uyghur()} messages translated")
