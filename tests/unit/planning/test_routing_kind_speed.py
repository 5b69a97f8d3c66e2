"""Per-kind speed in routing (task 18): each vehicle drives at its kind's speed from the
registry (an electric tricycle at 15 km/h, YZ/T 0136-2014), so its routes take longer and
its hours and range bind; a vehicle without a speed drives at the travel matrix's."""

from __future__ import annotations

from countyexpress.domain.vehicles import RegisteredVehicle
from countyexpress.planning.routing import (
    Capacity,
    Depot,
    Load,
    PyVRPPlanner,
    RoutingProblem,
    Stop,
    TravelMatrix,
    Vehicle,
    VehicleKind,
    pyvrp_adapter,
)
from countyexpress.planning.routing.plan import check_route
from countyexpress.services.vehicles import fleet_of

QUICK = PyVRPPlanner(seconds=5.0, seed=1, max_iterations=300)


def near_and_far(tricycle_speed: float | None, far_km: float = 20.0) -> RoutingProblem:
    """Depot D, a near stop N (3 km) and a far one F (`far_km`), on one road at 60 km/h; a
    cheap tricycle T (2 h, 50 km, 10 parcels) and a dear van V that holds one stop's load."""
    codes = ["D", "N", "F"]
    at = {"D": 0.0, "N": 3.0, "F": far_km}
    km = [[abs(at[a] - at[b]) for b in codes] for a in codes]
    travel = TravelMatrix.from_km(codes, km, speed_kmh=60.0)
    stops = [Stop("N", delivery=Load(3)), Stop("F", delivery=Load(3))]
    tricycle = Vehicle("T", VehicleKind.E_TRICYCLE, Capacity(parcels=10), "D",
                       cost_per_km=0.1, cost_per_day=10.0, max_duration_h=2.0, range_km=50.0,
                       speed_kmh=tricycle_speed)  # fmt: skip
    van = Vehicle("V", VehicleKind.VAN, Capacity(parcels=3), "D", cost_per_km=1.0,
                  cost_per_day=500.0, speed_kmh=40.0)  # fmt: skip
    return RoutingProblem.of([Depot("D")], stops, [tricycle, van], travel)


def served_by(problem: RoutingProblem) -> dict[str, str]:
    plan = QUICK(problem)
    assert plan.unserved == ()
    check = plan.check(problem)
    assert check.feasible, check.violations
    return {stop: route.vehicle for route in plan.routes for stop in route.stops}


def test_each_speed_is_a_duration_profile_of_its_own() -> None:
    """3 km take 12 minutes at 15 km/h, 4.5 at 40 km/h: two profiles, one per speed."""
    data = pyvrp_adapter.to_model(near_and_far(15.0))
    assert data.num_profiles == 2
    assert [t.profile for t in data.vehicle_types()] == [0, 1]
    assert data.duration_matrix(0)[0, 1] == 12 * 60
    assert data.duration_matrix(1)[0, 1] == 270
    assert data.distance_matrix(0)[0, 1] == data.distance_matrix(1)[0, 1] == 3000


def test_without_a_speed_the_cheap_tricycle_takes_both_stops() -> None:
    """At the matrix's 60 km/h the 40 km round trip takes 40 minutes: within 2 h."""
    assert served_by(near_and_far(None)) == {"N": "T", "F": "T"}


def test_at_15_kmh_the_tricycle_keeps_the_near_stop_and_the_van_goes_far() -> None:
    """At 15 km/h the far stop's round trip takes 160 minutes: over the tricycle's 2 h."""
    assert served_by(near_and_far(15.0)) == {"N": "T", "F": "V"}


def test_a_stop_beyond_half_the_range_is_not_given_to_a_tricycle_of_50_km() -> None:
    """30 km out and back is 60 km: more than the tricycle's 50 km, whatever its hours."""
    problem = near_and_far(15.0, far_km=30.0)
    problem = RoutingProblem.of(
        problem.depots, problem.stops,
        [Vehicle("T", VehicleKind.E_TRICYCLE, Capacity(parcels=10), "D", cost_per_day=10.0,
                 range_km=50.0, speed_kmh=15.0), problem.vehicle("V")],
        problem.travel,
    )  # fmt: skip
    assert served_by(problem) == {"N": "T", "F": "V"}


def test_the_route_check_times_a_tricycle_at_its_own_speed() -> None:
    """Out and back 3 km each at 15 km/h: 24 minutes (the matrix would say 6)."""
    problem = near_and_far(15.0)
    assert check_route(problem, "T", ("N",)).duration_h * 60 == 24.0
    assert check_route(near_and_far(None), "T", ("N",)).duration_h * 60 == 6.0


def test_the_registry_gives_routing_each_vehicles_kind_speed() -> None:
    tricycle = RegisteredVehicle("HS-KD-T-001", "", "etricycle",
                                 routing={"code": "T1", "speed_kmh": 15.0})  # fmt: skip
    van = RegisteredVehicle("HS-KD-V-001", "新F-1", "van", routing={"code": "V1"})
    vehicles = fleet_of([tricycle, van], "registry").routing("D")
    assert [(v.code, v.speed_kmh) for v in vehicles] == [("T1", 15.0), ("V1", None)]
