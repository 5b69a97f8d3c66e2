"""The working-day calendar and the clocks counted on it."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from countyexpress.domain.supervision.calendar import WorkingCalendar, add_months
from countyexpress.domain.supervision.clocks import Clock, ClockRule, ClockState, Unit
from countyexpress.errors import InvalidValue

# National Day 2026 (published by the State Council): 1–7 October off, Sunday 27 September
# and Saturday 10 October worked in their place.
NATIONAL_DAY = WorkingCalendar.of(
    holidays=[dt.date(2026, 10, d) for d in range(1, 8)],
    workdays=[dt.date(2026, 9, 27), dt.date(2026, 10, 10)],
)

days = st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2090, 12, 31))
holiday_sets = st.frozensets(days, max_size=40)


def test_a_filing_submitted_on_friday_with_five_working_days_is_due_the_next_friday() -> None:
    """Weekends do not count; the day of submission does not count."""
    friday = dt.date(2026, 12, 4)
    assert WorkingCalendar().add_working_days(friday, 5) == dt.date(2026, 12, 11)


def test_holidays_are_skipped_and_make_up_weekend_days_are_worked() -> None:
    """Submitted on Wednesday 30 September: 2 working days run to Saturday 10 October."""
    assert NATIONAL_DAY.is_working_day(dt.date(2026, 9, 27))  # a Sunday worked
    assert not NATIONAL_DAY.is_working_day(dt.date(2026, 10, 5))  # a Monday off
    assert NATIONAL_DAY.add_working_days(dt.date(2026, 9, 30), 1) == dt.date(2026, 10, 8)
    assert NATIONAL_DAY.add_working_days(dt.date(2026, 9, 30), 3) == dt.date(2026, 10, 10)


def test_zero_working_days_is_the_day_itself_or_the_next_working_day() -> None:
    """A clock of 0 working days started on a Saturday is due on Monday."""
    assert WorkingCalendar().add_working_days(dt.date(2026, 12, 5), 0) == dt.date(2026, 12, 7)
    assert WorkingCalendar().add_working_days(dt.date(2026, 12, 7), 0) == dt.date(2026, 12, 7)


@given(start=days, n=st.integers(min_value=1, max_value=60), holidays=holiday_sets)
def test_the_nth_working_day_is_worked_and_n_working_days_away(
    start: dt.date, n: int, holidays: frozenset[dt.date]
) -> None:
    """add_working_days and working_days_between agree, on any holiday list."""
    cal = WorkingCalendar(holidays=holidays)
    due = cal.add_working_days(start, n)
    assert cal.is_working_day(due)
    assert cal.working_days_between(start, due) == n
    assert cal.working_days_between(start, due - dt.timedelta(days=1)) == n - 1


@given(start=days, n=st.integers(min_value=0, max_value=40), holidays=holiday_sets)
def test_more_working_days_never_end_earlier(
    start: dt.date, n: int, holidays: frozenset[dt.date]
) -> None:
    """A longer limit is never due before a shorter one."""
    cal = WorkingCalendar(holidays=holidays)
    assert cal.add_working_days(start, n) <= cal.add_working_days(start, n + 1)


def test_a_day_both_holiday_and_working_day_is_refused() -> None:
    """The pack's calendar cannot contradict itself."""
    day = dt.date(2026, 10, 1)
    with pytest.raises(InvalidValue, match="both"):
        WorkingCalendar.of(holidays=[day], workdays=[day])


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (dt.date(2026, 1, 31), 1, dt.date(2026, 2, 28)),
        (dt.date(2028, 1, 31), 1, dt.date(2028, 2, 29)),
        (dt.date(2026, 12, 5), 60, dt.date(2031, 12, 5)),
        (dt.date(2026, 3, 31), -1, dt.date(2026, 2, 28)),
    ],
)
def test_months_are_clamped_to_the_end_of_the_month(
    start: dt.date, months: int, expected: dt.date
) -> None:
    """Jan 31 plus a month is the last day of February."""
    assert add_months(start, months) == expected


def test_a_clock_reports_running_due_overdue_met_and_met_late() -> None:
    """The states a regulator's list shows, on the days around the due day."""
    rule = ClockRule("filing.decide", 5, Unit.WORKING_DAYS)
    clock = rule.start(dt.date(2026, 12, 4), WorkingCalendar())
    assert clock.due == dt.date(2026, 12, 11)
    assert clock.state(dt.date(2026, 12, 10)) is ClockState.RUNNING
    assert clock.state(dt.date(2026, 12, 11)) is ClockState.DUE_TODAY
    assert clock.state(dt.date(2026, 12, 12)) is ClockState.OVERDUE
    assert clock.days_left(dt.date(2026, 12, 14)) == -3
    assert clock.stop(dt.date(2026, 12, 11)).state(dt.date(2027, 1, 1)) is ClockState.MET
    late = clock.stop(dt.date(2026, 12, 14))
    assert late.state(dt.date(2026, 12, 14)) is ClockState.MET_LATE
    assert late.state(dt.date(2026, 12, 13)) is ClockState.OVERDUE  # seen before it stopped


def test_a_calendar_day_clock_and_a_month_clock() -> None:
    """20 days after opening; a licence valid 60 months."""
    opened = dt.date(2026, 11, 14)
    assert ClockRule("filing.file", 20).due(opened, WorkingCalendar()) == dt.date(2026, 12, 4)
    licence = ClockRule("licence.valid", 60, Unit.MONTHS)
    assert licence.due(dt.date(2024, 2, 29), WorkingCalendar()) == dt.date(2029, 2, 28)


def test_a_clock_rule_outside_its_range_is_refused() -> None:
    """A negative or absurd limit in the pack is an error, not a clock."""
    with pytest.raises(InvalidValue, match=r"filing\.decide"):
        ClockRule("filing.decide", -1, Unit.WORKING_DAYS)
    with pytest.raises(InvalidValue):
        Clock("x", dt.date(2026, 1, 2), dt.date(2026, 1, 1))
