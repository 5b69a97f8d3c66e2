"""Clocks: a rule of the pack ("decide within 5 working days") turned into a due date.

A clock starts on a day (an outlet opens, a filing is submitted, a complaint arrives), is
due on the day its rule gives on the county's calendar, and stops when what it waits for
happens. Its state on a given day is what the regulator's lists show: running, due today,
overdue, met in time, or met late.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from countyexpress.domain.supervision.calendar import WorkingCalendar, add_months
from countyexpress.errors import InvalidValue

__all__ = ["Clock", "ClockRule", "ClockState", "Unit"]


class Unit(StrEnum):
    """What a rule counts."""

    CALENDAR_DAYS = "calendar_days"
    WORKING_DAYS = "working_days"  # on the county's working-day calendar
    MONTHS = "months"  # whole months, clamped to the month's end (a 5-year licence: 60)
    HOURS = "hours"  # elapsed hours from the moment it starts (an outage report: 24)


class ClockState(StrEnum):
    """Where a clock stands on a day."""

    RUNNING = "running"  # started, not yet due
    DUE_TODAY = "due_today"
    OVERDUE = "overdue"  # past its due day, not met
    MET = "met"  # stopped on or before its due day
    MET_LATE = "met_late"  # stopped after its due day


@dataclass(frozen=True)
class ClockRule:
    """A time limit from a regulation: `length` in `unit`, with where it comes from."""

    name: str
    length: int
    unit: Unit = Unit.CALENDAR_DAYS
    source: str = ""

    def __post_init__(self) -> None:
        if not self.name:
            raise InvalidValue("clock", "a clock rule needs a name")
        top = {Unit.MONTHS: 120, Unit.HOURS: 24 * 366}.get(self.unit, 3660)
        if not 0 <= self.length <= top:
            raise InvalidValue(
                f"clocks.{self.name}.length", f"{self.length} is not 0..{top} {self.unit.value}"
            )

    def due(self, started: dt.date, calendar: WorkingCalendar) -> dt.date:
        """The last day that still meets the rule for a clock started on `started`."""
        if self.unit is Unit.WORKING_DAYS:
            return calendar.add_working_days(started, self.length)
        if self.unit is Unit.MONTHS:
            return add_months(started, self.length)
        if self.unit is Unit.HOURS:
            # the last day on which a clock started at any moment of `started` can be met
            return started + dt.timedelta(days=-(-self.length // 24))
        return started + dt.timedelta(days=self.length)

    def due_at(self, started_at: dt.datetime) -> dt.datetime:
        """The last moment that meets an hours rule for a clock started at `started_at`."""
        if self.unit is not Unit.HOURS:
            raise InvalidValue(f"clocks.{self.name}.unit", "only an hours rule has a due moment")
        if started_at.tzinfo is None:
            raise InvalidValue(f"clocks.{self.name}", "a moment needs its time zone")
        return started_at + dt.timedelta(hours=self.length)

    def met_in_time(self, started_at: dt.datetime, stopped_at: dt.datetime) -> bool:
        """Whether an hours clock started at `started_at` and stopped at `stopped_at` met it."""
        return stopped_at <= self.due_at(started_at)

    def start(self, started: dt.date, calendar: WorkingCalendar) -> Clock:
        """A running clock of this rule."""
        return Clock(self.name, started, self.due(started, calendar))


@dataclass(frozen=True)
class Clock:
    """One running or stopped clock of a record."""

    rule: str
    started: dt.date
    due: dt.date
    stopped: dt.date | None = None

    def __post_init__(self) -> None:
        if self.due < self.started:
            raise InvalidValue("clock", f"{self.rule} is due before it starts")
        if self.stopped is not None and self.stopped < self.started:
            raise InvalidValue("clock", f"{self.rule} stops before it starts")

    def stop(self, on: dt.date) -> Clock:
        """The clock stopped on `on` (a stopped clock keeps its first stop)."""
        if self.stopped is not None:
            return self
        return Clock(self.rule, self.started, self.due, max(on, self.started))

    def state(self, today: dt.date) -> ClockState:
        """The clock's state as seen on `today`."""
        if self.stopped is not None and self.stopped <= today:
            return ClockState.MET if self.stopped <= self.due else ClockState.MET_LATE
        if today > self.due:
            return ClockState.OVERDUE
        return ClockState.DUE_TODAY if today == self.due else ClockState.RUNNING

    def days_left(self, today: dt.date) -> int:
        """Calendar days until due (negative: days overdue)."""
        return (self.due - today).days
