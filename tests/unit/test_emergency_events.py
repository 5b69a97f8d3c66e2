"""Emergency events (task 13, 邮政业突发事件应急预案): a record kind with an hours clock."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from countyexpress.adapters.packs.supervision import read_supervision
from countyexpress.domain.supervision.calendar import WorkingCalendar
from countyexpress.domain.supervision.clocks import ClockRule, ClockState, Unit
from countyexpress.domain.supervision.kinds import EMERGENCY_EVENT, EMERGENCY_GRADES
from countyexpress.domain.supervision.records import Record, Subject
from countyexpress.errors import NotAllowed

CAL = WorkingCalendar()
RULES = {"emergency.report": ClockRule("emergency.report", 24, Unit.HOURS)}
DAY = dt.date(2026, 12, 6)
PACK = Path(__file__).parents[2] / "src/countyexpress/packs/heshuo"


def event() -> Record:
    return Record.open(
        EMERGENCY_EVENT, Subject.parse("carrier:zto"), DAY, "zto", RULES, CAL, {"grade": "IV"}
    )


def test_grades_run_from_particularly_serious_to_ordinary() -> None:
    assert list(EMERGENCY_GRADES) == ["I", "II", "III", "IV"]
    assert EMERGENCY_GRADES["I"].startswith("特别重大")
    assert EMERGENCY_GRADES["IV"].startswith("一般")


def test_an_event_is_reported_responded_to_and_closed() -> None:
    rec = event()
    assert rec.state == "occurred"
    assert rec.clocks["emergency.report"].due == DAY + dt.timedelta(days=1)
    rec = rec.apply("report", DAY, "zto", RULES, CAL)
    assert rec.clocks["emergency.report"].state(DAY) is ClockState.MET
    rec = rec.apply("respond", DAY, "zto", RULES, CAL).apply("close", DAY, "reg", RULES, CAL)
    assert rec.state == "closed"
    assert [s.verb for s in rec.trail] == ["occur", "report", "respond", "close"]


def test_an_unreported_event_is_overdue_after_its_day_and_cannot_respond() -> None:
    rec = event()
    assert [c.rule for c in rec.overdue(DAY + dt.timedelta(days=2))] == ["emergency.report"]
    with pytest.raises(NotAllowed):
        rec.apply("respond", DAY, "zto", RULES, CAL)


def test_the_pack_gives_the_report_clock_in_hours_with_its_source() -> None:
    rules = read_supervision(PACK / "supervision.toml")
    rule = rules.clocks["emergency.report"]
    assert (rule.length, rule.unit) == (24, Unit.HOURS)
    assert "应急预案" in rule.source
    assert rules.notes["clocks.emergency.report"].startswith("unconfirmed")
