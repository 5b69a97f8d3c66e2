"""The pack's supervision.toml: read, checked with located problems, and round-tripped."""

from __future__ import annotations

import datetime as dt
import json
import tomllib
from pathlib import Path
from typing import Any

import pytest
import tomli_w

from countyexpress.adapters.packs import builtin_pack_path
from countyexpress.adapters.packs.supervision import (
    FILE,
    default_rules,
    read_supervision,
    rules_from_data,
    to_data,
)
from countyexpress.errors import PackInvalid

HESHUO = builtin_pack_path("heshuo")


def heshuo_data() -> dict[str, Any]:
    assert HESHUO is not None
    return tomllib.loads((HESHUO / FILE).read_text(encoding="utf-8"))


def problems(data: dict[str, Any]) -> list[str]:
    with pytest.raises(PackInvalid) as caught:
        rules_from_data(data)
    return [str(p) for p in caught.value.problems]


def test_heshuo_rules_carry_the_regulations_numbers_and_the_2026_holidays() -> None:
    """20 days to file, 5 working days to decide, 7 days to answer; National Day skipped."""
    assert HESHUO is not None
    r = read_supervision(HESHUO)
    assert (r.clocks["filing.file"].length, r.clocks["filing.decide"].length) == (20, 5)
    assert r.clocks["complaint.answer"].length == 7
    assert r.calendar.add_working_days(dt.date(2026, 9, 30), 1) == dt.date(2026, 10, 8)
    assert r.notes["credit"].startswith("estimate")
    assert r.notes["clocks.filing.decide"].startswith("confirmed")


def test_the_rules_round_trip_through_toml_and_json(tmp_path: Path) -> None:
    """Export writes what load reads: TOML for the pack, JSON for the database."""
    assert HESHUO is not None
    rules = read_supervision(HESHUO)
    (tmp_path / FILE).write_text(tomli_w.dumps(to_data(rules)), encoding="utf-8")
    assert read_supervision(tmp_path) == rules
    assert rules_from_data(json.loads(json.dumps(to_data(rules)))) == rules


def test_a_pack_without_the_file_gets_defaults_that_say_so() -> None:
    """Defaults keep the national limits, work every weekday, and are marked as estimates."""
    r = default_rules()
    assert r.clocks["filing.decide"].length == 5
    assert r.calendar.holidays == frozenset()
    assert "no holiday list" in r.notes["calendar"]


def test_problems_are_named_by_file_and_field() -> None:
    """A bad unit, a negative length and a missing clock each say where they are."""
    data = heshuo_data()
    data["clocks"][0]["unit"] = "fortnights"
    assert any(FILE in p and "clocks.0.unit" in p for p in problems(data))
    data = heshuo_data()
    data["clocks"][1]["length"] = -2
    assert any("clocks.filing.notice.length" in p for p in problems(data))
    data = heshuo_data()
    data["clocks"] = [c for c in data["clocks"] if c["name"] != "complaint.answer"]
    assert any("complaint.answer" in p for p in problems(data))


def test_ratios_must_rise_as_credit_falls_and_cover_every_level() -> None:
    """The blacklisted are inspected most; a level without a ratio is named."""
    data = heshuo_data()
    data["inspection"]["ratios"]["A"] = 0.9
    assert any("at least as often" in p for p in problems(data))
    data = heshuo_data()
    del data["inspection"]["ratios"]["C"]
    assert any("no ratio for C" in p for p in problems(data))


def test_a_blacklist_rule_on_an_unknown_event_and_a_toml_error_are_refused(
    tmp_path: Path,
) -> None:
    """Unknown event types are named; a TOML syntax error gives its line."""
    data = heshuo_data()
    data["credit"]["blacklist"][0]["event"] = "bad_weather"
    assert any("bad_weather" in p for p in problems(data))
    (tmp_path / FILE).write_text("[credit]\nbase = = 3\n", encoding="utf-8")
    with pytest.raises(PackInvalid) as caught:
        read_supervision(tmp_path)
    assert caught.value.problems[0].line == 2
