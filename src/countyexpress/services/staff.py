"""Staff (issue 14, tasks 19-20): the registry's use cases and the gate (docs/staff.md).

The gate asks the registry whether the person had pre-job training and the supervision
credit whether `person:<staff no>` is blacklisted; binding a keeper to a station and putting
a driver on a run call `may_work` before they act.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Protocol

from countyexpress.domain.access import Principal, Role
from countyexpress.domain.accounts import User
from countyexpress.domain.county_time import county_today
from countyexpress.domain.geography import county_code6
from countyexpress.domain.staff import (
    BOUND_TO_A_STATION,
    PUT_ON_A_RUN,
    StaffMember,
    StaffSnapshot,
    check_may_work,
    subject_of,
)
from countyexpress.errors import N_, InvalidValue, NotAllowed, NotFound, said
from countyexpress.services import accounts
from countyexpress.services.supervision import credit_of
from countyexpress.services.unit_of_work import UnitOfWork

__all__ = [
    "BOUND_TO_A_STATION",
    "PUT_ON_A_RUN",
    "StaffUnitOfWork",
    "check_run",
    "create_staff_user",
    "may_work",
    "members",
    "record_training",
]


class StaffUnitOfWork(UnitOfWork, accounts.AccountsUnitOfWork, Protocol):
    """A unit of work with the staff registry and the accounts."""


def may_work(
    uow: UnitOfWork, county: str, staff_no: str, what: str, on: dt.date | None = None
) -> StaffMember:
    """The registered member `staff_no`, when they may be `what` on `on` (today); NotFound
    when not registered, NotAllowed (with the reason) without pre-job training or when
    blacklisted."""
    code = county_code6(county)
    with uow:
        member = uow.staff.get(code, staff_no.strip())
    if member is None:
        raise NotFound(f"staff number {staff_no} is not registered in county {code}")
    listed = credit_of(uow, code, subject_of(member.staff_no), on or county_today())
    check_may_work(member, blacklisted=listed.blacklisted, what=what)
    return member


def check_run(
    uow: UnitOfWork, county: str, vehicle: str, driver: str | None = None,
    on: dt.date | None = None,
) -> list[StaffMember]:  # fmt: skip
    """Everyone a run on `vehicle` puts to work, each through the gate: the `driver` named
    for it and the courier the vehicle registry assigns to the vehicle (found by unified
    number, plate or routing code). NotAllowed (said: it reads in Chinese on a screen) when
    one of them lacks pre-job training, is blacklisted or is not registered. A vehicle the
    registry does not hold, or holds without a courier, with no driver named, puts nobody
    known to work: there is no one to check."""
    code = county_code6(county)
    key = vehicle.strip()
    with uow:
        fleet = uow.vehicles.fleet(code)
    names = ((v, (v.unified_no, v.plate, str(v.routing.get("code") or ""))) for v in fleet)
    assigned = next((v.courier_staff_no for v, known in names if key in known), None)
    people = [p.strip() for p in (driver, assigned) if p and p.strip()]
    crew: list[StaffMember] = []
    for staff_no in dict.fromkeys(people):
        try:
            crew.append(may_work(uow, code, staff_no, PUT_ON_A_RUN, on))
        except NotFound:
            raise said(NotAllowed, N_("%(staff_no)s cannot be put on a run: not registered as "
                                      "staff of county %(county)s (countyexpress staff add)"),
                       staff_no=staff_no, county=code) from None  # fmt: skip
    return crew


def create_staff_user(
    uow: StaffUnitOfWork,
    by: Principal,
    staff_no: str,
    name: str,
    password: str,
    role: Role,
    *,
    county: str,
    station: str | None = None,
    display_name: str = "",
) -> User:
    """A user account for the registered member `staff_no`, linked to them: a station keeper
    bound to `station`, or a driver; refused (NotAllowed) when the gate refuses them."""
    if role not in (Role.STATION_KEEPER, Role.DRIVER):
        raise InvalidValue("role", "a staff account is a station keeper's or a driver's")
    what = BOUND_TO_A_STATION if role is Role.STATION_KEEPER else PUT_ON_A_RUN
    member = may_work(uow, county, staff_no, what)
    user = accounts.create_user(
        uow, by, name, password, role, display_name=display_name, county=county, station=station
    )
    with uow:
        code = county_code6(county)
        uow.staff.put(code, replace(member, username=user.username), {}, dt.datetime.now(dt.UTC))
        uow.commit()
    return user


def members(uow: StaffUnitOfWork, county: str) -> list[StaffMember]:
    """The county's staff by staff number (no personal data)."""
    with uow:
        return uow.staff.members(county_code6(county))


def snapshot(uow: UnitOfWork, county_code: str, today: dt.date) -> StaffSnapshot:
    """What the staff indicators read (no principal: the caller has checked the read)."""
    with uow:
        return StaffSnapshot(today, uow.staff.members(county_code6(county_code)))


def record_training(
    uow: StaffUnitOfWork, county: str, staff_no: str, on: dt.date, *, pre_job: bool = False
) -> StaffMember:
    """Record a periodic training (or the pre-job training) of `staff_no` on `on`."""
    code = county_code6(county)
    if on > county_today():
        raise InvalidValue("on", f"{on} is in the future: record training that happened")
    with uow:
        member = uow.staff.get(code, staff_no.strip())
        if member is None:
            raise NotFound(f"staff number {staff_no} is not registered in county {code}")
        done = replace(member, pre_job_trained_on=on) if pre_job else replace(member, trained_on=on)
        uow.staff.put(code, done, {}, dt.datetime.now(dt.UTC))
        uow.commit()
    return done
