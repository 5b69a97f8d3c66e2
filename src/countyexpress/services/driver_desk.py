"""The driver's screen: one vehicle's run of a day's plan, stop by stop, against the scans.

A driver opens the day's newest plan, picks the vehicle, and sees each stop in order with
its planned time, what to drop and pick up, and how far the scans say it has got; at a door
stop, the parcels still to hand over, each delivered with proof (`stations.deliver_to_door`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from countyexpress.domain.access import Action, Principal, Resource, Role, Where, allowed
from countyexpress.domain.geography import county_code6
from countyexpress.errors import N_, Forbidden, NotFound, said
from countyexpress.planning.routing.dayplan import DayPlan, PlannedStop, VehicleRun
from countyexpress.planning.routing.progress import StopProgress, StopState, progress
from countyexpress.services.accounts import AccountsUnitOfWork, record_personal_read
from countyexpress.services.authz import check
from countyexpress.services.ports import Cipher
from countyexpress.services.routes import RoutesUnitOfWork
from countyexpress.services.unit_of_work import Operations, StaffRepository, VehicleStore


class DriverUnitOfWork(RoutesUnitOfWork, AccountsUnitOfWork, Protocol):
    """The routes, the ledger, the manifests, the vehicles and their couriers, the audit log."""

    @property
    def ops(self) -> Operations: ...
    @property
    def vehicles(self) -> VehicleStore: ...
    @property
    def staff(self) -> StaffRepository: ...


@dataclass(frozen=True)
class DoorParcel:
    """A parcel due at a door, as the driver sees it: the address and the receiver masked
    as stored (`manifest_items.*_masked`); the full phone only by `reveal_phone`."""

    waybill_no: str
    receiver: str
    address: str
    phone: str


@dataclass(frozen=True)
class DriverStop:
    """A stop of the run with its progress and, at a door stop, the parcels still due."""

    stop: PlannedStop
    progress: StopProgress
    door_waybills: tuple[str, ...]  # door stops: parcels not handed over yet
    doors: tuple[DoorParcel, ...] = ()  # the same parcels with where and to whom

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
    uow: DriverUnitOfWork,
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
            raise said(
                NotFound, N_("no route plan for %(day)s in county %(code)s"),
                day=day.isoformat(), code=code,
            )  # fmt: skip
        if not plan.runs:
            raise said(NotFound, N_("route plan %(plan)s has no vehicle runs"), plan=plan.plan_id)
        run = next((r for r in plan.runs if vehicle and r.identifies(vehicle)), None)
        if vehicle and run is None:
            raise NotFound(f"vehicle {vehicle} has no run in route plan {plan.plan_id}")
        run = run or plan.runs[0]
        expected = uow.routes.expected(plan.plan_id)
        mine = {s.code for s in run.stops}
        waybills = sorted({w for stop in mine for w, _ in expected.get(stop, ())})
        events = uow.ledger.events_of(code, waybills)
        door_items = uow.ops.manifest_items_for(code, waybills, _DOOR_COLUMNS)
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
        doors = tuple(_door(w, door_items.get(w)) for w in due)
        stops.append(DriverStop(s, by_stop[s.code], due, doors))
    may = allowed(by, Action.SCAN, Resource.PARCEL, Where(code))
    return DriverRun(plan, ids, run, tuple(stops), may)


_DOOR_COLUMNS = ("receiver_name_masked", "address_masked", "receiver_phone_masked")


def _door(waybill: str, item: Mapping[str, Any] | None) -> DoorParcel:
    if item is None:  # planned from a manifest since purged: nothing personal left
        return DoorParcel(waybill, "", "", "")
    return DoorParcel(
        waybill, item["receiver_name_masked"], item["address_masked"], item["receiver_phone_masked"]
    )


def _drives(uow: DriverUnitOfWork, by: Principal, code: str, run: VehicleRun) -> bool:
    """Whether `by` drives `run`: when the vehicle registry assigns the run's vehicle a
    courier (`courier_staff_no`), only the user linked to that staff member (`staff
    .create_staff_user`); a vehicle with no courier assigned binds nobody, so any driver of
    the county does."""
    with uow:
        fleet = uow.vehicles.fleet(code)
        assigned = {
            v.courier_staff_no for v in fleet
            if v.courier_staff_no and any(
                run.identifies(n) for n in (v.unified_no, v.plate, str(v.routing.get("code") or ""))
            )
        }  # fmt: skip
        if not assigned:
            return True
        if not by.id.startswith("user:") or not by.id.removeprefix("user:").isdigit():
            return False
        user = uow.accounts.user(int(by.id.removeprefix("user:")))
        me = uow.staff.by_account(code, user.username) if user else None
    return me is not None and me.staff_no in assigned


NOT_ON_YOUR_RUN = N_("no parcel of that number is due at a door of your run")
"""The one answer to a reveal refused: the same whether or not the parcel exists."""


def reveal_phone(
    uow: DriverUnitOfWork,
    cipher: Cipher,
    by: Principal,
    county_code: str,
    day: dt.date,
    plan_id: str | None,
    vehicle: str | None,
    waybill: str,
) -> str:
    """The receiver's full phone number of a parcel due at a door stop of the run, for a
    driver of the county, written to the audit log (`accounts.record_personal_read`).

    Anyone but a driver of the county is Forbidden before any parcel is looked at; for a
    driver, a run that is not there or a parcel not due at one of the run's doors is the
    same NotFound: neither answer tells what parcels exist."""
    code = county_code6(county_code)
    if by.role is not Role.DRIVER or by.county != code:
        raise Forbidden("only a driver of the county reveals a receiver's phone on their run")
    refused = said(NotFound, NOT_ON_YOUR_RUN)
    try:
        run = driver_run(uow, by, code, day, plan_id, vehicle)
    except NotFound:
        raise refused from None
    wanted = waybill.strip().upper()
    if not any(wanted in s.door_waybills for s in run.stops) or not _drives(uow, by, code, run.run):
        raise refused
    with uow:
        item = uow.ops.manifest_item(code, wanted)
    if item is None:
        raise refused
    phone = cipher.decrypt(item["receiver_phone_enc"])
    record_personal_read(uow, by, code, f"receiver phone of {wanted} (door stop)")
    return phone
