"""Vehicle-km from the route planner instead of the round-trip estimate.

`PlannedRoutes` is a `fleet.RouteEstimator`: it turns a day's stops into a routing problem
(the centre as depot, demo vans of one size, great-circle × circuity travel) and asks the
planner (PyVRP by default) for routes that chain the stops. Slower than the estimate —
one solve per day and fleet — so the scenario command offers it as an option.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

from countyexpress.domain.geography import Coordinates
from countyexpress.planning.routing import (
    Capacity,
    Depot,
    Load,
    Planner,
    PyVRPPlanner,
    RoutingProblem,
    TravelMatrix,
    Vehicle,
    VehicleKind,
)
from countyexpress.planning.routing import Stop as RouteStop
from countyexpress.planning.simulation.fleet import Stop

DEPOT = "CENTRE"

PLANNED_NOTE = (
    "planned: the day's stops routed by the route planner (PyVRP) from the centre, "
    "great-circle km × the pack's circuity factor"
)


@dataclass(frozen=True)
class PlannedRoutes:
    """Km of routes the planner makes for the stops: at least `vans` vans (more on busy
    days, so the fleet can carry the day) of `capacity` parcels,
    `per_stop_min` + `per_parcel_min` at each stop, at most `max_hours` a route."""

    planner: Planner = field(default_factory=lambda: PyVRPPlanner(seconds=1.0))
    vans: int = 8
    capacity: int = 600
    speed_kmh: float = 40.0
    per_stop_min: float = 10.0
    per_parcel_min: float = 0.2
    max_hours: float = 10.0

    def __call__(self, depot: Coordinates, stops: Sequence[Stop], circuity: float) -> float:
        located = [s for s in stops if s.location is not None]
        if not located:
            return 0.0
        points: dict[str, Coordinates] = {DEPOT: depot}
        route_stops = []
        for s in located:
            assert s.location is not None
            n = sum(s.parcels_by_carrier.values())
            points[s.code] = s.location
            route_stops.append(
                RouteStop(
                    s.code,
                    delivery=Load(parcels=min(n, self.capacity)),
                    location=s.location,
                    service_min=self.per_stop_min + self.per_parcel_min * n,
                )
            )
        total = sum(rs.delivery.parcels for rs in route_stops)
        van = Vehicle(
            "DEMO-VAN", VehicleKind.VAN, Capacity(parcels=self.capacity), DEPOT,
            cost_per_km=1.0, max_duration_h=self.max_hours,
            count=max(self.vans, math.ceil(total / self.capacity) + 1),
        )  # fmt: skip
        problem = RoutingProblem.of(
            [Depot(DEPOT, location=depot)],
            route_stops,
            [van],
            TravelMatrix.from_coordinates(points, circuity, self.speed_kmh),
        )
        return self.planner(problem).check(problem).distance_km
