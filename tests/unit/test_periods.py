"""Months and days as typed: inside the window of years or refused with the reason, never
an overflow; a month's instants are the county's (UTC+8), not UTC's."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from countyexpress.domain.periods import (
    FIRST_YEAR,
    LAST_YEAR,
    month_bounds,
    parse_day,
    parse_month,
)
from countyexpress.errors import InvalidValue

CST = dt.timezone(dt.timedelta(hours=8))


@pytest.mark.parametrize("text", ["10000-01", "9999-12", "1999-12", "0001-01"])
def test_a_month_outside_the_window_is_refused_with_its_year(text: str) -> None:
    with pytest.raises(InvalidValue) as refused:
        parse_month(text)
    assert refused.value.field == "month" and str(int(text.split("-")[0])) in str(refused.value)
    assert f"{FIRST_YEAR}" in str(refused.value) and f"{LAST_YEAR}" in str(refused.value)


@pytest.mark.parametrize("text", ["9999-12-31", "0001-01-01", "2100-01-01"])
def test_a_day_outside_the_window_is_refused(text: str) -> None:
    with pytest.raises(InvalidValue, match="outside"):
        parse_day(text)


@given(st.text(max_size=12))
def test_any_month_text_parses_or_is_refused_and_its_bounds_never_overflow(text: str) -> None:
    try:
        year, month = parse_month(text)
    except InvalidValue:
        return
    since, until = month_bounds(year, month)
    assert since < until and FIRST_YEAR <= year <= LAST_YEAR


@given(st.one_of(st.text(max_size=12), st.dates().map(dt.date.isoformat)))
def test_any_day_text_parses_or_is_refused_and_the_next_day_exists(text: str) -> None:
    try:
        day = parse_day(text)
    except InvalidValue:
        return
    assert day + dt.timedelta(days=1) > day


@given(st.integers(FIRST_YEAR, LAST_YEAR), st.integers(1, 12))
def test_a_month_starts_at_midnight_in_the_county(year: int, month: int) -> None:
    """16:00 UTC the evening before the 1st, and months tile without gaps."""
    since, until = month_bounds(year, month)
    assert since.astimezone(CST) == dt.datetime(year, month, 1, tzinfo=CST)
    assert (since.hour, since.minute) == (16, 0)
    if month < 12:
        assert until == month_bounds(year, month + 1)[0]
