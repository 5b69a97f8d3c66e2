"""The UI's catalogues: every message translated to Chinese, compiled files current."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from babel.messages.frontend import CommandLineInterface
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from countyexpress.entrypoints.web.i18n import FALLBACK, LOCALE_DIR, LOCALES, normalise

ROOT = Path(__file__).resolve().parents[2]


def _key(text: Any) -> str:
    """A message id (or its strings) as one text: a plural entry's forms as a tuple, whether
    read from a .po (a tuple) or a .mo (a list)."""
    return str(tuple(text)) if isinstance(text, list | tuple) else str(text)


def _said(text: Any) -> bool:
    """Whether an entry is translated: its string, or every plural form, not empty."""
    if isinstance(text, list | tuple):
        return all(str(t).strip() for t in text)
    return bool(str(text).strip())


def _po(locale: str) -> dict[str, Any]:
    with (LOCALE_DIR / locale / "LC_MESSAGES" / "messages.po").open("rb") as fh:
        return {_key(m.id): m.string for m in read_po(fh) if m.id}


def _ids(pot: Path) -> set[str]:
    with pot.open("rb") as fh:
        return {_key(m.id) for m in read_po(fh) if m.id}


def test_every_message_has_a_chinese_translation() -> None:
    """Chinese is the first language: no message id falls back to English in zh_CN."""
    zh = _po("zh_CN")
    assert zh, "the zh_CN catalogue is empty"
    untranslated = sorted(k for k, v in zh.items() if not _said(v))
    assert untranslated == [], f"translate these in locale/zh_CN/.../messages.po: {untranslated}"


def test_the_template_catalogue_lists_every_marked_string(tmp_path: Path) -> None:
    """Extracting again finds no string missing from the committed messages.pot."""
    out = tmp_path / "messages.pot"
    CommandLineInterface().run(
        ["pybabel", "-q", "extract", "-F", str(ROOT / "babel.cfg"), "-k", "N_",
         "--no-location", "-o", str(out), str(ROOT)]
    )  # fmt: skip
    fresh, committed = _ids(out), _ids(LOCALE_DIR / "messages.pot")
    assert fresh - committed == set(), "run the pybabel extract/update/compile steps (i18n.py)"
    for locale in LOCALES:
        if locale not in FALLBACK:  # Uyghur falls back to Chinese: see test_uyghur.py
            assert fresh <= set(_po(locale)), f"{locale}: run pybabel update and translate"


@pytest.mark.parametrize("locale", LOCALES)
def test_the_compiled_catalogue_matches_its_source(locale: str) -> None:
    """The committed .mo says what the .po says (run `pybabel compile` after editing)."""
    with (LOCALE_DIR / locale / "LC_MESSAGES" / "messages.mo").open("rb") as fh:
        mo = {
            _key(m.id): _key(m.string)
            for m in read_mo(fh)
            if m.id
            and m.string
            and not (isinstance(m.id, list | tuple) and _key(m.string) == _key(m.id))
        }  # an untranslated plural entry is compiled as its English: the identity, left out
    po = {k: _key(v) for k, v in _po(locale).items() if _said(v)}
    assert mo == po


@pytest.mark.parametrize(
    ("asked", "locale"),
    [("zh", "zh_CN"), ("zh-CN", "zh_CN"), ("zh_cn", "zh_CN"), ("en", "en"), ("en-GB", "en"),
     ("ug", "ug"), ("ug-CN", "ug"), ("fr", None), ("", None), (None, None)],
)  # fmt: skip
def test_a_language_tag_maps_onto_a_supported_locale(asked: str | None, locale: str | None) -> None:
    """Any Chinese tag means zh_CN, any English one en; others are not supported."""
    assert normalise(asked) == locale


def test_every_code_shown_on_screen_has_a_label() -> None:
    """A new facility kind, status, data quality or role needs its label (and translation)."""
    from countyexpress.domain.access import Role
    from countyexpress.domain.facilities import FacilityKind, FacilityStatus
    from countyexpress.domain.geography import DataQuality
    from countyexpress.domain.lifecycle import ParcelState
    from countyexpress.entrypoints.web import labels

    pairs: list[tuple[Any, dict[str, str]]] = [
        (FacilityKind, labels.KIND_LABELS),
        (FacilityStatus, labels.STATUS_LABELS),
        (DataQuality, labels.QUALITY_LABELS),
        (Role, labels.ROLE_LABELS),
        (ParcelState, labels.STATE_LABELS),
    ]
    for enum, table in pairs:
        missing = [e.value for e in enum if e.value not in table]
        assert missing == [], f"add labels for {missing} in entrypoints/web/labels.py"


def test_an_error_said_by_a_service_reads_in_either_language() -> None:
    """`said` keeps the message id: English as str(), the catalogue's words on a screen."""
    from countyexpress.entrypoints.web.i18n import gettext_for, reason_of
    from countyexpress.errors import N_, InvalidValue, NotAllowed, said

    exc = said(NotAllowed, N_("%(waybill)s is already on a shelf here"), waybill="ZT1")
    assert str(exc) == "ZT1 is already on a shelf here"
    assert reason_of(exc, gettext_for("zh_CN")) == "ZT1 已在本站货架上"
    assert reason_of(exc, gettext_for("en")) == "ZT1 is already on a shelf here"
    field = said(InvalidValue, N_("every shelf is full: hand parcels over or return the unclaimed"),
                 "shelf")  # fmt: skip
    assert field.field == "shelf" and reason_of(field, gettext_for("zh_CN")).startswith("货架已满")
    assert reason_of(NotAllowed("plain words"), gettext_for("zh_CN")) == "plain words"


def test_a_count_is_said_in_its_english_plural_form() -> None:
    """ "1 vehicle", "2 vehicles" in English; one form in Chinese (ngettext, issue 12)."""
    from countyexpress.entrypoints.web.i18n import translations

    en, zh = translations("en"), translations("zh_CN")
    one, many = "%(n)s vehicle", "%(n)s vehicles"
    assert [en.ngettext(one, many, n) % {"n": n} for n in (1, 2)] == ["1 vehicle", "2 vehicles"]
    assert {zh.ngettext(one, many, n) % {"n": 1} for n in (1, 2)} == {"1 辆车"}
