"""Task 13's indicator: emergency events reported within the pack's hours."""

from __future__ import annotations

import datetime as dt

from countyexpress.domain.emergency_indicators import emergency_reported_in_time_rate
from countyexpress.domain.supervision.calendar import WorkingCalendar
from countyexpress.domain.supervision.clocks import ClockRule, Unit
from countyexpress.domain.supervision.indicators import INPUT, SupervisionSnapshot
from countyexpress.domain.supervision.kinds import EMERGENCY_EVENT
from countyexpress.domain.supervision.records import Record, Subject

CAL = WorkingCalendar()
RULES = {"emergency.report": ClockRule("emergency.report", 24, Unit.HOURS)}
DAY = dt.date(2026, 12, 1)


def event(reported: dt.date | None) -> Record:
    rec = Record.open(EMERGENCY_EVENT, Subject.parse("carrier:zto"), DAY, "zto", RULES, CAL, {})
    return rec if reported is None else rec.apply("report", reported, "zto", RULES, CAL)


def test_the_rate_counts_events_reported_in_time_against_late_and_overdue() -> None:
    records = [event(DAY), event(DAY + dt.timedelta(days=3)), event(None)]
    snap = SupervisionSnapshot(DAY + dt.timedelta(days=5), (), records, ())
    m = emergency_reported_in_time_rate(None, {INPUT: snap})  # type: ignore[arg-type]
    assert m.value == 1 / 3
    assert m.detail == {"in_time": 1, "late_or_overdue": 2, "running": 0}


def test_without_events_there_is_no_value() -> None:
    snap = SupervisionSnapshot(DAY, (), [event(None)], ())
    m = emergency_reported_in_time_rate(None, {INPUT: snap})  # type: ignore[arg-type]
    assert m.value is None and m.detail == {"running": 1}
