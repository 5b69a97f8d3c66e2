"""Clocks in hours (an outage is reported within 24 hours): due moment and due day agree."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from countyexpress.domain.supervision.calendar import WorkingCalendar
from countyexpress.domain.supervision.clocks import ClockRule, Unit
from countyexpress.errors import InvalidValue

UTC = dt.UTC
CAL = WorkingCalendar()
moments = st.datetimes(
    min_value=dt.datetime(2020, 1, 1), max_value=dt.datetime(2035, 1, 1), timezones=st.just(UTC)
)


def test_an_outage_reported_after_24_hours_is_late() -> None:
    rule = ClockRule("emergency.report", 24, Unit.HOURS)
    start = dt.datetime(2026, 12, 6, 23, 30, tzinfo=UTC)
    assert rule.due_at(start) == dt.datetime(2026, 12, 7, 23, 30, tzinfo=UTC)
    assert rule.met_in_time(start, dt.datetime(2026, 12, 7, 23, 30, tzinfo=UTC))
    assert not rule.met_in_time(start, dt.datetime(2026, 12, 7, 23, 31, tzinfo=UTC))


def test_hours_rules_are_bounded_and_need_a_time_zone() -> None:
    with pytest.raises(InvalidValue):
        ClockRule("x", 24 * 367, Unit.HOURS)
    with pytest.raises(InvalidValue):
        ClockRule("x", 24, Unit.HOURS).due_at(dt.datetime(2026, 1, 1))
    with pytest.raises(InvalidValue):
        ClockRule("x", 2, Unit.CALENDAR_DAYS).due_at(dt.datetime(2026, 1, 1, tzinfo=UTC))


@given(st.integers(0, 24 * 366), moments)
def test_the_due_day_never_ends_before_the_due_moment(hours: int, start: dt.datetime) -> None:
    rule = ClockRule("x", hours, Unit.HOURS)
    due_day = rule.due(start.date(), CAL)
    assert rule.due_at(start).date() <= due_day
    assert due_day - start.date() <= dt.timedelta(days=hours // 24 + 1)


@given(st.integers(0, 24 * 366), moments, st.integers(-10_000, 10_000))
def test_met_in_time_is_elapsed_hours_at_most_the_length(
    hours: int, start: dt.datetime, minutes: int
) -> None:
    rule = ClockRule("x", hours, Unit.HOURS)
    stop = start + dt.timedelta(minutes=minutes)
    assert rule.met_in_time(start, stop) == (stop - start <= dt.timedelta(hours=hours))
