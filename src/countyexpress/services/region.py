"""A region's counties at once (issue 17): plan every county's day, or simulate every
county, each county a task on a cluster (`Fanout`, adapters.dask_cluster: Dask).

Planning reads each county's problem here (one read transaction), sends only the problem to
a worker, where PyVRP solves it without any database, and stores each plan here as it comes
back (one transaction per county) — so SQLite works as well as PostgreSQL and workers need
no access to the database. Simulating goes through the real services, which write as they
go: each worker runs its county's simulation against the database itself (the worker's own
settings name it; see entrypoints.region_worker). A county that fails is reported with its
reason; the others finish.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from countyexpress.errors import CountyExpressError
from countyexpress.planning.routing.dayplan import DayPlan
from countyexpress.planning.routing.plan import RoutePlan
from countyexpress.planning.routing.planner import Planner
from countyexpress.planning.routing.problem import RoutingProblem
from countyexpress.services.routes import FleetSource, RoutesUnitOfWork, prepare_day, record_plan
from countyexpress.services.unit_of_work import UnitOfWork

__all__ = [
    "Call", "Completed", "CountyFailed", "Fanout", "RegionResult", "county_seed", "loaded_counties",
    "plan_figures", "plan_region", "simulate_region", "solve_county",
]  # fmt: skip


@dataclass(frozen=True)
class Call:
    """One county's task: `fn(*args)` on a worker, known by the county's code."""

    code: str
    fn: Callable[..., Any]
    args: tuple[Any, ...]


Completed = tuple[str, Any, BaseException | None]
"""A call done: its county's code, and its result or the exception it raised."""


class Fanout(Protocol):
    """Runs calls on a cluster and yields each as it completes: its code, its result, or
    the exception it raised (adapters.dask_cluster.DaskFanout)."""

    def completed(self, calls: Iterable[Call]) -> Iterator[Completed]: ...


Progress = Callable[[int, int, str], None]
"""Told after each county: counties done, counties in all, the code just done."""


@dataclass
class RegionResult:
    """Per-county figures of the counties that finished, and the counties that failed."""

    counties: list[dict[str, Any]] = field(default_factory=list)
    failed: list[dict[str, str]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "counties": sorted(self.counties, key=lambda c: c["code"]),
            "failed": sorted(self.failed, key=lambda c: c["code"]),
        }


def county_seed(seed: int, code: str) -> int:
    """A county's own seed in a region run: the same for the same seed and county, and
    different between counties (their simulated event ids must never meet)."""
    digest = hashlib.sha256(f"region|{seed}|{code}".encode()).digest()
    return int.from_bytes(digest[:4], "big") >> 1


def loaded_counties(uow: UnitOfWork) -> list[tuple[str, str]]:
    """Code and name of every loaded county, by code."""
    with uow:
        out = []
        for code in uow.counties.codes():
            county = uow.counties.get(code)
            if county is not None:
                out.append((county.code, county.name))
    return sorted(out)


class CountyFailed(Exception):
    """A county's task refused on a worker, with the reason as its only argument (the
    project's own errors take other arguments and would not cross the wire intact)."""


def solve_county(problem: RoutingProblem, planner: Planner) -> tuple[RoutePlan, float, float]:
    """A worker's task: solve one county's routing problem; the plan, the seconds it took
    and the CPU seconds it used (less than the seconds when the machine is shared)."""
    t0, cpu0 = time.perf_counter(), time.process_time()
    try:
        plan = planner(problem)
    except CountyExpressError as exc:
        raise CountyFailed(str(exc)) from None
    return plan, time.perf_counter() - t0, time.process_time() - cpu0


def plan_figures(plan: DayPlan) -> dict[str, Any]:
    """What `region plan` reports of a county's stored plan."""
    return {
        "code": plan.county_code,
        "plan_id": plan.plan_id,
        "date": plan.day.isoformat(),
        "vehicles": len(plan.runs),
        "stops": sum(len(r.stops) for r in plan.runs),
        "parcels": sum(r.parcels for r in plan.runs),
        "pickups": sum(r.pickups for r in plan.runs),
        "distance_km": round(plan.distance_km, 2),
        "duration_h": round(plan.duration_h, 2),
        "cost": round(plan.cost, 2),
        "feasible": plan.feasible,
        "unserved": len(plan.unserved),
    }


def _reason(exc: BaseException) -> str:
    if isinstance(exc, CountyExpressError | CountyFailed):
        return str(exc)
    return f"{type(exc).__name__}: {exc}"


def plan_region(
    uow_factory: Callable[[], RoutesUnitOfWork],
    fanout: Fanout,
    counties: Sequence[tuple[str, str]],
    day: dt.date,
    fleet: FleetSource,
    planner: Planner,
    progress: Progress | None = None,
) -> RegionResult:
    """Plan `day` in every county of `counties` (code, name): read here, solve on the
    cluster, store here as each plan comes back."""
    names = dict(counties)
    result = RegionResult()
    prepared: dict[str, Any] = {}
    done = 0

    def tick(code: str) -> None:
        nonlocal done
        done += 1
        if progress is not None:
            progress(done, len(counties), code)

    def calls() -> Iterator[Call]:
        for code, name in counties:
            try:
                prepared[code] = prepare_day(uow_factory(), code, day, fleet)
            except Exception as exc:  # any county's failure is reported; the others go on
                result.failed.append({"code": code, "name": name, "reason": _reason(exc)})
                tick(code)
                continue
            yield Call(code, solve_county, (prepared[code][0].problem, planner))

    for code, answer, exc in fanout.completed(calls()):
        try:
            if exc is not None:
                raise exc
            plan, seconds, cpu = answer
            stored = record_plan(uow_factory(), code, day, prepared.pop(code), plan)
            figures = plan_figures(stored) | {
                "name": names[code], "seconds": round(seconds, 2), "cpu_seconds": round(cpu, 2),
            }  # fmt: skip
            result.counties.append(figures)
        except Exception as failure:  # any county's failure is reported
            result.failed.append({"code": code, "name": names[code], "reason": _reason(failure)})
        tick(code)
    return result


def simulate_region(
    fanout: Fanout,
    counties: Sequence[tuple[str, str]],
    task: Callable[..., dict[str, Any]],
    args: tuple[Any, ...],
    progress: Progress | None = None,
) -> RegionResult:
    """Simulate every county of `counties`: `task(code, *args)` on the cluster (it returns
    the county's figures; entrypoints.region_worker.simulate_county)."""
    names = dict(counties)
    result = RegionResult()
    calls = (Call(code, task, (code, *args)) for code, _ in counties)
    for done, (code, answer, exc) in enumerate(fanout.completed(calls), 1):
        if exc is None:
            result.counties.append({"code": code, "name": names[code]} | answer)
        else:
            result.failed.append({"code": code, "name": names[code], "reason": _reason(exc)})
        if progress is not None:
            progress(done, len(counties), code)
    return result
