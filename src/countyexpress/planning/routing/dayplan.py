"""A day's plan as people use it: each vehicle's run, its stops in order, planned times.

This is what is stored, shown, printed on the route sheets and drawn on the map; it is
made once from the routing problem and the solver's plan (`day_plan`), never re-solved.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from countyexpress.domain.geography import Coordinates
from countyexpress.domain.vehicles import vehicle_name
from countyexpress.planning.routing.daily import DayProblem, Place
from countyexpress.planning.routing.fleet import Fleet
from countyexpress.planning.routing.plan import PlanCheck, RoutePlan, check_route, timetable


@dataclass(frozen=True)
class PlannedStop:
    """One stop of a run: what is dropped and picked up there, and when the vehicle is due."""

    sequence: int
    code: str
    name: str
    kind: str
    location: Coordinates | None
    parcels: int
    kg: float
    m3: float
    pickups: int
    cold: bool
    arrival: dt.datetime


@dataclass(frozen=True)
class VehicleRun:
    """One vehicle's run from the depot and back."""

    vehicle: str
    kind: str
    plate: str
    number: str
    refrigerated: bool
    departs: dt.datetime
    returns: dt.datetime
    distance_km: float
    duration_h: float
    cost: float
    stops: tuple[PlannedStop, ...]

    @property
    def label(self) -> str:
        """Its one name everywhere: unified number · plate · kind (`vehicle_name`)."""
        return vehicle_name(self.number or self.vehicle, self.plate, self.kind)

    def identifies(self, text: str) -> bool:
        """Whether a scan's vehicle field names this vehicle (code, plate or number)."""
        t = str(text).strip()
        return bool(t) and t in (self.vehicle, self.plate, self.number)

    @property
    def parcels(self) -> int:
        """Parcels dropped on the run."""
        return sum(s.parcels for s in self.stops)

    @property
    def pickups(self) -> int:
        """Parcels picked up on the run."""
        return sum(s.pickups for s in self.stops)


@dataclass(frozen=True)
class DayPlan:
    """A county's routes for a day, with its figures and whether its check passed."""

    plan_id: str
    county_code: str
    day: dt.date
    created_at: dt.datetime
    depot: Place
    runs: tuple[VehicleRun, ...]
    unserved: tuple[str, ...]
    distance_km: float
    duration_h: float
    cost: float
    violations: tuple[str, ...]
    basis: str
    fleet_label: str = ""

    @property
    def feasible(self) -> bool:
        """The plan's check found nothing broken."""
        return not self.violations

    def stop_codes(self) -> list[str]:
        """Every stop served, in run and sequence order."""
        return [s.code for r in self.runs for s in r.stops]


def local_time(day: dt.date, minutes: float, utc_offset_hours: float) -> dt.datetime:
    """`minutes` after local midnight of `day`, as an aware time in the county's offset."""
    tz = dt.timezone(dt.timedelta(hours=utc_offset_hours))
    midnight = dt.datetime.combine(day, dt.time(0), tzinfo=tz)
    return midnight + dt.timedelta(minutes=round(minutes))


def day_plan(
    plan_id: str,
    county_code: str,
    day: dt.date,
    created_at: dt.datetime,
    problem: DayProblem,
    plan: RoutePlan,
    check: PlanCheck,
    fleet: Fleet,
    depot: Place,
    basis: str,
    utc_offset_hours: float = 8.0,
) -> DayPlan:
    """The solver's plan as runs with stops in order and planned times; every figure is
    recomputed from the problem (`check_route`), not taken from the solver."""
    p = problem.problem
    runs = []
    for route in plan.routes:
        if not route.stops:
            continue
        times = timetable(p, route.vehicle, route.stops)
        figures = check_route(p, route.vehicle, route.stops)
        registered = fleet.get(route.vehicle)
        vehicle = p.vehicle(route.vehicle)
        stops = []
        for i, (code, start) in enumerate(zip(route.stops, times.starts, strict=True), 1):
            stop, place = p.stop(code), problem.places[code]
            stops.append(
                PlannedStop(
                    sequence=i,
                    code=code,
                    name=place.name,
                    kind=place.kind,
                    location=place.location,
                    parcels=stop.delivery.parcels,
                    kg=round(stop.delivery.kg, 3),
                    m3=round(stop.delivery.m3, 4),
                    pickups=stop.pickup.parcels,
                    cold=stop.cold_chain,
                    arrival=local_time(day, start, utc_offset_hours),
                )
            )
        runs.append(
            VehicleRun(
                vehicle=route.vehicle,
                kind=vehicle.kind.value,
                plate=registered.plate if registered else "",
                number=registered.number if registered else "",
                refrigerated=vehicle.refrigerated,
                departs=local_time(day, times.departs, utc_offset_hours),
                returns=local_time(day, times.returns, utc_offset_hours),
                distance_km=round(figures.distance_km, 3),
                duration_h=round(figures.duration_h, 3),
                cost=round(figures.cost, 2),
                stops=tuple(stops),
            )
        )
    return DayPlan(
        plan_id=plan_id,
        county_code=county_code,
        day=day,
        created_at=created_at,
        depot=depot,
        runs=tuple(runs),
        unserved=plan.unserved,
        distance_km=round(check.distance_km, 3),
        duration_h=round(check.duration_h, 3),
        cost=round(check.cost, 2),
        violations=check.violations,
        basis=basis,
        fleet_label=fleet.label,
    )


def stop_parcels(problem: DayProblem) -> Mapping[str, list[tuple[str, str, str]]]:
    """(waybill, carrier, "delivery" or "pickup") of each stop, for matching scans later."""
    out: dict[str, list[tuple[str, str, str]]] = {}
    for code, parcels in problem.parcels.items():
        out.setdefault(code, []).extend((p.waybill_no, p.carrier, "delivery") for p in parcels)
    for code, pickups in problem.pickups.items():
        out.setdefault(code, []).extend((q.waybill_no, q.carrier, "pickup") for q in pickups)
    return out
