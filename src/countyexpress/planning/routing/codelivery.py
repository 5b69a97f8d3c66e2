"""What co-delivery saves: the same day planned per carrier, and for all carriers together.

Separately, each carrier is assumed to run a fleet like the one given, from the same
depot; together, the co-delivery centre runs that fleet once for every carrier's parcels.
CO₂ is vehicle-km × a factor per vehicle kind: an estimate, not a measurement.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from countyexpress.domain.geography import Coordinates
from countyexpress.errors import InvalidValue
from countyexpress.planning.routing.distances import TravelMatrix
from countyexpress.planning.routing.loads import Load
from countyexpress.planning.routing.plan import check_route
from countyexpress.planning.routing.planner import Planner
from countyexpress.planning.routing.problem import RoutingProblem
from countyexpress.planning.routing.stops import NOTHING, Depot, Stop, TimeWindow
from countyexpress.planning.routing.vehicles import Vehicle, VehicleKind

CO2_KG_PER_KM: Mapping[VehicleKind, float] = {
    # Estimates: a light diesel van at about 9 L/100 km × 2.6 kg CO₂/L; an electric
    # tricycle at about 3.5 kWh/100 km × 0.57 kg CO₂/kWh (China's average grid factor).
    VehicleKind.VAN: 0.24,
    VehicleKind.E_TRICYCLE: 0.02,
}


@dataclass(frozen=True)
class ServiceTimes:
    """Time at a stop: a fixed part plus a part per parcel (estimates, set per county)."""

    per_stop_min: float = 5.0
    per_parcel_min: float = 0.2

    def at(self, parcels: int) -> float:
        """Minutes spent at a stop with `parcels` parcels."""
        return self.per_stop_min + self.per_parcel_min * parcels


@dataclass(frozen=True)
class ParcelLine:
    """One carrier's parcels for one stop today, and what it sends out from there."""

    stop: str
    location: Coordinates
    carrier: str
    delivery: Load
    pickup: Load = NOTHING
    window: TimeWindow | None = None
    cold_chain: bool = False

    def __post_init__(self) -> None:
        if not self.carrier:
            raise InvalidValue("carrier", f"stop {self.stop}: a parcel line needs its carrier")


@dataclass(frozen=True)
class Figures:
    """Vehicle-km, vehicle-hours, cost and CO₂ of a plan, recomputed from its problem."""

    vehicle_km: float
    vehicle_hours: float
    cost: float
    co2_kg: float
    routes: int
    violations: tuple[str, ...] = ()

    def __add__(self, other: Figures) -> Figures:
        return Figures(
            self.vehicle_km + other.vehicle_km,
            self.vehicle_hours + other.vehicle_hours,
            self.cost + other.cost,
            self.co2_kg + other.co2_kg,
            self.routes + other.routes,
            self.violations + other.violations,
        )


NO_FIGURES = Figures(0.0, 0.0, 0.0, 0.0, 0)


@dataclass(frozen=True)
class Comparison:
    """Separate delivery per carrier against co-delivery, and what co-delivery saves."""

    by_carrier: Mapping[str, Figures]
    separate: Figures
    together: Figures

    def saving(self) -> dict[str, float]:
        """Absolute and relative savings of co-delivery (positive is a saving)."""
        out: dict[str, float] = {}
        for name in ("vehicle_km", "vehicle_hours", "cost", "co2_kg"):
            before, after = getattr(self.separate, name), getattr(self.together, name)
            out[name] = before - after
            out[f"{name}_pct"] = 100 * (before - after) / before if before else 0.0
        return out


def stops_from(lines: Iterable[ParcelLine], service: ServiceTimes) -> list[Stop]:
    """One stop per code, summing what every line brings there."""
    by_code: dict[str, list[ParcelLine]] = defaultdict(list)
    for line in lines:
        by_code[line.stop].append(line)
    stops = []
    for code, group in by_code.items():
        delivery, pickup = Load(), Load()
        for line in group:
            delivery, pickup = delivery + line.delivery, pickup + line.pickup
        first = group[0]
        stops.append(
            Stop(
                code,
                delivery=delivery,
                pickup=pickup,
                location=first.location,
                window=first.window,
                service_min=service.at(delivery.parcels + pickup.parcels),
                cold_chain=any(line.cold_chain for line in group),
            )
        )
    return stops


def compare(
    lines: Sequence[ParcelLine],
    depots: Sequence[Depot],
    vehicles: Sequence[Vehicle],
    travel: TravelMatrix,
    planner: Planner,
    service: ServiceTimes = ServiceTimes(),
    co2_kg_per_km: Mapping[VehicleKind, float] = CO2_KG_PER_KM,
) -> Comparison:
    """Plan each carrier's parcels alone, then all together, with the same fleet and roads."""
    carriers = sorted({line.carrier for line in lines})
    by_carrier = {}
    for carrier in carriers:
        own = [line for line in lines if line.carrier == carrier]
        problem = RoutingProblem.of(depots, stops_from(own, service), vehicles, travel)
        by_carrier[carrier] = figures(problem, planner, co2_kg_per_km)
    separate = sum(by_carrier.values(), NO_FIGURES)
    problem = RoutingProblem.of(depots, stops_from(lines, service), vehicles, travel)
    return Comparison(by_carrier, separate, figures(problem, planner, co2_kg_per_km))


def figures(
    problem: RoutingProblem, planner: Planner, co2_kg_per_km: Mapping[VehicleKind, float]
) -> Figures:
    """Plan `problem` and recompute what the plan drives, takes, costs and emits."""
    plan = planner(problem)
    check = plan.check(problem)
    co2 = 0.0
    for route in plan.routes:
        if problem.has_vehicle(route.vehicle) and all(map(problem.has_stop, route.stops)):
            km = check_route(problem, route.vehicle, route.stops).distance_km
            co2 += km * co2_kg_per_km.get(problem.vehicle(route.vehicle).kind, math.nan)
    return Figures(
        check.distance_km, check.duration_h, check.cost, co2, len(plan.routes), check.violations
    )


def travel_for(
    lines: Iterable[ParcelLine],
    depots: Iterable[Depot],
    circuity: float,
    speed_kmh: float,
) -> TravelMatrix:
    """Great-circle travel between every depot and stop of the parcel lines."""
    points: dict[str, Coordinates] = {}
    for d in depots:
        if d.location is None:
            raise InvalidValue("depot", f"depot {d.code} needs coordinates")
        points[d.code] = d.location
    for line in lines:
        points.setdefault(line.stop, line.location)
    return TravelMatrix.from_coordinates(points, circuity, speed_kmh)
