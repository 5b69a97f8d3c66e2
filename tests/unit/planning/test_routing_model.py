"""The routing model refuses what no plan could satisfy, where the value is made."""

from __future__ import annotations

import pytest
from routing_fixtures import line_of_three, van

from countyexpress.errors import InvalidValue
from countyexpress.planning.routing import (
    Capacity,
    Depot,
    Load,
    RoutingProblem,
    Stop,
    TimeWindow,
    TravelMatrix,
    Vehicle,
    VehicleKind,
)


@pytest.mark.parametrize(
    ("make", "field"),
    [
        (lambda: Load(parcels=-1), "parcels"),
        (lambda: Load(kg=float("nan")), "kg"),
        (lambda: Capacity(kg=0), "capacity_kg"),
        (lambda: TimeWindow(600, 540), "time_window"),
        (lambda: TimeWindow.parse("9h", "10:00"), "time_window"),
        (lambda: Stop(" A"), "code"),
        (lambda: Stop("A", service_min=-1), "service_min"),
        (lambda: van(count=0), "count"),
        (lambda: van(cost_per_km=-1), "cost_per_km"),
        (lambda: van(max_duration_h=0), "max_duration_h"),
    ],
)
def test_a_bad_value_is_refused_where_it_is_made(make: object, field: str) -> None:
    """Each value object raises InvalidValue naming the field."""
    with pytest.raises(InvalidValue) as info:
        make()  # type: ignore[operator]
    assert info.value.field == field


def test_a_time_window_reads_hours_and_minutes() -> None:
    """09:30–17:00 is 570–1020 minutes after midnight."""
    assert TimeWindow.parse("09:30", "17:00") == TimeWindow(570, 1020)


def test_capacity_names_each_dimension_it_is_over() -> None:
    """An empty limit never binds; a full one names amount and limit."""
    cap = Capacity(parcels=10, kg=None, m3=1.0)
    assert cap.holds(Load(10, 999.0, 1.0))
    assert cap.excess(Load(11, 5.0, 1.5)) == ["parcels 11 > 10", "m3 1.5 > 1"]


def test_a_problem_refuses_a_stop_code_used_twice() -> None:
    """Stop codes are unique across depots and stops."""
    with pytest.raises(InvalidValue, match="stop code A appears twice"):
        line_of_three(Stop("A"), Stop("A"))


def test_a_problem_refuses_a_vehicle_whose_depot_is_missing() -> None:
    """A vehicle starts at one of the problem's depots."""
    lost = Vehicle("X", VehicleKind.VAN, Capacity(10), "NOWHERE")
    with pytest.raises(InvalidValue, match="vehicle X: depot NOWHERE is not a depot"):
        line_of_three(vehicles=(lost,))


def test_a_problem_refuses_a_place_missing_from_the_travel_matrix() -> None:
    """Every depot and stop has a row in the travel matrix."""
    travel = TravelMatrix.from_km(["D"], [[0.0]])
    with pytest.raises(InvalidValue, match="Z is missing from the travel matrix"):
        RoutingProblem.of([Depot("D")], [Stop("Z")], [van()], travel)


def test_a_problem_refuses_a_stop_no_vehicle_can_carry() -> None:
    """A stop wanting 12 parcels cannot be served by 10-parcel vans."""
    with pytest.raises(InvalidValue, match=r"stop B: delivery fits no vehicle .*parcels 12 > 10"):
        line_of_three(Stop("A"), Stop("B", delivery=Load(12)))


def test_a_cold_chain_stop_needs_a_refrigerated_vehicle() -> None:
    """Cold-chain parcels ride only in refrigerated vehicles."""
    with pytest.raises(InvalidValue, match="stop A is cold-chain but no vehicle is refrigerated"):
        line_of_three(Stop("A", cold_chain=True))
    assert line_of_three(Stop("A", cold_chain=True), vehicles=(van(refrigerated=True),))


def test_a_problem_refuses_more_parcels_than_the_fleet_carries_in_one_run() -> None:
    """Three stops of 4 parcels need 12 places; one 10-parcel van has 10."""
    with pytest.raises(InvalidValue, match=r"today's deliveries \(12 parcels\) exceed"):
        line_of_three(*(Stop(c, delivery=Load(4)) for c in "ABC"))
