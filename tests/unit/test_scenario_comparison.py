"""Scenarios compared: coverage at one radius, weighted distance, new sites and their cost."""

from __future__ import annotations

import datetime as dt

import pytest

from countyexpress.domain.county import County
from countyexpress.domain.facilities import FacilityKind
from countyexpress.domain.geography import Coordinates, Division, DivisionLevel
from countyexpress.domain.plan import CountyPlan, Standards
from countyexpress.domain.siting_scenarios import Scenario, ScenarioSite, compare, setup_cost
from countyexpress.errors import InvalidValue

AT = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


def _county(extra: dict[str, float] | None = None) -> County:
    """Two villages 11 km apart, 100 and 300 residents, circuity 1.0."""
    plan = CountyPlan(standards=Standards(circuity_factor=1.0, extra=extra or {}))
    return County(
        code="652828",
        name="test",
        plan=plan,
        divisions=[
            Division("652828100000", "t", DivisionLevel.TOWNSHIP, "652828"),
            Division("652828100201", "a", DivisionLevel.VILLAGE, "652828100000", 100,
                     Coordinates(42.0, 86.0)),
            Division("652828100202", "b", DivisionLevel.VILLAGE, "652828100000", 300,
                     Coordinates(42.1, 86.0)),
        ],
    )  # fmt: skip


def _scenario(name: str, *sites: tuple[str, float, bool]) -> Scenario:
    return Scenario(
        "652828", name, FacilityKind.LOCKER, "mclp", 1, 2.0,
        tuple(ScenarioSite(i, i, Coordinates(lat, 86.0), e) for i, lat, e in sites),
        "", True, AT,
    )  # fmt: skip


def test_a_site_at_the_bigger_village_covers_its_residents() -> None:
    """A site at village b covers 300 of 400 residents within 2 km; a's 100 are 11 km off."""
    (f,) = compare(_county(), [_scenario("s", ("x", 42.1, False))], 2.0)
    assert f.coverage_share == pytest.approx(0.75)
    assert f.mean_km == pytest.approx(100 * 11.12 / 400, rel=1e-2)
    assert (f.new, f.existing, f.cost_cny, f.cost_is_estimate) == (1, 0, 30_000.0, True)


def test_existing_sites_cost_nothing() -> None:
    """Only new sites count in the cost."""
    (f,) = compare(_county(), [_scenario("s", ("x", 42.1, True), ("y", 42.0, False))], 2.0)
    assert (f.existing, f.new, f.coverage_share) == (1, 1, 1.0)
    assert f.cost_cny == 30_000.0


def test_the_pack_sets_the_setup_cost() -> None:
    """`setup_cost_cny_locker` in the pack's standards replaces the estimate."""
    assert setup_cost(_county({"setup_cost_cny_locker": 12_000}), FacilityKind.LOCKER) == (
        12_000.0,
        False,
    )


@pytest.mark.parametrize("name", ["", "two words", "x" * 61, "a/b"])
def test_a_scenario_name_is_a_short_word(name: str) -> None:
    """Names are 1-60 letters, digits, '.', '-' or '_'."""
    with pytest.raises(InvalidValue):
        _scenario(name)
