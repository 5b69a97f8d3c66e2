"""`RoutePlan.check` recomputes cost and feasibility from the problem, not the solver."""

from __future__ import annotations

import pytest
from routing_fixtures import line_of_three, van

from countyexpress.planning.routing import Load, Route, RoutePlan, Stop, TimeWindow, check_route


def plan_of(*routes: tuple[str, tuple[str, ...], float]) -> RoutePlan:
    """Routes as (vehicle, stops, reported cost), distances and times left to the check."""
    return RoutePlan(tuple(Route(v, stops, 0.0, 0.0, cost) for v, stops, cost in routes))


def test_one_run_out_and_back_costs_its_km_and_hours() -> None:
    """D-A-B-C-D is 60 km and 1 h at 60 km/h: cost 60 × 1 + 1 × 60 = 120."""
    problem = line_of_three()
    check = plan_of(("V", ("A", "B", "C"), 120.0)).check(problem)
    assert (check.distance_km, check.duration_h, check.cost) == (60.0, 1.0, 120.0)
    assert check.feasible


def test_a_missing_and_a_repeated_stop_are_both_named() -> None:
    """Every stop is served exactly once."""
    problem = line_of_three(vehicles=(van(count=2),))
    check = plan_of(("V", ("A", "B"), 80.0), ("V", ("A",), 40.0)).check(problem)
    assert "stop A is visited 2 times" in check.violations
    assert "stop C is not served" in check.violations


def test_more_routes_than_vehicles_is_a_violation() -> None:
    """A vehicle of count 1 runs one route."""
    check = plan_of(("V", ("A",), 40.0), ("V", ("B", "C"), 120.0)).check(line_of_three())
    assert "vehicle V runs 2 routes but there are 1" in check.violations


def test_a_load_over_capacity_is_caught_when_leaving_the_depot() -> None:
    """3 stops × 3 parcels do not fit in an 8-parcel van."""
    rc = check_route(line_of_three(vehicles=(van(capacity=8, count=2),)), "V", ("A", "B", "C"))
    assert rc.violations == ("leaves the depot over capacity: parcels 9 > 8",)


def test_a_pickup_is_carried_back_and_counts_against_capacity() -> None:
    """6 leave the depot; A takes 3, B takes 3 and gives 9: A first ends at 9, B first at 12."""
    problem = line_of_three(
        Stop("A", delivery=Load(3)), Stop("B", delivery=Load(3), pickup=Load(9)), Stop("C")
    )
    assert check_route(problem, "V", ("A", "B")).violations == ()
    assert check_route(problem, "V", ("B", "A")).violations == (
        "over capacity after B: parcels 12 > 10",
    )


def test_the_vehicle_leaves_late_rather_than_waits_for_a_station_to_open() -> None:
    """A opens at 10:00, 10 min out: leave 09:50, not 08:00; the route lasts 20 min."""
    problem = line_of_three(Stop("A", window=TimeWindow(600, 660)), Stop("B"), Stop("C"))
    rc = check_route(problem, "V", ("A",))
    assert rc.duration_h == pytest.approx(20 / 60)
    assert rc.violations == ()


def test_arriving_after_closing_time_is_a_violation() -> None:
    """C closes at 08:20 but is 30 min out from an 08:00 start."""
    problem = line_of_three(Stop("A"), Stop("B"), Stop("C", window=TimeWindow(480, 500)))
    rc = check_route(problem, "V", ("C",))
    assert rc.violations == ("reaches C at 08:30, after it closes at 08:20",)


def test_service_time_and_max_duration_and_range_are_checked() -> None:
    """60 km driving plus 3 × 10 min service is 1.5 h: over a 1.25 h shift and a 50 km range."""
    stops = [Stop(c, delivery=Load(1), service_min=10) for c in "ABC"]
    problem = line_of_three(*stops, vehicles=(van(max_duration_h=1.25, range_km=50),))
    rc = check_route(problem, "V", ("A", "B", "C"))
    assert rc.duration_h == pytest.approx(1.5)
    assert rc.violations == (
        "takes 1.50 h, more than 1.25 h",
        "drives 60.0 km, more than its range 50 km",
    )


def test_a_cold_chain_stop_on_a_plain_van_is_a_violation() -> None:
    """Even when a refrigerated vehicle exists, the plain van may not take the cold stop."""
    fleet = (van(), van("R", refrigerated=True))
    problem = line_of_three(Stop("A", cold_chain=True), Stop("B"), Stop("C"), vehicles=fleet)
    assert check_route(problem, "V", ("A",)).violations == (
        "cold-chain stop A on a vehicle that is not refrigerated",
    )
    assert check_route(problem, "R", ("A",)).violations == ()


def test_a_reported_cost_that_does_not_match_the_recomputed_one_is_flagged() -> None:
    """A solver's figures are not trusted: 100 reported against 120 recomputed."""
    check = plan_of(("V", ("A", "B", "C"), 100.0)).check(line_of_three())
    assert check.violations == ("route 1 (V): reported cost 100.00 but recomputed 120.00",)


def test_a_day_fee_is_paid_per_vehicle_used() -> None:
    """cost_per_day counts once for each route with stops."""
    problem = line_of_three(vehicles=(van(cost_per_day=100.0),))
    assert check_route(problem, "V", ("A",)).cost == pytest.approx(20 + 20 + 100)
    assert check_route(problem, "V", ()).cost == 0.0
