"""The demand model: seeded days, festival waves, clearly fake people, fleet estimates."""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter

import pytest

from countyexpress.adapters.packs import builtin_pack_path, read_pack
from countyexpress.adapters.packs.simulation import params_for
from countyexpress.domain.addresses import resolve_address
from countyexpress.domain.county import County
from countyexpress.domain.geography import Coordinates, DataQuality
from countyexpress.domain.identity import validate_uscc
from countyexpress.errors import InvalidValue
from countyexpress.planning.simulation import fleet, synthetic
from countyexpress.planning.simulation.calendar import day_factor
from countyexpress.planning.simulation.demand import CountyModel, plan_day
from countyexpress.planning.simulation.params import Demand, Festival, SimulationParams

ORDINARY = dt.date(2026, 9, 17)  # a Thursday in September, no festival
AFTER_DOUBLE_11 = dt.date(2026, 11, 16)
SPRING_FESTIVAL = dt.date(2026, 2, 17)


@pytest.fixture(scope="module")
def heshuo() -> County:
    path = builtin_pack_path("heshuo")
    assert path is not None
    return read_pack(path)


@pytest.fixture(scope="module")
def params(heshuo: County) -> SimulationParams:
    return params_for(heshuo)


@pytest.fixture(scope="module")
def model(heshuo: County, params: SimulationParams) -> CountyModel:
    return CountyModel(heshuo, params, seed=7)


def test_the_same_seed_gives_the_same_day(heshuo: County, params: SimulationParams) -> None:
    """Two models with one seed draw identical parcels, receivers and farm parcels."""
    a = plan_day(CountyModel(heshuo, params, seed=7), ORDINARY, scale=0.1)
    b = plan_day(CountyModel(heshuo, params, seed=7), ORDINARY, scale=0.1)
    assert a == b
    assert a.inbound


def test_another_seed_gives_another_day(heshuo: County, params: SimulationParams) -> None:
    """A different seed draws different parcels."""
    a = plan_day(CountyModel(heshuo, params, seed=7), ORDINARY, scale=0.1)
    b = plan_day(CountyModel(heshuo, params, seed=8), ORDINARY, scale=0.1)
    assert a.inbound != b.inbound


def test_festival_days_exceed_ordinary_days(model: CountyModel) -> None:
    """Double 11's after-wave brings far more parcels than an ordinary day."""
    festival = plan_day(model, AFTER_DOUBLE_11, scale=0.2)
    ordinary = plan_day(model, ORDINARY, scale=0.2)
    assert "double11" in festival.factor.festivals
    assert len(festival.inbound) > 1.8 * len(ordinary.inbound)


def test_the_spring_festival_slumps(model: CountyModel) -> None:
    """Carriers slow down over the Spring Festival: far fewer parcels than usual."""
    assert model.expected(SPRING_FESTIVAL) < 0.3 * model.expected(ORDINARY)


def test_an_ordinary_heshuo_day_is_about_three_thousand_parcels(model: CountyModel) -> None:
    """The pack's rates give on the order of 100,000 parcels a month."""
    assert 2_500 < model.expected(ORDINARY) < 3_500


@pytest.mark.parametrize(
    ("day", "factor"),
    [(dt.date(2026, 11, 10), 1.0), (dt.date(2026, 11, 11), 2.0), (dt.date(2026, 11, 13), 1.0)],
)
def test_a_festival_factor_applies_only_on_its_days(day: dt.date, factor: float) -> None:
    """Factors run from the first offset for as many days as given, 1 elsewhere."""
    f = Festival("x", "x", (2.0,), first_offset=0, month_day=(11, 11))
    d = Demand(urban_rate=0.1, rural_rate=0.1)
    assert day_factor(day, d, (f,)).festival == factor


def test_synthetic_phones_can_never_reach_a_mobile(model: CountyModel) -> None:
    """Every receiver's phone has 11 digits and starts with 100, which no mobile does."""
    phones = [p.phone for people in model.receivers.values() for p in people]
    assert all(len(p) == 11 and p.startswith("100") for p in phones)
    assert len(set(phones)) == len(phones)


def test_synthetic_names_say_they_are_simulated(model: CountyModel) -> None:
    """Receivers' names carry 模拟 (simulated)."""
    assert all("模拟" in p.name for people in model.receivers.values() for p in people)


def test_named_places_resolve_and_placeholders_go_to_the_clerk(
    model: CountyModel, heshuo: County
) -> None:
    """Addresses of named villages resolve to them; placeholder villages cannot be named."""
    for people in model.receivers.values():
        person = people[0]
        division = heshuo.division(person.division_code)
        assert division is not None
        got = resolve_address(person.address, heshuo.divisions).division_code
        if division.quality is DataQuality.PLACEHOLDER:
            assert got is None
        else:
            assert got == person.division_code


def test_senders_are_cooperatives_with_a_valid_synthetic_credit_code(model: CountyModel) -> None:
    """Farm parcels carry a USCC passing its GB 32100 check, never a personal ID number."""
    day = plan_day(model, dt.date(2026, 9, 10))
    assert day.outbound
    assert all(validate_uscc(o.sender_uscc) is None for o in day.outbound)
    assert all(o.sender_uscc.startswith("93652828000") for o in day.outbound)


def test_farm_parcels_follow_the_harvest(model: CountyModel) -> None:
    """Peppers and grapes go out in September, not in April."""
    september = Counter(o.category for o in plan_day(model, dt.date(2026, 9, 10)).outbound)
    april = Counter(o.category for o in plan_day(model, dt.date(2026, 4, 10)).outbound)
    assert september["peppers"] > 3 * max(1, april["peppers"])
    assert april["grapes"] == 0


def test_waybills_are_unique_per_carrier_and_day() -> None:
    """A carrier's nth waybill of a day never repeats on another day or for another n."""
    numbers = {
        synthetic.waybill(c, dt.date(2026, 11, d), n)
        for c in ("zto", "ems", "sf")
        for d in (1, 2)
        for n in range(1, 200)
    }
    assert len(numbers) == 3 * 2 * 199


def test_shares_that_do_not_add_up_are_refused(params: SimulationParams) -> None:
    """Consent shares must add up to 1."""
    with pytest.raises(InvalidValue, match="add up"):
        SimulationParams(
            label="x",
            centre="C",
            demand=params.demand,
            carrier_shares={"ems": 1.0},
            consent_urban={"station": 0.5},
            consent_rural={"station": 1.0},
        )


SEAT = Coordinates(42.0, 86.0)


def _stops() -> list[fleet.Stop]:
    """Just 3 villages that easy to understand: two carriers share two of them."""
    return [
        fleet.Stop("A", Coordinates(42.1, 86.0), {"zto": 3, "ems": 2}),
        fleet.Stop("B", Coordinates(42.0, 86.1), {"zto": 1}),
        fleet.Stop("C", Coordinates(42.1, 86.1), {"ems": 4, "zto": 1}),
    ]


def test_co_delivery_needs_fewer_vehicle_km_than_each_carrier_alone() -> None:
    """One shared van per village beats one van per carrier per village."""
    shared = fleet.co_delivery(SEAT, _stops(), 1.3)
    alone = fleet.separate(SEAT, _stops(), 1.3)
    assert shared.trips == 3 and alone.trips == 5
    assert shared.km < alone.km
    assert alone.by_carrier["zto"][1] == 3


def test_a_station_bag_and_a_door_bag_of_one_village_are_one_stop() -> None:
    """Bags bound for the same village merge before the estimate."""
    a = fleet.Stop("A", Coordinates(42.1, 86.0), {"zto": 1})
    assert fleet.co_delivery(SEAT, [a, a], 1.3).trips == 1


def test_the_route_estimate_is_replaceable() -> None:
    """A real planner is any function from depot and stops to km."""
    flat = fleet.co_delivery(SEAT, _stops(), 1.3, estimate=lambda depot, stops, c: 10.0)
    assert flat.km == 10.0


def test_poisson_draws_keep_their_mean() -> None:
    """The Poisson sampler's mean matches small and large means."""
    from countyexpress.planning.simulation.demand import poisson

    rng = random.Random(1)
    for lam in (3.0, 120.0):
        draws = [poisson(rng, lam) for _ in range(4000)]
        assert abs(sum(draws) / len(draws) - lam) < 0.05 * lam


def test_the_route_planner_chains_stops_into_shorter_routes_than_round_trips() -> None:
    """With PyVRP behind the estimate, co-delivery still beats each carrier alone."""
    from countyexpress.planning.routing import PyVRPPlanner
    from countyexpress.planning.simulation.routed import PlannedRoutes

    planned = PlannedRoutes(PyVRPPlanner(seconds=0.1, seed=1))
    shared = fleet.co_delivery(SEAT, _stops(), 1.3, estimate=planned)
    alone = fleet.separate(SEAT, _stops(), 1.3, estimate=planned)
    assert 0 < shared.km < fleet.co_delivery(SEAT, _stops(), 1.3).km
    assert shared.km < alone.km
