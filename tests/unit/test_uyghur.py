"""Uyghur (ئۇيغۇرچە, issue 18): the station, driver, look-up and log-in screens in Uyghur,
right to left; each translation marked for a native speaker's review until one has read it;
what is not translated yet reads in Chinese; the vendored font draws every letter used."""

from __future__ import annotations

import re
from pathlib import Path

from babel.messages.pofile import read_po
from fontTools.ttLib import TTFont

from countyexpress.entrypoints.web.i18n import (
    LOCALE_DIR,
    TEXT_DIRECTION,
    gettext_for,
    translations,
)
from countyexpress.entrypoints.web.labels import (
    CONTENT_LABELS,
    HANDOVER_LABELS,
    ID_TYPE_LABELS,
    SIGNER_LABELS,
    STEP_LABELS,
)

WEB = Path(__file__).resolve().parents[2] / "src" / "countyexpress" / "entrypoints" / "web"
SCREENS = ("station.html", "_station_*.html", "driver.html", "_driver_*.html", "lookup.html",
           "login.html", "base.html")  # fmt: skip
FONT = WEB / "static" / "vendor" / "noto-sans-arabic"
REVIEW = "review: first translation, to be checked by a native Uyghur speaker"
REVIEWED = "reviewed:"
PLACEHOLDER = re.compile(r"%\(\w+\)s")


def _ug() -> dict[str, tuple[str, list[str]]]:
    with (LOCALE_DIR / "ug" / "LC_MESSAGES" / "messages.po").open("rb") as fh:
        return {m.id: (m.string, list(m.user_comments)) for m in read_po(fh) if m.id
                and isinstance(m.id, str)}  # fmt: skip


def _screen_messages() -> set[str]:
    found: set[str] = set()
    for pattern in SCREENS:
        for path in (WEB / "templates").glob(pattern):
            found |= set(re.findall(r'_\("([^"]+)"\)', path.read_text(encoding="utf-8")))
    labels = (HANDOVER_LABELS, CONTENT_LABELS, ID_TYPE_LABELS, SIGNER_LABELS, STEP_LABELS)
    return found | {str(v) for table in labels for v in table.values()}


def test_every_message_of_the_first_screens_reads_in_uyghur() -> None:
    ug = _ug()
    missing = sorted(m for m in _screen_messages() if not ug.get(m, ("", []))[0])
    assert missing == [], f"translate these in locale/ug/.../messages.po: {missing}"


def test_each_uyghur_translation_keeps_its_placeholders_and_is_marked_for_review() -> None:
    for msgid, (string, comments) in _ug().items():
        if not string:
            continue
        assert sorted(PLACEHOLDER.findall(string)) == sorted(PLACEHOLDER.findall(msgid)), msgid
        assert REVIEW in comments or any(c.startswith(REVIEWED) for c in comments), msgid
        assert re.search(r"[\u0600-\u06ff]", string), f"{msgid}: no Uyghur letter in {string!r}"


def test_a_message_not_yet_in_uyghur_reads_in_chinese_not_english() -> None:
    ug = gettext_for("ug")
    assert ug("Hand over") == "تاپشۇرۇپ بېرىش"
    assert not _ug().get("Assessment", ("", []))[0]
    assert ug("Assessment") == gettext_for("zh_CN")("Assessment") != "Assessment"


def test_uyghur_is_written_right_to_left_and_the_others_left_to_right() -> None:
    assert TEXT_DIRECTION == {"zh_CN": "ltr", "ug": "rtl", "en": "ltr"}


def test_the_vendored_font_draws_every_letter_the_uyghur_catalogue_uses() -> None:
    letters = {c for string, _ in _ug().values() for c in string if "\u0600" <= c <= "\u06ff"}
    assert len(letters) >= 30  # the alphabet's 32 letters, most of them
    for weight in (400, 700):
        cmap = TTFont(FONT / f"noto-sans-arabic-arabic-{weight}-normal.woff2").getBestCmap()
        assert sorted(c for c in letters if ord(c) not in cmap) == [], weight
    assert (FONT / "LICENSE").read_text(encoding="utf-8").count("SIL Open Font License") >= 1


def test_no_message_reads_in_english_on_a_uyghur_page() -> None:
    """An untranslated plural entry compiles as its English (gettext's identity) instead of
    falling back to Chinese: the Uyghur catalogue leaves such entries out (update it with
    `python -m countyexpress.entrypoints.web.catalogues`, docs/web.md)."""
    ug, zh = gettext_for("ug"), gettext_for("zh_CN")
    with (LOCALE_DIR / "ug" / "LC_MESSAGES" / "messages.po").open("rb") as fh:
        plurals = [m for m in read_po(fh) if isinstance(m.id, tuple | list)]
    assert all(all(form.strip() for form in m.string) for m in plurals)
    assert translations("ug").ngettext("%(n)s vehicle", "%(n)s vehicles", 3) == translations(
        "zh_CN"
    ).ngettext("%(n)s vehicle", "%(n)s vehicles", 3)
    assert ug("Overview") != zh("Overview") != "Overview"
