"""The PyVRP adapter: integer scaling in, the problem's own codes and real units out."""

from __future__ import annotations

import random

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from routing_fixtures import line_of_three, van

from countyexpress.domain.geography import Coordinates
from countyexpress.planning.routing import (
    Capacity,
    Depot,
    Load,
    PyVRPPlanner,
    RoutingProblem,
    Stop,
    TimeWindow,
    TravelMatrix,
    Vehicle,
    VehicleKind,
    pyvrp_adapter,
)

QUICK = PyVRPPlanner(seconds=5.0, seed=1, max_iterations=300)


def test_to_model_scales_km_to_metres_and_minutes_to_seconds() -> None:
    """10 km is 10 000 m; 10 min at 60 km/h is 600 s; parcels stay parcels."""
    data = pyvrp_adapter.to_model(line_of_three())
    assert data.num_clients == 3 and data.num_depots == 1
    assert data.distance_matrix(0)[0, 1] == 10_000
    assert data.duration_matrix(0)[0, 1] == 600
    assert data.clients()[0].delivery == [3]
    assert data.vehicle_types()[0].capacity == [10]


def test_costs_are_scaled_to_hundred_thousandths_of_a_yuan() -> None:
    """1 yuan/km is 100 per metre; 60 yuan/h is 1667 per second (rounded)."""
    vt = pyvrp_adapter.to_model(line_of_three()).vehicle_types()[0]
    assert (vt.unit_distance_cost, vt.unit_duration_cost) == (100, 1667)


def test_demands_round_up_and_capacities_round_down() -> None:
    """0.15 kg is 2 tenths of a kg; a 9.99 kg capacity is 99 tenths."""
    fleet = (Vehicle("V", VehicleKind.VAN, Capacity(kg=9.99), "D"),)
    problem = line_of_three(Stop("A", delivery=Load(kg=0.15)), vehicles=fleet)
    data = pyvrp_adapter.to_model(problem)
    assert data.clients()[0].delivery == [2]
    assert data.vehicle_types()[0].capacity == [99]


def test_a_solved_plan_speaks_the_problems_codes_and_passes_its_check() -> None:
    """Routes name stops by code and the plan's cost is what the check recomputes."""
    problem = line_of_three(vehicles=(van(count=2, capacity=6),))
    plan = QUICK(problem)
    assert sorted(c for r in plan.routes for c in r.stops) == ["A", "B", "C"]
    check = plan.check(problem)
    assert check.feasible, check.violations
    assert abs(plan.cost - check.cost) < 0.05


def test_cold_chain_stops_go_on_the_refrigerated_vehicle() -> None:
    """With a cheap plain van and a dear refrigerated one, the cold stop still rides cold."""
    fleet = (van("V", cost_per_km=0.5), van("R", refrigerated=True, cost_per_km=5.0))
    problem = line_of_three(
        Stop("A", delivery=Load(3)), Stop("B", delivery=Load(3), cold_chain=True),
        Stop("C", delivery=Load(3)), vehicles=fleet,
    )  # fmt: skip
    plan = QUICK(problem)
    cold = [r.vehicle for r in plan.routes if "B" in r.stops]
    assert cold == ["R"]
    assert plan.check(problem).feasible


def test_time_windows_order_the_stops() -> None:
    """C must be served before 08:35 and A only after 09:00: C first, then A."""
    problem = line_of_three(
        Stop("A", window=TimeWindow(540, 600)), Stop("B"), Stop("C", window=TimeWindow(480, 515))
    )
    plan = QUICK(problem)
    assert plan.check(problem).feasible
    (route,) = plan.routes
    assert route.stops.index("C") < route.stops.index("A")


@st.composite
def small_problems(draw: st.DrawFn) -> RoutingProblem:
    """2–12 stops around a depot with random loads, pickups and a mixed fleet."""
    seed = draw(st.integers(0, 10_000))
    rng = random.Random(seed)
    n = draw(st.integers(2, 12))
    points = {"D": Coordinates(42.26, 86.84)}
    stops = []
    for i in range(n):
        code = f"S{i}"
        points[code] = Coordinates(42.26 + rng.uniform(-0.2, 0.2), 86.84 + rng.uniform(-0.2, 0.2))
        stops.append(
            Stop(
                code,
                delivery=Load(rng.randint(0, 30), round(rng.uniform(0, 60), 1)),
                pickup=Load(rng.randint(0, 8), round(rng.uniform(0, 20), 1)),
                service_min=rng.choice([0, 5, 10]),
            )
        )
    fleet = (
        Vehicle("VAN", VehicleKind.VAN, Capacity(60, 150.0), "D", 1.2, 30.0, count=n),
        Vehicle("TRI", VehicleKind.E_TRICYCLE, Capacity(30, 80.0), "D", 0.2, 25.0, count=2),
    )
    travel = TravelMatrix.from_coordinates(points)
    return RoutingProblem.of([Depot("D")], stops, fleet, travel)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(small_problems())
def test_every_stop_is_served_once_within_capacity_on_random_instances(
    problem: RoutingProblem,
) -> None:
    """With enough vehicles, the plan serves each stop once and its check finds nothing."""
    plan = PyVRPPlanner(seconds=2.0, seed=0, max_iterations=100)(problem)
    check = plan.check(problem)
    assert check.violations == ()
    assert plan.unserved == ()
