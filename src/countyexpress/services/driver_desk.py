"""The driver's screen: one vehicle's run of a day's plan, stop by stop, against the scans.

A driver opens the day's newest plan, picks the vehicle, and sees each stop in order with
its planned time, what to drop and pick up, and how far the scans say it has got; at a door
stop, the parcels still to hand over, each delivered with proof (`stations.deliver_to_door`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from countyexpress.domain.access import Action, Principal, Resource, Where, allowed
from countyexpress.domain.geography import county_code6
from countyexpress.errors import NotFound
from countyexpress.planning.routing.dayplan import DayPlan, PlannedStop, VehicleRun
from countyexpress.planning.routing.progress import StopProgress, StopState, progress
from countyexpress.services.authz import check
from countyexpress.services.routes import RoutesUnitOfWork


@dataclass(frozen=True)
class DriverStop:
    """A stop of the run with its progress and, at a door stop, the parcels still due."""

    stop: PlannedStop
    progress: StopProgress
    door_waybills: tuple[str, ...]  # door stops: parcels not handed over yet

    @property
    def done(self) -> bool:
        """Whether every parcel of the stop is scanned as planned."""
        return self.progress.state is StopState.DONE


@dataclass(frozen=True)
class DriverRun:
    """A day's plan seen by one vehicle's driver."""

    plan: DayPlan
    plan_ids: tuple[str, ...]  # the day's plans, newest first
    run: VehicleRun
    stops: tuple[DriverStop, ...]
    may_deliver: bool  # whether the caller may record door deliveries

    @property
    def remaining(self) -> int:
        """Stops not done yet."""
        return sum(not s.done for s in self.stops)


def driver_run(
    uow: RoutesUnitOfWork,
    by: Principal,
    county_code: str,
    day: dt.date,
    plan_id: str | None = None,
    vehicle: str | None = None,
) -> DriverRun:
    """The run of `vehicle` (its code, plate or number; the first run when None) in the
    plan `plan_id` (the day's newest when None); NotFound when the day has no plan."""
    code = county_code6(county_code)
    check(by, Action.READ, Resource.ROUTE, Where(code))
    with uow:
        ids = tuple(uow.routes.plan_ids(code, day))
        chosen = plan_id.strip() if plan_id else (ids[0] if ids else None)
        plan = uow.routes.get(chosen) if chosen else None
        if plan is None or plan.county_code != code:
            raise NotFound(f"no route plan for {day.isoformat()} in county {code}")
        if not plan.runs:
            raise NotFound(f"route plan {plan.plan_id} has no vehicle runs")
        run = next((r for r in plan.runs if vehicle and r.identifies(vehicle)), None)
        if vehicle and run is None:
            raise NotFound(f"vehicle {vehicle} has no run in route plan {plan.plan_id}")
        run = run or plan.runs[0]
        expected = uow.routes.expected(plan.plan_id)
        mine = {s.code for s in run.stops}
        waybills = sorted({w for stop in mine for w, _ in expected.get(stop, ())})
        events = uow.ledger.events_of(code, waybills)
    done = progress(plan, {s: expected.get(s, []) for s in mine}, events)
    by_stop = {p.stop: p for p in done.stops if p.vehicle == run.vehicle}
    stops = []
    for s in run.stops:
        due: tuple[str, ...] = ()
        if s.kind == "door":
            due = tuple(
                w for w, direction in expected.get(s.code, ())
                if direction == "delivery" and not any(
                    e.kind.value == "pickup" and e.at >= plan.created_at for e in events.get(w, ())
                )
            )  # fmt: skip
        stops.append(DriverStop(s, by_stop[s.code], due))
    may = allowed(by, Action.SCAN, Resource.PARCEL, Where(code))
    return DriverRun(plan, ids, run, tuple(stops), may)
