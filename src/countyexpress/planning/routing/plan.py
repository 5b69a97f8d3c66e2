"""A route plan and its check: cost and feasibility recomputed from the problem alone."""

from __future__ import annotations

import itertools
import math
from collections import Counter
from dataclasses import dataclass

from countyexpress.planning.routing.distances import TravelMatrix
from countyexpress.planning.routing.loads import Load
from countyexpress.planning.routing.problem import RoutingProblem
from countyexpress.planning.routing.stops import Stop
from countyexpress.planning.routing.vehicles import Vehicle

COST_TOLERANCE = 0.005
"""Relative difference allowed between a reported and a recomputed cost (solver rounding)."""


@dataclass(frozen=True)
class Route:
    """One vehicle's run: depot → stops in order → depot, with the figures reported for it."""

    vehicle: str
    stops: tuple[str, ...]
    distance_km: float
    duration_h: float
    cost: float


@dataclass(frozen=True)
class RouteCheck:
    """A route's figures recomputed from the problem, and what it breaks."""

    distance_km: float
    duration_h: float
    cost: float
    violations: tuple[str, ...]


@dataclass(frozen=True)
class PlanCheck:
    """A plan's figures recomputed from the problem; feasible when nothing is broken."""

    distance_km: float
    duration_h: float
    cost: float
    violations: tuple[str, ...]

    @property
    def feasible(self) -> bool:
        """No rule is broken and every stop is served once."""
        return not self.violations


@dataclass(frozen=True)
class RoutePlan:
    """The routes of a day, as a solver reported them; `check` says whether to trust them."""

    routes: tuple[Route, ...]
    unserved: tuple[str, ...] = ()

    @property
    def distance_km(self) -> float:
        """Vehicle-kilometres."""
        return sum(r.distance_km for r in self.routes)

    @property
    def duration_h(self) -> float:
        """Vehicle-hours."""
        return sum(r.duration_h for r in self.routes)

    @property
    def cost(self) -> float:
        """Cost of all routes."""
        return sum(r.cost for r in self.routes)

    def check(self, problem: RoutingProblem) -> PlanCheck:
        """Recompute every route from `problem` and list every rule the plan breaks."""
        violations: list[str] = []
        visits = Counter(code for r in self.routes for code in r.stops)
        for code, n in sorted(visits.items()):
            if not problem.has_stop(code):
                violations.append(f"{code} is not a stop of the problem")
            elif n > 1:
                violations.append(f"stop {code} is visited {n} times")
        violations += [
            f"stop {s.code} is not served" for s in problem.stops if s.code not in visits
        ]
        used = Counter(r.vehicle for r in self.routes)
        for code, n in sorted(used.items()):
            if not problem.has_vehicle(code):
                violations.append(f"{code} is not a vehicle of the problem")
            elif n > (have := problem.vehicle(code).count):
                violations.append(f"vehicle {code} runs {n} routes but there are {have}")
        km = hours = cost = 0.0
        for i, route in enumerate(self.routes, 1):
            known = all(map(problem.has_stop, route.stops))
            if not (known and problem.has_vehicle(route.vehicle)):
                continue
            rc = check_route(problem, route.vehicle, route.stops)
            km, hours, cost = km + rc.distance_km, hours + rc.duration_h, cost + rc.cost
            violations += [f"route {i} ({route.vehicle}): {v}" for v in rc.violations]
            if not math.isclose(rc.cost, route.cost, rel_tol=COST_TOLERANCE, abs_tol=0.01):
                violations.append(
                    f"route {i} ({route.vehicle}): reported cost {route.cost:.2f} "
                    f"but recomputed {rc.cost:.2f}"
                )
        return PlanCheck(km, hours, cost, tuple(violations))


def check_route(problem: RoutingProblem, vehicle_code: str, codes: tuple[str, ...]) -> RouteCheck:
    """Distance, duration, cost and broken rules of one route, from the problem alone.

    The vehicle leaves as late as it can without being late anywhere, so waiting for a
    station to open is not counted when starting later avoids it (as PyVRP does).
    """
    vehicle = problem.vehicle(vehicle_code)
    stops = [problem.stop(c) for c in codes]
    t = problem.travel
    path = [vehicle.depot, *codes, vehicle.depot]
    km = sum(t.km_between(a, b) for a, b in itertools.pairwise(path))
    violations = _load_violations(vehicle, stops)
    violations += [f"cold-chain stop {s.code} on a vehicle that is not refrigerated"
                   for s in stops if s.cold_chain and not vehicle.refrigerated]  # fmt: skip
    minutes, late = _schedule(problem, vehicle, stops)
    violations += late
    violations += [f"priority stop {s.code} served after {before[0].code}"
                   for i, s in enumerate(stops) if s.priority
                   for before in [[b for b in stops[:i] if not b.priority]] if before]  # fmt: skip
    if vehicle.max_duration_h is not None and minutes > vehicle.max_duration_h * 60 + 1e-6:
        violations.append(f"takes {minutes / 60:.2f} h, more than {vehicle.max_duration_h:g} h")
    if vehicle.range_km is not None and km > vehicle.range_km + 1e-6:
        violations.append(f"drives {km:.1f} km, more than its range {vehicle.range_km:g} km")
    hours = minutes / 60
    cost = km * vehicle.cost_per_km + hours * vehicle.cost_per_hour
    if stops:
        cost += vehicle.cost_per_day
    return RouteCheck(km, hours, cost, tuple(violations))


def _load_violations(vehicle: Vehicle, stops: list[Stop]) -> list[str]:
    on_board = Load()
    for s in stops:
        on_board += s.delivery
    over = vehicle.capacity.excess(on_board)
    if over:
        return [f"leaves the depot over capacity: {', '.join(over)}"]
    for s in stops:
        on_board = on_board - s.delivery + s.pickup
        over = vehicle.capacity.excess(on_board)
        if over:
            return [f"over capacity after {s.code}: {', '.join(over)}"]
    return []


@dataclass(frozen=True)
class Timetable:
    """When a route leaves, starts service at each stop, and is back (minutes after midnight)."""

    departs: float
    starts: tuple[float, ...]
    returns: float

    @property
    def minutes(self) -> float:
        """From departure to return, service included."""
        return self.returns - self.departs


def timetable(problem: RoutingProblem, vehicle_code: str, codes: tuple[str, ...]) -> Timetable:
    """The route's times with the best departure: as late as waiting allows, never late."""
    vehicle = problem.vehicle(vehicle_code)
    stops = [problem.stop(c) for c in codes]
    start = vehicle.shift_start_min
    if not stops:
        return Timetable(start, (), start)
    t = problem.travel
    starts, waits = _forward(t, vehicle, stops, start)
    # Leave later by as much as waiting allows without making any stop later than it closes.
    delay, waited = sum(waits), 0.0
    for s, begin, wait in zip(stops, starts, waits, strict=True):
        waited += wait
        if s.window is not None:
            delay = min(delay, waited + max(0.0, s.window.closes - begin))
    starts, waits = _forward(t, vehicle, stops, start + delay)
    last = stops[-1]
    end = starts[-1] + last.service_min + t.minutes_between(last.code, vehicle.depot,
                                                            vehicle.speed_kmh)  # fmt: skip
    return Timetable(start + delay, tuple(starts), end)


def _schedule(
    problem: RoutingProblem, vehicle: Vehicle, stops: list[Stop]
) -> tuple[float, list[str]]:
    """Route minutes with the best departure time, and the stops reached too late."""
    if not stops:
        return 0.0, []
    times = timetable(problem, vehicle.code, tuple(s.code for s in stops))
    late = [
        f"reaches {s.code} at {_hhmm(b)}, after it closes at {_hhmm(s.window.closes)}"
        for s, b in zip(stops, times.starts, strict=True)
        if s.window is not None and b > s.window.closes + 1e-6
    ]
    return times.minutes, late


def _forward(
    t: TravelMatrix, vehicle: Vehicle, stops: list[Stop], depart: float
) -> tuple[list[float], list[float]]:
    starts: list[float] = []
    waits: list[float] = []
    now, here = depart, vehicle.depot
    for s in stops:
        arrive = now + t.minutes_between(here, s.code, vehicle.speed_kmh)
        begin = max(arrive, s.window.opens) if s.window is not None else arrive
        starts.append(begin)
        waits.append(begin - arrive)
        now, here = begin + s.service_min, s.code
    return starts, waits


def _hhmm(minutes: float) -> str:
    m = round(minutes)
    return f"{m // 60:02d}:{m % 60:02d}"
