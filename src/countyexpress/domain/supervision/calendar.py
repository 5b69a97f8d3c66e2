"""The county's working-day calendar, and months counted on it.

The regulator's clocks count in two ways: calendar days ("file within 20 days of opening")
and working days ("decide within 5 working days"). A working day is Monday to Friday, less
the public holidays, plus the weekend days worked in their place (调休上班): both lists are
data in the county pack, because the State Council publishes them year by year.

A deadline of n days after a day d is the end of the n-th counted day after d (d itself does
not count): a filing submitted on a Friday with 5 working days is due the next Friday.
"""

from __future__ import annotations

import calendar as _calendar
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from countyexpress.errors import InvalidValue

__all__ = ["WorkingCalendar", "add_months"]

_MAX_SCAN_DAYS = 366 * 3
"""A run of non-working days longer than this is a mistake in the data, not a holiday."""


def add_months(day: dt.date, months: int) -> dt.date:
    """`day` moved by whole months, clamped to the month's last day (Jan 31 + 1 → Feb 28/29)."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    if not dt.MINYEAR <= year <= dt.MAXYEAR:
        raise InvalidValue("months", f"{months} months from {day} is outside the calendar")
    last = _calendar.monthrange(year, month + 1)[1]
    return dt.date(year, month + 1, min(day.day, last))


@dataclass(frozen=True)
class WorkingCalendar:
    """Which days are worked: weekdays not in `holidays`, and the listed `workdays`."""

    holidays: frozenset[dt.date] = field(default_factory=frozenset)
    workdays: frozenset[dt.date] = field(default_factory=frozenset)
    """Weekend days worked in place of a holiday (调休上班)."""
    weekend: frozenset[int] = frozenset({5, 6})
    """Days of the week (Monday = 0) that are not worked unless listed in `workdays`."""

    def __post_init__(self) -> None:
        both = sorted(self.holidays & self.workdays)
        if both:
            raise InvalidValue(
                "calendar", f"{both[0]} is listed both as a holiday and as a working day"
            )
        if not set(self.weekend) <= set(range(7)):
            raise InvalidValue("calendar.weekend", "weekend days are numbered 0 (Mon) to 6 (Sun)")
        if len(self.weekend) == 7 and not self.workdays:
            raise InvalidValue("calendar.weekend", "a calendar needs some working days")

    @classmethod
    def of(
        cls,
        holidays: Iterable[dt.date] = (),
        workdays: Iterable[dt.date] = (),
        weekend: Iterable[int] = (5, 6),
    ) -> WorkingCalendar:
        """A calendar from any iterables of days."""
        return cls(frozenset(holidays), frozenset(workdays), frozenset(weekend))

    def is_working_day(self, day: dt.date) -> bool:
        """Whether `day` is worked."""
        if day in self.workdays:
            return True
        return day.weekday() not in self.weekend and day not in self.holidays

    def add_working_days(self, start: dt.date, days: int) -> dt.date:
        """The `days`-th working day after `start` (0: `start` itself if worked, else the
        next working day)."""
        if days < 0:
            raise InvalidValue("days", "a clock counts forward: days must be 0 or more")
        day = start
        if days == 0:
            return self._next_working(day, include=True)
        for _ in range(days):
            day = self._next_working(day, include=False)
        return day

    def working_days_between(self, start: dt.date, end: dt.date) -> int:
        """How many working days lie after `start`, up to and including `end` (0 if end ≤ start)."""
        count, day = 0, start
        while day < end:
            day += dt.timedelta(days=1)
            count += self.is_working_day(day)
        return count

    def _next_working(self, day: dt.date, include: bool) -> dt.date:
        step = dt.timedelta(days=1)
        candidate = day if include else day + step
        for _ in range(_MAX_SCAN_DAYS):
            if self.is_working_day(candidate):
                return candidate
            candidate += step
        raise InvalidValue("calendar", f"no working day within three years after {day}")
