"""Drivers' scans against the day's plan: which stops are done, pending, or off the plan.

A parcel dropped at a station, outlet or locker counts when it is scanned in there
(到件 or 入库/入柜, or handed over there); a door parcel when its door delivery is signed
(签收 with method door); an outbound parcel when it leaves its station (发出). Scans of the
plan's parcels that disagree with it — left the centre on another vehicle, scanned in at
another place — are listed as off-plan.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from countyexpress.domain.scans import ScanEvent, ScanKind
from countyexpress.planning.routing.dayplan import DayPlan, PlannedStop, VehicleRun

DROPPED = frozenset({ScanKind.ARRIVE, ScanKind.STORE, ScanKind.PICKUP})


class StopState(StrEnum):
    """How far a planned stop has got."""

    DONE = "done"  # every parcel of the stop is scanned there
    PARTIAL = "partial"  # some are
    PENDING = "pending"  # none yet


@dataclass(frozen=True)
class StopProgress:
    """A planned stop and the scans that match it."""

    vehicle: str
    sequence: int
    stop: str
    state: StopState
    parcels: int
    delivered: int
    pickups: int
    picked_up: int
    planned: dt.datetime
    last_scan: dt.datetime | None


@dataclass(frozen=True)
class OffPlan:
    """A scan of a planned parcel that does not match the plan."""

    waybill_no: str
    stop: str
    kind: str
    facility: str
    at: dt.datetime
    reason: str


@dataclass(frozen=True)
class Progress:
    """The plan's stops with their state, and what happened off the plan."""

    plan_id: str
    stops: tuple[StopProgress, ...]
    off_plan: tuple[OffPlan, ...]

    def count(self, state: StopState) -> int:
        """How many stops are in `state`."""
        return sum(s.state is state for s in self.stops)


def _done_delivery(stop: PlannedStop, e: ScanEvent) -> bool:
    if stop.kind == "door":
        return e.kind is ScanKind.PICKUP and e.payload.get("method") == "door"
    return e.kind in DROPPED and e.facility == stop.code


def _off_plan(
    stop: PlannedStop, run: VehicleRun, depot: str, direction: str, e: ScanEvent
) -> str | None:
    if direction == "pickup":
        if e.kind is ScanKind.DEPART and e.facility != stop.code and e.facility != depot:
            return f"left {e.facility}, planned to be picked up at {stop.code}"
        return None
    if e.kind is ScanKind.DEPART and e.facility == depot:
        vehicle = str(e.payload.get("vehicle", ""))
        if vehicle and not run.identifies(vehicle):
            return f"left {depot} on {vehicle}, planned on {run.vehicle} ({run.label})"
        return None
    if e.kind in (ScanKind.ARRIVE, ScanKind.STORE) and e.facility not in (stop.code, depot):
        return f"scanned in at {e.facility}, planned for {stop.code}"
    return None


def progress(
    plan: DayPlan,
    expected: Mapping[str, Sequence[tuple[str, str]]],
    events: Mapping[str, Sequence[ScanEvent]],
) -> Progress:
    """Match the plan's stops with the scans of their parcels.

    `expected` gives each stop's (waybill, "delivery" or "pickup"); `events` each waybill's
    scans. Only scans at or after the plan was made count towards it.
    """
    stops: list[StopProgress] = []
    off: list[OffPlan] = []
    for run in plan.runs:
        for stop in run.stops:
            delivered = picked = 0
            last: dt.datetime | None = None
            for waybill, direction in expected.get(stop.code, ()):
                done = False
                for e in sorted(events.get(waybill, ()), key=lambda e: e.at):
                    if e.at < plan.created_at:
                        continue
                    if direction == "pickup":
                        hit = e.kind is ScanKind.DEPART and e.facility == stop.code
                    else:
                        hit = _done_delivery(stop, e)
                    if hit:
                        done = True
                        last = e.at if last is None or e.at > last else last
                    reason = _off_plan(stop, run, plan.depot.code, direction, e)
                    if reason:
                        off.append(OffPlan(waybill, stop.code, e.kind.value, e.facility, e.at,
                                           reason))  # fmt: skip
                if done and direction == "pickup":
                    picked += 1
                elif done:
                    delivered += 1
            total, got = stop.parcels + stop.pickups, delivered + picked
            state = (
                StopState.DONE if total and got >= total
                else StopState.PARTIAL if got
                else StopState.PENDING
            )  # fmt: skip
            stops.append(
                StopProgress(run.vehicle, stop.sequence, stop.code, state, stop.parcels,
                             delivered, stop.pickups, picked, stop.arrival, last)
            )  # fmt: skip
    return Progress(plan.plan_id, tuple(stops), tuple(off))
