"""The one file that speaks PyVRP: `to_model`, `solve` and `from_result`, each on its own.

PyVRP works in integers, so the model is scaled (see `Scale`):

- distances in metres (1 km = 1000), durations and times in seconds (1 h = 3600);
- money in units of 1/100 000 yuan: a cost of 1.50 yuan/km becomes 150 per metre and
  30 yuan/h becomes 833 per second (1/100 000 yuan per second, rounded: within 0.1 %);
- loads: parcels as they are, kilograms in units of 0.1 kg, volume in litres. Demands
  are rounded up and capacities down, so a plan PyVRP calls feasible fits in fact;
- PyVRP's penalty bounds are stated per unit of load (or second, or metre) in objective
  units; they are scaled by the same factor as money, so that a VRPLIB instance with
  integer distances and a cost of 1 per km searches exactly as PyVRP does unscaled.

Each vehicle drives on a routing profile of its own speed (its kind's, from the vehicle
registry: an electric tricycle's 15 km/h makes its routes longer, so its hours bind sooner;
a vehicle without one drives at the travel matrix's). Vehicles that are not refrigerated
drive on a profile where every cold-chain stop is `FORBIDDEN_KM` away; `RoutePlan.check`
catches any that slip through.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pyvrp
from pyvrp.stop import MaxIterations, MaxRuntime, MultipleCriteria, StoppingCriterion

from countyexpress.domain.geography import Coordinates
from countyexpress.planning.routing.loads import DIMENSIONS
from countyexpress.planning.routing.plan import Route, RoutePlan
from countyexpress.planning.routing.problem import RoutingProblem
from countyexpress.planning.routing.stops import Depot, Stop

__all__ = ["SCALE", "Scale", "from_result", "solve", "to_model"]

FORBIDDEN_KM = 1000.0
FORBIDDEN_H = 24.0
"""Distance and time to or from a cold-chain stop for vehicles that are not refrigerated.

Large against a county's roads, yet small enough that PyVRP's penalised costs (up to
1e10 per metre over a range) stay far inside 64-bit integers: a larger value overflowed
and hung the search."""


@dataclass(frozen=True)
class Scale:
    """Integer units per real unit, for PyVRP."""

    per_km: int = 1000
    per_hour: int = 3600
    per_yuan: int = 100_000
    per_parcel: int = 1
    per_kg: int = 10
    per_m3: int = 1000

    def load(self) -> tuple[int, int, int]:
        """Units per parcel, per kg and per m³, in the order of DIMENSIONS."""
        return (self.per_parcel, self.per_kg, self.per_m3)


SCALE = Scale()


def to_model(problem: RoutingProblem, scale: Scale = SCALE) -> pyvrp.ProblemData:
    """The problem as PyVRP data: depots, then stops, in the problem's order."""
    places: list[Depot | Stop] = [*problem.depots, *problem.stops]
    rows = [problem.travel.index(p.code) for p in places]
    km = np.asarray(problem.travel.km, dtype=np.float64)[np.ix_(rows, rows)]
    minutes = np.asarray(problem.travel.minutes, dtype=np.float64)[np.ix_(rows, rows)]
    dist = np.rint(km * scale.per_km).astype(np.int64)
    dur = np.rint(minutes * scale.per_hour / 60).astype(np.int64)
    own = [_durations(v.speed_kmh, km, dur, scale) for v in problem.vehicles]
    dur = np.minimum.reduce(own)  # the fastest drive between two places, for the windows

    dims = _active_dimensions(problem)
    locations = [_location(p.location) for p in places]
    depots = [pyvrp.Depot(i, name=d.code) for i, d in enumerate(problem.depots)]
    nd = len(problem.depots)
    depot_index = {d.code: i for i, d in enumerate(problem.depots)}
    windows = _windows(problem, dur, depot_index, scale)
    clients = []
    for i, s in enumerate(problem.stops):
        early, late = windows[i]
        clients.append(
            pyvrp.Client(
                nd + i,
                delivery=_demand(s.delivery.values(), dims, scale),
                pickup=_demand(s.pickup.values(), dims, scale),
                service_duration=round(s.service_min * scale.per_hour / 60),
                tw_early=early,
                tw_late=late,
                name=s.code,
            )
        )

    cold = [nd + i for i, s in enumerate(problem.stops) if s.cold_chain]
    split = bool(cold) and any(not v.refrigerated for v in problem.vehicles)
    dists: list[Any] = []
    durs: list[Any] = []
    profiles: dict[tuple[float | None, bool], int] = {}  # by (speed, cold-chain barred)
    for v, v_dur in zip(problem.vehicles, own, strict=True):
        key = (v.speed_kmh, split and not v.refrigerated)
        if key not in profiles:
            profiles[key] = len(dists)
            dists.append(_barred(dist, cold, FORBIDDEN_KM * scale.per_km) if key[1] else dist)
            durs.append(_barred(v_dur, cold, FORBIDDEN_H * scale.per_hour) if key[1] else v_dur)

    vehicle_types = [
        pyvrp.VehicleType(
            num_available=v.count,
            capacity=_capacity(v.capacity.values(), dims, scale),
            start_depot=depot_index[v.depot],
            end_depot=depot_index[v.depot],
            fixed_cost=round(v.cost_per_day * scale.per_yuan),
            tw_early=round(v.shift_start_min * scale.per_hour / 60),
            shift_duration=(
                round(v.max_duration_h * scale.per_hour) if v.max_duration_h else _NO_LIMIT
            ),
            max_distance=round(v.range_km * scale.per_km) if v.range_km else _NO_LIMIT,
            unit_distance_cost=round(v.cost_per_km * scale.per_yuan / scale.per_km),
            unit_duration_cost=round(v.cost_per_hour * scale.per_yuan / scale.per_hour),
            profile=profiles[v.speed_kmh, split and not v.refrigerated],
            name=v.code,
        )
        for v in problem.vehicles
    ]
    matrices: list[Any] = [dists, durs]  # PyVRP's stubs type matrices as ndarray[int]
    return pyvrp.ProblemData(locations, clients, depots, vehicle_types, *matrices)


def priority_chain(problem: RoutingProblem) -> int:
    """How many priority stops one vehicle must serve in a row: ⌈priority stops / vehicles⌉
    (0 without any, 1 when there are no more of them than vehicles)."""
    n = sum(s.priority for s in problem.stops)
    return -(-n // sum(v.count for v in problem.vehicles)) if n else 0


def _windows(
    problem: RoutingProblem, dur: Any, depot_index: dict[str, int], scale: Scale
) -> list[tuple[int, int]]:
    """Each stop's (earliest, latest) arrival in model units.

    A priority stop (emergency supplies) closes when a vehicle driving straight from its
    depot at the start of its shift arrives, so it can only be a route's first stop. With more
    priority stops than vehicles, k = priority_chain of them must share a route: each closes
    k - 1 of the longest hops and services later, and every other stop opens only after
    the last priority stop's window and service, so none can come between or before them.
    """
    nd = len(problem.depots)
    per_min = scale.per_hour / 60
    out = []
    for s in problem.stops:
        early = round(s.window.opens * per_min) if s.window else 0
        late = round(s.window.closes * per_min) if s.window else _NO_LIMIT
        out.append((early, late))
    chain = priority_chain(problem)
    if not chain:
        return out
    urgent = [i for i, s in enumerate(problem.stops) if s.priority]
    service = max(round(problem.stops[i].service_min * per_min) for i in urgent)
    hop = max(int(dur[nd + i, nd + j]) for i in urgent for j in urgent)
    slack = (chain - 1) * (service + hop)
    for i in urgent:
        s = problem.stops[i]
        reach = min(
            round(v.shift_start_min * per_min) + int(dur[depot_index[v.depot], nd + i])
            for v in problem.vehicles
            if v.refrigerated or not s.cold_chain
        )
        early, late = out[i]
        out[i] = (early, max(early, min(late, reach + slack)))
    if chain > 1:
        release = max(out[i][1] + service for i in urgent) + 1
        for i, s in enumerate(problem.stops):
            if not s.priority:
                early, late = out[i]
                out[i] = (min(max(early, release), late), late)
    return out


def solve(
    data: pyvrp.ProblemData,
    seconds: float,
    seed: int = 0,
    max_iterations: int | None = None,
    scale: Scale = SCALE,
) -> pyvrp.Result:
    """Run PyVRP for `seconds` (and at most `max_iterations` iterations, when given)."""
    stop: StoppingCriterion = MaxRuntime(seconds)
    if max_iterations is not None:
        stop = MultipleCriteria([stop, MaxIterations(max_iterations)])
    penalty = pyvrp.PenaltyParams(
        min_penalty=pyvrp.PenaltyParams.min_penalty * scale.per_yuan,
        max_penalty=pyvrp.PenaltyParams.max_penalty * scale.per_yuan,
    )
    params = pyvrp.SolveParams(penalty=penalty)
    return pyvrp.solve(data, stop, seed=seed, collect_stats=False, params=params)


def from_result(result: pyvrp.Result, problem: RoutingProblem, scale: Scale = SCALE) -> RoutePlan:
    """The best solution as a plan, by the problem's own codes, in real units."""
    routes = []
    served: set[str] = set()
    for r in result.best.routes():
        vehicle = problem.vehicles[r.vehicle_type()]
        codes = tuple(problem.stops[a.idx].code for a in r if a.is_client())
        served.update(codes)
        objective = r.distance_cost() + r.duration_cost() + r.fixed_vehicle_cost()
        routes.append(
            Route(
                vehicle=vehicle.code,
                stops=codes,
                distance_km=r.distance() / scale.per_km,
                duration_h=r.duration() / scale.per_hour,
                cost=objective / scale.per_yuan,
            )
        )
    unserved = tuple(s.code for s in problem.stops if s.code not in served)
    return RoutePlan(tuple(routes), unserved)


_NO_LIMIT = int(np.iinfo(np.int64).max)


def _durations(speed_kmh: float | None, km: Any, base: Any, scale: Scale) -> Any:
    """Seconds between places at `speed_kmh`, or the travel matrix's (`base`) without one."""
    if speed_kmh is None:
        return base
    return np.rint(km / speed_kmh * scale.per_hour).astype(np.int64)


def _barred(matrix: Any, cold: list[int], far: float) -> Any:
    """`matrix` with every way to or from a cold-chain stop `far` (not for this vehicle)."""
    out = matrix.copy()
    out[:, cold] = out[cold, :] = round(far)
    np.fill_diagonal(out, 0)
    return out


def _location(where: Coordinates | None) -> pyvrp.Location:
    """Longitude and latitude, for PyVRP's plots only; distances come from the matrices."""
    if where is None:
        return pyvrp.Location(x=0.0, y=0.0)
    return pyvrp.Location(x=where.lon, y=where.lat)


def _active_dimensions(problem: RoutingProblem) -> list[int]:
    """Dimensions some stop has an amount in; the others need no capacity."""
    return [
        d
        for d in range(len(DIMENSIONS))
        if any(s.delivery.values()[d] or s.pickup.values()[d] for s in problem.stops)
    ]


def _demand(values: tuple[float, ...], dims: list[int], scale: Scale) -> list[int]:
    """Amounts in integer units, rounded up (a tiny epsilon absorbs float noise)."""
    per = scale.load()
    return [math.ceil(values[d] * per[d] - 1e-9) for d in dims]


def _capacity(values: tuple[float | None, ...], dims: list[int], scale: Scale) -> list[int]:
    """Limits in integer units, rounded down; no limit is the largest integer."""
    per = scale.load()
    out = []
    for d in dims:
        v = values[d]
        out.append(_NO_LIMIT if v is None else math.floor(v * per[d] + 1e-9))
    return out
