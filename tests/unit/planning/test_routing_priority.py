"""Emergency supplies (应急物资, task 13): a priority stop is served first on its route."""

from __future__ import annotations

from routing_fixtures import line_of_three

from countyexpress.domain.geography import Coordinates
from countyexpress.planning.routing import Load, PyVRPPlanner, Stop, pyvrp_adapter
from countyexpress.planning.routing.daily import Parcel, Place, stops_of_day
from countyexpress.planning.routing.plan import check_route

QUICK = PyVRPPlanner(seconds=5.0, seed=1, max_iterations=300)


def stops(priority: str = "") -> tuple[Stop, ...]:
    return tuple(Stop(c, delivery=Load(3), service_min=5.0, priority=c == priority) for c in "ABC")


def test_without_priority_the_van_drives_along_the_road() -> None:
    plan = QUICK(line_of_three(*stops()))
    assert [r.stops for r in plan.routes] in ([("A", "B", "C")], [("C", "B", "A")])


def test_the_middle_priority_stop_is_the_first_stop_of_its_route() -> None:
    """B, in the middle of the road, carries emergency supplies: the van drives there first,
    where the cheapest route without priority starts at A or C."""
    problem = line_of_three(*stops("B"))
    plan = QUICK(problem)
    assert [r.stops[0] for r in plan.routes] == ["B"]
    assert plan.check(problem).feasible
    assert plan.routes[0].stops in (("B", "A", "C"), ("B", "C", "A"))


def test_the_model_closes_a_priority_window_at_the_direct_drive_from_the_depot() -> None:
    problem = line_of_three(*stops("B"))
    data = pyvrp_adapter.to_model(problem)
    start_s = problem.vehicles[0].shift_start_min * 60
    assert data.clients()[1].tw_late == start_s + 20 * 60  # 20 km at 60 km/h, in seconds
    assert data.clients()[0].tw_late > 10**9  # no window


def test_the_route_check_names_a_priority_stop_served_after_another() -> None:
    problem = line_of_three(*stops("B"))
    violations = check_route(problem, "V", ("A", "B", "C")).violations
    assert any("priority stop B" in v for v in violations)
    assert not any("priority" in v for v in check_route(problem, "V", ("B", "C", "A")).violations)


def test_a_bag_with_one_emergency_parcel_makes_its_stop_a_priority_stop() -> None:
    places = {
        c: Place(c, c, "station", Coordinates(42.0, 86.0 + i / 10)) for i, c in enumerate("XY")
    }
    parcels = [
        Parcel("W1", "zto", "X"),
        Parcel("W2", "zto", "Y"),
        Parcel("W3", "sto", "Y", priority=True),
    ]
    day_stops, _, _ = stops_of_day(parcels, [], places)
    assert [(s.code, s.priority) for s in day_stops] == [("X", False), ("Y", True)]
