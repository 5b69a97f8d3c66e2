"""Today's routing problem from the centre's sorted parcels and the stations' outbound parcels.

One stop per route bag (a station, an outlet, a locker, or `DOOR-<division>` for door
delivery in a village), with the bag's parcels, weight and volume; outbound farm products
taken in at a station are picked up on the same run (the station's stop, or a stop of its
own). A bag holding a cold-chain parcel makes its stop cold-chain: only a refrigerated
vehicle serves it.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from countyexpress.domain.coverage import RoadDistances
from countyexpress.domain.geography import Coordinates
from countyexpress.errors import InvalidValue
from countyexpress.planning.routing.distances import (
    DEFAULT_SPEED_KMH,
    TravelMatrix,
    great_circle_km,
)
from countyexpress.planning.routing.loads import Load
from countyexpress.planning.routing.problem import RoutingProblem
from countyexpress.planning.routing.stops import NOTHING, Depot, Stop
from countyexpress.planning.routing.vehicles import Vehicle

DOOR_PREFIX = "DOOR-"
"""Route bags for door delivery are `DOOR-<division code>` (services.centre)."""


@dataclass(frozen=True)
class DaySettings:
    """Assumptions of a day's plan; estimates, set per county."""

    speed_kmh: float = DEFAULT_SPEED_KMH
    per_stop_min: float = 5.0
    per_parcel_min: float = 0.2
    door_per_parcel_min: float = 3.0
    """Door delivery takes longer per parcel than a drop at a station."""
    kg_if_unknown: float = 1.0
    """Weight of a parcel whose manifest gives none."""
    pickup_kg: float = 5.0
    """Weight of an outbound farm-product parcel (intake records carry no weight)."""
    m3_by_size: Mapping[str, float] = field(
        default_factory=lambda: {"S": 0.005, "M": 0.02, "L": 0.06}
    )
    utc_offset_hours: float = 8.0
    """The county's clock: planned times are local (China Standard Time)."""

    def __post_init__(self) -> None:
        for name in ("speed_kmh", "kg_if_unknown", "pickup_kg"):
            if not (math.isfinite(getattr(self, name)) and getattr(self, name) > 0):
                raise InvalidValue(name, f"{getattr(self, name)} must be positive")
        for name in ("per_stop_min", "per_parcel_min", "door_per_parcel_min"):
            if not (math.isfinite(getattr(self, name)) and getattr(self, name) >= 0):
                raise InvalidValue(name, f"{getattr(self, name)} must be 0 or more")


DEFAULT_DAY = DaySettings()
"""The default assumptions."""


@dataclass(frozen=True)
class Parcel:
    """A sorted parcel waiting at the centre in its route bag."""

    waybill_no: str
    carrier: str
    route_bag: str
    weight_kg: float | None = None
    size: str = "S"
    cold: bool = False
    priority: bool = False  # emergency supplies (应急物资): its stop is served first


@dataclass(frozen=True)
class Pickup:
    """An outbound parcel taken in at a station today, to be picked up on the run."""

    waybill_no: str
    carrier: str
    facility: str


@dataclass(frozen=True)
class Place:
    """Where a stop is: a facility, or the village of a door bag."""

    code: str
    name: str
    kind: str  # station, outlet, locker, door, …
    location: Coordinates | None
    road_code: str = ""
    """The code road distances name it by (the facility's, or the village's division code)."""


@dataclass(frozen=True)
class DayProblem:
    """The routing problem of a day and what each stop carries, for storing the plan."""

    problem: RoutingProblem
    places: Mapping[str, Place]
    parcels: Mapping[str, tuple[Parcel, ...]]
    pickups: Mapping[str, tuple[Pickup, ...]]


def stops_of_day(
    parcels: Iterable[Parcel],
    pickups: Iterable[Pickup],
    places: Mapping[str, Place],
    settings: DaySettings = DEFAULT_DAY,
) -> tuple[list[Stop], dict[str, tuple[Parcel, ...]], dict[str, tuple[Pickup, ...]]]:
    """One stop per route bag or pickup place, in code order; unknown places are refused."""
    by_bag: dict[str, list[Parcel]] = {}
    for p in parcels:
        by_bag.setdefault(p.route_bag, []).append(p)
    by_place: dict[str, list[Pickup]] = {}
    for q in pickups:
        by_place.setdefault(q.facility, []).append(q)
    stops = []
    for code in sorted(set(by_bag) | set(by_place)):
        place = places.get(code)
        if place is None or place.location is None:
            raise InvalidValue(
                "route_bag", f"{code} has no place with coordinates in the county pack"
            )
        bag, out = by_bag.get(code, []), by_place.get(code, [])
        delivery = Load(
            len(bag),
            sum(p.weight_kg if p.weight_kg else settings.kg_if_unknown for p in bag),
            sum(settings.m3_by_size.get(p.size, 0.0) for p in bag),
        )
        pickup = Load(len(out), settings.pickup_kg * len(out)) if out else NOTHING
        per_parcel = settings.door_per_parcel_min if place.kind == "door" else (
            settings.per_parcel_min
        )  # fmt: skip
        stops.append(
            Stop(
                code,
                delivery=delivery,
                pickup=pickup,
                name=place.name,
                location=place.location,
                service_min=settings.per_stop_min + per_parcel * (len(bag) + len(out)),
                cold_chain=any(p.cold for p in bag),
                priority=any(p.priority for p in bag),
            )
        )
    bags = {k: tuple(v) for k, v in by_bag.items()}
    return stops, bags, {k: tuple(v) for k, v in by_place.items()}


def travel_of_day(
    depot: Place,
    places: Sequence[Place],
    circuity: float,
    speed_kmh: float,
    roads: RoadDistances | None = None,
) -> TravelMatrix:
    """Road km where the county's matrix has the pair, else great-circle × `circuity`."""
    everyone = [depot, *places]
    for p in everyone:
        if p.location is None:
            raise InvalidValue("location", f"{p.code} has no coordinates")
    km = []
    for a in everyone:
        row = []
        for b in everyone:
            road = roads.between(a.road_code or a.code, b.road_code or b.code) if roads else None
            if a.code == b.code:
                row.append(0.0)
            elif road is not None:
                row.append(road)
            else:
                assert a.location is not None and b.location is not None
                row.append(circuity * great_circle_km(a.location, b.location))
        km.append(row)
    return TravelMatrix.from_km([p.code for p in everyone], km, speed_kmh)


def day_problem(
    depot: Place,
    parcels: Iterable[Parcel],
    pickups: Iterable[Pickup],
    places: Mapping[str, Place],
    vehicles: Sequence[Vehicle],
    circuity: float,
    settings: DaySettings = DEFAULT_DAY,
    roads: RoadDistances | None = None,
) -> DayProblem:
    """The day's problem: one stop per bag or pickup place, the fleet at the centre."""
    stops, by_bag, by_place = stops_of_day(parcels, pickups, places, settings)
    used = [places[s.code] for s in stops]
    travel = travel_of_day(depot, used, circuity, settings.speed_kmh, roads)
    problem = RoutingProblem.of(
        [Depot(depot.code, depot.name, depot.location)], stops, vehicles, travel
    )
    return DayProblem(problem, {p.code: p for p in used}, by_bag, by_place)
