"""Staff (issue 14, tasks 19-20): the registry's use cases and the gate (docs/staff.md).

The gate asks the registry whether the person had pre-job training and the supervision
credit whether `person:<staff no>` is blacklisted; binding a keeper to a station and putting
a driver on a run call `may_work` before they act.
"""

from __future__ import annotations

import datetime as dt
from typing import Protocol

from countyexpress.domain.county_time import county_today
from countyexpress.domain.geography import county_code6
from countyexpress.domain.staff import StaffMember, check_may_work, subject_of
from countyexpress.errors import NotFound
from countyexpress.services.supervision import credit_of
from countyexpress.services.unit_of_work import UnitOfWork

__all__ = ["BOUND_TO_A_STATION", "PUT_ON_A_RUN", "StaffUnitOfWork", "may_work"]


class StaffRepository(Protocol):
    """Where staff members are kept (adapters/db/staff.py)."""

    def get(self, county_code: str, staff_no: str) -> StaffMember | None: ...
    def members(self, county_code: str) -> list[StaffMember]: ...
    def by_account(self, county_code: str, account: str) -> StaffMember | None: ...


class StaffUnitOfWork(UnitOfWork, Protocol):
    """A unit of work with the staff registry."""

    @property
    def staff(self) -> StaffRepository: ...


BOUND_TO_A_STATION = "bound to a station"
PUT_ON_A_RUN = "put on a run"


def may_work(
    uow: StaffUnitOfWork, county: str, staff_no: str, what: str, on: dt.date | None = None
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
