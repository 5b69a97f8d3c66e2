"""Stocking maths: ABC/XYZ classes, base-stock levels and fill rates."""

from __future__ import annotations

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from countyexpress.domain.demand.stocking import (
    ItemDemand,
    Predictability,
    Volume,
    abc,
    advise,
    base_stock,
    fill_rate,
    poisson_cdf,
    summarise,
    weekly_cv,
    xyz,
)
from countyexpress.errors import InvalidValue

means = st.floats(0.0, 500.0)
cvs = st.floats(0.05, 2.0)
levels = st.floats(0.5, 0.999)


@given(means, cvs, levels, levels)
def test_a_higher_service_level_never_needs_less_stock(
    mean: float, cv: float, a: float, b: float
) -> None:
    """Base stock is monotone in the service level."""
    lo, hi = sorted((a, b))
    sd = mean * cv
    assert base_stock(mean, sd, lo, mean / 3).level <= base_stock(mean, sd, hi, mean / 3).level


@given(means, cvs, levels)
def test_the_base_stock_reaches_the_cycle_service_level_asked_for(
    mean: float, cv: float, service: float
) -> None:
    """The level's own chance of no stock-out is at least the target; the fill rate is a
    share, and at least as high as the cycle service level for a day's review."""
    b = base_stock(mean, mean * cv, service, max(mean, 1e-9))
    assert b.cycle_service >= service - 1e-9
    assert 0.0 <= b.fill_rate <= 1.0
    assert b.level >= 0


@given(means, cvs, st.integers(0, 400), st.integers(0, 400))
@example(0.05, 1.0, 7, 273)  # the Poisson shortage far above the mean: rounding noise once
@example(2.225073858507e-311, 1.0, 0, 1)  # next to no spread: the normal loss was 0 × ∞
def test_more_stock_never_lowers_the_fill_rate(mean: float, cv: float, s1: int, s2: int) -> None:
    """The fill rate rises with the base stock, under either demand model."""
    lo, hi = sorted((s1, s2))
    for model in ("normal", "poisson"):
        per_day = max(mean / 3, 0.1)
        assert (
            fill_rate(lo, mean, mean * cv, per_day, model)
            <= fill_rate(hi, mean, mean * cv, per_day, model) + 1e-12
        )


@given(st.floats(0.01, 30.0), st.integers(0, 80))
def test_the_poisson_cdf_is_a_probability_rising_with_k(mean: float, k: int) -> None:
    """P(D ≤ k) lies in [0, 1] and does not fall as k grows."""
    assert 0.0 <= poisson_cdf(k, mean) <= poisson_cdf(k + 1, mean) <= 1.0


def test_slow_movers_take_whole_poisson_levels() -> None:
    """Lead-time demand of 2 at 95 %: P(D ≤ 4) = 0.947 < 0.95 ≤ P(D ≤ 5) = 0.983."""
    b = base_stock(2.0, 1.0, 0.95, 2 / 3)
    assert (b.level, b.model) == (5, "poisson")


def test_fast_movers_take_the_normal_level() -> None:
    """Mean 100, sd 20, 95 %: 100 + 1.645·20 = 132.9, rounded up to 133."""
    assert base_stock(100.0, 20.0, 0.95, 33.3).level == 133


@pytest.mark.parametrize("service", [0.0, 1.0, 1.5])
def test_a_service_level_outside_zero_to_one_is_refused(service: float) -> None:
    """The service level is a probability strictly between 0 and 1."""
    with pytest.raises(InvalidValue):
        base_stock(10.0, 1.0, service, 1.0)


def test_abc_cuts_at_80_and_95_percent_of_volume() -> None:
    """The items making the first 80 % are A, up to 95 % B, the rest C."""
    got = abc({"a": 70, "b": 15, "c": 10, "d": 4, "e": 1, "f": 0})
    assert got == {
        "a": Volume.A,
        "b": Volume.A,
        "c": Volume.B,
        "d": Volume.C,
        "e": Volume.C,
        "f": Volume.C,
    }


@given(st.dictionaries(st.text(min_size=1, max_size=3), st.floats(0, 1e6), min_size=1))
def test_a_item_selling_more_never_gets_a_lower_class(volumes: dict[str, float]) -> None:
    """ABC follows volume: more volume, same or better class."""
    got = abc(volumes)
    for x in volumes:
        for y in volumes:
            if volumes[x] > volumes[y]:
                assert got[x] <= got[y]


def test_xyz_follows_the_weekly_coefficient_of_variation() -> None:
    """Steady weeks are X, uneven Y, erratic (or no demand) Z."""
    assert xyz(weekly_cv([10.0] * 28)) is Predictability.X
    assert xyz(weekly_cv([0.0] * 28)) is Predictability.Z
    assert xyz(0.7) is Predictability.Y
    assert xyz(1.5) is Predictability.Z


def test_only_held_items_ship_from_the_county_and_save_days() -> None:
    """A held item ships its fill rate's share from the county; a C item ships none."""
    items = [
        ItemDemand("a", 900.0, 100.0, 10.0, 33.3, 0.1),
        ItemDemand("b", 100.0, 10.0, 3.0, 3.3, 0.1),
    ]
    advice = advise(items, 0.95)
    assert [(a.item, a.klass, a.hold) for a in advice] == [("a", "AX", True), ("b", "BX", True)]
    only_a = advise([items[0], ItemDemand("c", 10.0, 1.0, 1.0, 0.3, 2.0)], 0.95)
    s = summarise(only_a, days_saved=2.0)
    assert s.held == 1
    assert 0 < s.county_share <= 900 / 910
    assert s.days_saved_per_order == pytest.approx(2.0 * s.county_share)
