"""Small named routing problems for the tests."""

from __future__ import annotations

from countyexpress.planning.routing import (
    Capacity,
    Depot,
    Load,
    RoutingProblem,
    Stop,
    TravelMatrix,
    Vehicle,
    VehicleKind,
)


def line_of_three(
    *stops: Stop, capacity: int = 10, vehicles: tuple[Vehicle, ...] | None = None
) -> RoutingProblem:
    """A depot D and stops A, B, C on a straight road 10 km apart: D-A-B-C, 60 km/h.

    Without `stops`, A, B and C each want 3 parcels.
    """
    stops = stops or tuple(Stop(c, delivery=Load(3)) for c in "ABC")
    codes = ["D", "A", "B", "C"]
    km = [[10.0 * abs(i - j) for j in range(4)] for i in range(4)]
    travel = TravelMatrix.from_km(codes, km, speed_kmh=60.0)
    fleet = vehicles or (van(capacity=capacity),)
    return RoutingProblem.of([Depot("D")], stops, fleet, travel)


def van(
    code: str = "V", capacity: int = 10, count: int = 1, refrigerated: bool = False, **kw: object
) -> Vehicle:
    """A van at depot D costing 1 per km and 60 per hour."""
    costs: dict[str, object] = {"cost_per_km": 1.0, "cost_per_hour": 60.0} | kw
    return Vehicle(
        code, VehicleKind.VAN, Capacity(parcels=capacity), "D", refrigerated=refrigerated,
        count=count, **costs,  # type: ignore[arg-type]
    )  # fmt: skip
