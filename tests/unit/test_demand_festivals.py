"""The festival calendar: Spring Festival by lunar date, the Double 11 and 618 windows."""

from __future__ import annotations

import datetime as dt

import pytest

from countyexpress.domain.demand.festivals import (
    DOUBLE_11,
    SPRING_FESTIVAL,
    Calendar,
    local_event,
    spring_festival,
)
from countyexpress.errors import InvalidValue

D = dt.date


@pytest.mark.parametrize(
    ("year", "day"),
    [
        (2020, D(2020, 1, 25)),
        (2023, D(2023, 1, 22)),
        (2024, D(2024, 2, 10)),
        (2025, D(2025, 1, 29)),
        (2026, D(2026, 2, 17)),
        (2027, D(2027, 2, 6)),
    ],
)
def test_the_spring_festival_falls_on_lunar_new_years_day(year: int, day: dt.date) -> None:
    """Lunar 正月初一 as the Hong Kong Observatory tables give it."""
    assert spring_festival(year) == day


def test_every_spring_festival_in_the_table_falls_between_jan_21_and_feb_20() -> None:
    """The lunar new year always falls from January 21 to February 20."""
    assert all(D(y, 1, 21) <= d <= D(y, 2, 20) for y, d in SPRING_FESTIVAL.items())


def test_a_year_outside_the_table_is_refused_with_its_range() -> None:
    """No guessing beyond the sourced table."""
    with pytest.raises(InvalidValue, match="2000–2035"):
        spring_festival(2040)


def test_double_11_runs_from_the_oct_31_pre_sale_to_nov_17() -> None:
    """The pre-sale's final payment (Oct 31) is offset −11; Nov 11 is 0."""
    cal = Calendar()
    assert cal.key(D(2026, 10, 30)) is None
    assert cal.key(D(2026, 10, 31)) == ("double11", -11)
    assert cal.key(D(2026, 11, 11)) == ("double11", 0)
    assert cal.key(D(2026, 11, 17)) == ("double11", 6)
    assert cal.key(D(2026, 11, 18)) is None
    assert len(DOUBLE_11.offsets()) == 18


def test_618_starts_on_june_1() -> None:
    """618's window opens with the sale on June 1."""
    cal = Calendar()
    assert cal.key(D(2025, 6, 1)) == ("618", -17)
    assert cal.key(D(2025, 6, 18)) == ("618", 0)
    assert cal.key(D(2025, 5, 31)) is None


def test_a_late_january_spring_festival_window_reaches_back_into_december() -> None:
    """Windows cross the new year: 2025's festival (Jan 29) opens on Jan 1 and 2028's
    (Jan 26) on Dec 29, 2027."""
    cal = Calendar()
    assert cal.key(D(2027, 12, 29)) == ("spring", -28)
    assert cal.key(D(2025, 1, 29)) == ("spring", 0)


def test_a_local_event_joins_the_calendar_on_its_own_dates() -> None:
    """A county's event (a temple fair) gets keys like the national festivals."""
    fair = local_event("fair", "庙会", [D(2025, 3, 3), D(2026, 3, 20)], before=1, after=1)
    cal = Calendar((DOUBLE_11, fair))
    assert cal.key(D(2026, 3, 19)) == ("fair", -1)
    assert cal.key(D(2025, 3, 20)) is None
    with pytest.raises(InvalidValue, match="two dates"):
        local_event("fair", "庙会", [D(2025, 3, 3), D(2025, 3, 9)])
