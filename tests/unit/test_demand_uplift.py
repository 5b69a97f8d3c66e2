"""Festival uplifts learned from past years."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from countyexpress.domain.demand.festivals import Calendar
from countyexpress.domain.demand.uplift import DailySeries, learn_uplifts


def _series(
    level: float, nov11: float, start: dt.date = dt.date(2024, 1, 1), days: int = 730
) -> DailySeries:
    values = []
    for i in range(days):
        d = start + dt.timedelta(days=i)
        values.append(level * nov11 if (d.month, d.day) == (11, 11) else level)
    return DailySeries(start, tuple(values))


def test_a_steady_item_learns_its_own_double_11_multiplier() -> None:
    """Flat 50 a day and 4× on Nov 11 in both years: the uplift of offset 0 is about 4."""
    up = learn_uplifts(Calendar(), {"a": _series(50.0, 4.0)})
    assert up.of("a", ("double11", 0)) == pytest.approx(4.0, rel=0.05)
    assert up.factor("a", dt.date(2026, 11, 11)) == pytest.approx(4.0, rel=0.05)
    assert up.factor("a", dt.date(2026, 11, 20)) == 1.0


def test_a_sparse_item_borrows_the_pooled_uplift() -> None:
    """An item selling 0.1 a day takes (nearly) the pooled shape, not its own noise."""
    up = learn_uplifts(Calendar(), {"big": _series(100.0, 3.0), "tiny": _series(0.1, 10.0)})
    assert up.of("tiny", ("double11", 0)) == pytest.approx(up.pooled[("double11", 0)], rel=0.1)


def test_removing_the_uplift_flattens_the_festival_day() -> None:
    """The de-festivalised series has the festival spike divided out."""
    s = _series(20.0, 5.0)
    up = learn_uplifts(Calendar(), {"a": s})
    flat = up.remove("a", s)
    i = (dt.date(2024, 11, 11) - s.start).days
    assert flat.values[i] == pytest.approx(20.0, rel=0.05)


@given(st.floats(0.01, 1000.0), st.integers(400, 900))
def test_a_series_without_festival_swings_learns_no_uplift(level: float, days: int) -> None:
    """A constant demand has uplift 1 on every festival day, for any level and length."""
    s = DailySeries(dt.date(2024, 3, 1), (level,) * days)
    up = learn_uplifts(Calendar(), {"a": s})
    assert up.by_item["a"] and all(u == pytest.approx(1.0) for u in up.by_item["a"].values())
