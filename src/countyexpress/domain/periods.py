"""Months and days as people type them (a statement's month, a route plan's date), kept
inside a window of years, and a month's instants in the county's zone.

A month like `10000-01` or a date like `9999-12-31` parses, but the day after it or its
next month does not exist: such values are refused here with the reason, before any
arithmetic, instead of failing deep inside as an OverflowError. The window (years 2000 to
2099) is wide for a delivery platform and narrow enough that China's one zone, UTC+8 with no
daylight saving since 1991, holds for every day in it.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping

from countyexpress.domain.county_time import COUNTY_ZONE
from countyexpress.errors import N_, InvalidValue, said

FIRST_YEAR, LAST_YEAR = 2000, 2099
"""The years a month or a date may fall in."""


_MONTH = re.compile(r"(\d{4,5})-(\d{1,2})")


def check_year(year: int, field: str) -> None:
    """InvalidValue unless `year` is inside the window."""
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise said(InvalidValue, N_("year %(year)s is outside %(first)s to %(last)s"), field,
                   year=year, first=FIRST_YEAR, last=LAST_YEAR)  # fmt: skip


def check_day(day: dt.date, field: str = "date") -> dt.date:
    """`day`, unless its year is outside the window."""
    check_year(day.year, field)
    return day


def parse_day(text: str, field: str = "date") -> dt.date:
    """A date typed as YYYY-MM-DD, inside the window."""
    try:
        day = dt.date.fromisoformat(text.strip())
    except ValueError:
        raise said(InvalidValue, N_("%(text)s is not a date like 2026-11-28"), field,
                   text=repr(text[:40])) from None  # fmt: skip
    return check_day(day, field)


def parse_month(text: str, field: str = "month") -> tuple[int, int]:
    """(year, month) of a month typed as YYYY-MM, inside the window."""
    found = _MONTH.fullmatch(text.strip())
    if found is None:
        raise said(InvalidValue, N_("%(text)s is not a month like 2026-11"), field,
                   text=repr(text[:40]))  # fmt: skip
    year, month = int(found.group(1)), int(found.group(2))
    check_year(year, field)
    if not 1 <= month <= 12:
        raise said(InvalidValue, N_("month %(month)s is outside 1 to 12"), field, month=month)
    return year, month


def month_bounds(year: int, month: int) -> tuple[dt.datetime, dt.datetime]:
    """The first instant of the month in the county and the first of the next (UTC)."""
    check_year(year, "month")
    if not 1 <= month <= 12:
        raise said(InvalidValue, N_("month %(month)s is outside 1 to 12"), "month", month=month)
    since = dt.datetime(year, month, 1, tzinfo=COUNTY_ZONE)
    until = dt.datetime(year + month // 12, month % 12 + 1, 1, tzinfo=COUNTY_ZONE)
    return since.astimezone(dt.UTC), until.astimezone(dt.UTC)


def row_day(row: Mapping[str, str], column: str) -> dt.date | None:
    """The day in `column` of an imported row (YYYY-MM-DD, a time after it ignored), or
    None when the cell is empty; InvalidValue naming the column otherwise."""
    text = (row.get(column) or "").strip()
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text[:10])
    except ValueError:
        raise InvalidValue(column, f"{text!r} is not a date (YYYY-MM-DD)") from None
