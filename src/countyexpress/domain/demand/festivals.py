"""The shopping-festival calendar that moves a county's parcel volumes.

A festival is an anchor date each year and a window of day offsets around it: Double 11
(双十一, Nov 11, with its pre-sale final-payment days from Oct 31), 618 (Jun 18, with its
start on Jun 1), the Spring Festival (春节, lunar new year's day: the new-year-goods rush
before it and the couriers' holiday after it), and local events a county names itself
(a temple fair, a harvest market). A day inside a window carries a key (festival, offset)
whose effect `uplift.py` learns from past years.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from countyexpress.errors import InvalidValue

# Spring Festival (lunar 正月初一) in the Gregorian calendar. Source: Hong Kong Observatory,
# "Gregorian-Lunar Calendar Conversion Table" (https://www.hko.gov.hk/en/gts/time/conversion.htm);
# checked on 2026-12-06 against the lunardate 0.3.0 package (LunarDate(y, 1, 1)), all 36 equal.
SPRING_FESTIVAL: Mapping[int, dt.date] = {
    y: dt.date.fromisoformat(d)
    for y, d in {
        2000: "2000-02-05",
        2001: "2001-01-24",
        2002: "2002-02-12",
        2003: "2003-02-01",
        2004: "2004-01-22",
        2005: "2005-02-09",
        2006: "2006-01-29",
        2007: "2007-02-18",
        2008: "2008-02-07",
        2009: "2009-01-26",
        2010: "2010-02-14",
        2011: "2011-02-03",
        2012: "2012-01-23",
        2013: "2013-02-10",
        2014: "2014-01-31",
        2015: "2015-02-19",
        2016: "2016-02-08",
        2017: "2017-01-28",
        2018: "2018-02-16",
        2019: "2019-02-05",
        2020: "2020-01-25",
        2021: "2021-02-12",
        2022: "2022-02-01",
        2023: "2023-01-22",
        2024: "2024-02-10",
        2025: "2025-01-29",
        2026: "2026-02-17",
        2027: "2027-02-06",
        2028: "2028-01-26",
        2029: "2029-02-13",
        2030: "2030-02-03",
        2031: "2031-01-23",
        2032: "2032-02-11",
        2033: "2033-01-31",
        2034: "2034-02-19",
        2035: "2035-02-08",
    }.items()
}


def spring_festival(year: int) -> dt.date:
    """Lunar new year's day of a Gregorian year (2000–2035)."""
    try:
        return SPRING_FESTIVAL[year]
    except KeyError:
        raise InvalidValue(
            "year",
            f"no Spring Festival date for {year}: the table covers "
            f"{min(SPRING_FESTIVAL)}–{max(SPRING_FESTIVAL)}",
        ) from None


@dataclass(frozen=True)
class Festival:
    """A yearly event: `anchor(year)` is its day; the window runs `before` days ahead of it
    to `after` days after it."""

    code: str
    name: str
    anchor: Callable[[int], dt.date | None]
    before: int
    after: int

    def __post_init__(self) -> None:
        if not self.code:
            raise InvalidValue("code", "a festival needs a code")
        if self.before < 0 or self.after < 0:
            raise InvalidValue("window", f"{self.code}: days before and after are not negative")

    def offsets(self) -> range:
        """The day offsets of the window, anchor = 0."""
        return range(-self.before, self.after + 1)


def _fixed(month: int, day: int) -> Callable[[int], dt.date | None]:
    return lambda year: dt.date(year, month, day)


def _lunar_new_year(year: int) -> dt.date | None:
    return SPRING_FESTIVAL.get(year)


DOUBLE_11 = Festival("double11", "双十一", _fixed(11, 11), before=11, after=6)  # Oct 31 pre-sale
SIX_18 = Festival("618", "618", _fixed(6, 18), before=17, after=3)  # from Jun 1
SPRING = Festival("spring", "春节", _lunar_new_year, before=28, after=15)
NATIONAL = (DOUBLE_11, SIX_18, SPRING)


def local_event(
    code: str, name: str, dates: Iterable[dt.date], before: int = 0, after: int = 0
) -> Festival:
    """A county's own event on given dates (at most one a year), e.g. a yearly temple fair."""
    by_year: dict[int, dt.date] = {}
    for d in dates:
        if d.year in by_year and by_year[d.year] != d:
            raise InvalidValue("dates", f"{code}: two dates in {d.year}")
        by_year[d.year] = d
    return Festival(code, name, by_year.get, before, after)


FestivalKey = tuple[str, int]  # (festival code, day offset from its anchor)


class Calendar:
    """Festivals and the key of each day that falls in one of their windows."""

    def __init__(self, festivals: Iterable[Festival] = NATIONAL) -> None:
        self.festivals = tuple(festivals)
        codes = [f.code for f in self.festivals]
        if len(set(codes)) != len(codes):
            raise InvalidValue("festivals", "festival codes repeat")
        self._cache: dict[int, dict[dt.date, FestivalKey]] = {}

    def _year(self, year: int) -> dict[dt.date, FestivalKey]:
        if year not in self._cache:
            days: dict[dt.date, FestivalKey] = {}
            # windows reach over new year (a late-January Spring Festival looks back into
            # December), so anchors of the year before and after count too
            for y in (year - 1, year, year + 1):
                for f in self.festivals:
                    anchor = f.anchor(y) if y in range(1900, 2200) else None
                    if anchor is None:
                        continue
                    for k in f.offsets():
                        d = anchor + dt.timedelta(days=k)
                        if d.year == year:
                            days.setdefault(d, (f.code, k))  # the first festival listed wins
            self._cache[year] = days
        return self._cache[year]

    def key(self, day: dt.date) -> FestivalKey | None:
        """The (festival, offset) of a day, None outside every window."""
        return self._year(day.year).get(day)

    def days(self, start: dt.date, end: dt.date) -> dict[dt.date, FestivalKey]:
        """Festival days from start to end inclusive, with their keys."""
        found: dict[dt.date, FestivalKey] = {}
        for year in range(start.year, end.year + 1):
            for d, key in self._year(year).items():
                if start <= d <= end:
                    found[d] = key
        return dict(sorted(found.items()))

    def anchors(self, start: dt.date, end: dt.date) -> list[tuple[dt.date, Festival]]:
        """Each festival's anchor day from start to end, in date order."""
        out = []
        for year in range(start.year, end.year + 1):
            for f in self.festivals:
                a = f.anchor(year)
                if a is not None and start <= a <= end:
                    out.append((a, f))
        return sorted(out, key=lambda p: p[0])
