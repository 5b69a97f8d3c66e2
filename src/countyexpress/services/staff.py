"""Staff (issue 14, tasks 19-20): the registry's use cases and the gate (docs/staff.md).

The gate asks the registry whether the person had pre-job training and the supervision
credit whether `person:<staff no>` is blacklisted; binding a keeper to a station and putting
a driver on a run call `may_work` before they act.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Protocol

from countyexpress.adapters.packs.rows import MAX_TABLE_BYTES, read_table, uploaded_table
from countyexpress.domain.access import Action, Principal, Resource, Role, Where
from countyexpress.domain.accounts import User
from countyexpress.domain.county import County
from countyexpress.domain.county_time import COUNTY_ZONE, county_today
from countyexpress.domain.geography import county_code6
from countyexpress.domain.privacy import mask_name, mask_phone
from countyexpress.domain.staff import (
    BOUND_TO_A_STATION,
    PUT_ON_A_RUN,
    StaffMember,
    StaffSnapshot,
    check_may_work,
    member_from_row,
    members_from_rows,
    subject_of,
)
from countyexpress.domain.supervision.clocks import Unit
from countyexpress.errors import (
    N_,
    InvalidValue,
    NotAllowed,
    NotFound,
    PackInvalid,
    PackProblem,
    said,
)
from countyexpress.services import accounts
from countyexpress.services.authz import check, check_kind, may, visible
from countyexpress.services.ports import Cipher
from countyexpress.services.supervision import credit_of, rules_of
from countyexpress.services.unit_of_work import UnitOfWork

__all__ = [
    "BOUND_TO_A_STATION",
    "IMPORT_OPTIONAL",
    "IMPORT_REQUIRED",
    "PUT_ON_A_RUN",
    "StaffUnitOfWork",
    "StaffView",
    "add_member",
    "check_run",
    "create_staff_user",
    "import_file",
    "import_members",
    "import_upload",
    "may_work",
    "members",
    "read_file",
    "record_insurance",
    "record_leaving",
    "record_training",
    "training_months",
    "view",
    "views",
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
    """What the staff indicators read: those working on `today` (no principal: the caller
    has checked the read)."""
    with uow:
        found = uow.staff.members(county_code6(county_code))
    return StaffSnapshot(today, [m for m in found if m.working(today)])


def record_training(
    uow: StaffUnitOfWork, county: str, staff_no: str, on: dt.date, *, pre_job: bool = False,
    by: Principal | None = None,
) -> StaffMember:  # fmt: skip
    """Record a periodic training (or the pre-job training) of `staff_no` on `on`."""
    code = county_code6(county)
    check(by, Action.EDIT, Resource.STAFF, Where(code))
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


TRAINING_CLOCK = "staff.training"
"""The pack's clock (supervision.toml) of periodic training: months after the last one."""

IMPORT_REQUIRED = ("staff_no", "employer", "occupation", "name", "id_number", "phone")
IMPORT_OPTIONAL = ("level", "pre_job_trained_on", "trained_on", "social_insurance_until",
                   "injury_insurance_until")  # fmt: skip
"""The columns of a staff list (xlsx or CSV); an account is linked only through the gate
(`create_staff_user`), never by a file."""


def training_months(uow: UnitOfWork, county: str) -> int | None:
    """The pack's periodic training interval in months (`staff.training`), or None when the
    county's rules set none."""
    with uow:
        rule = rules_of(uow, county_code6(county)).clocks.get(TRAINING_CLOCK)
    if rule is None or rule.unit is not Unit.MONTHS:
        return None
    return rule.length


def _county(uow: UnitOfWork, code: str) -> County:
    county = uow.counties.get(code)
    if county is None:
        raise NotFound(f"county {code} is not loaded")
    return county


def employers_of(county: County) -> set[str]:
    """Who may employ staff: the county's carriers, its facilities, and `centre`."""
    return {c.code for c in county.carriers} | {f.code for f in county.facilities} | {"centre"}


def _sealed(cipher: Cipher, personal: Mapping[str, str]) -> dict[str, str]:
    return {f"{k}_enc": cipher.encrypt(v) for k, v in personal.items() if v}


def _unknown_employer(member: StaffMember, code: str) -> str:
    return f"{member.employer!r} is not a carrier, facility or the centre of county {code}"


def add_member(
    uow: UnitOfWork, cipher: Cipher, county: str, row: Mapping[str, str],
    today: dt.date | None = None, by: Principal | None = None,
) -> StaffMember:  # fmt: skip
    """Register one new member from `row` (the import's columns): name, ID number and phone
    encrypted with `cipher`; InvalidValue naming the bad field (an ID number is never
    repeated), NotAllowed when the staff number is already registered."""
    code = county_code6(county)
    check(by, Action.EDIT, Resource.STAFF, Where(code))
    member, personal = member_from_row({k: v for k, v in row.items() if k != "username"},
                                       today or county_today())  # fmt: skip
    with uow:
        if member.employer not in employers_of(_county(uow, code)):
            raise InvalidValue("employer", _unknown_employer(member, code))
        if uow.staff.get(code, member.staff_no) is not None:
            raise said(NotAllowed, N_("%(staff_no)s is already registered; change it with "
                                      "`staff import`, `staff train` or `staff insure`"),
                       staff_no=member.staff_no)  # fmt: skip
        uow.staff.put(code, member, _sealed(cipher, personal), dt.datetime.now(dt.UTC))
        uow.commit()
    return member


def import_members(
    uow: UnitOfWork, cipher: Cipher, county: str, rows: Sequence[tuple[int, Mapping[str, str]]],
    file_name: str, today: dt.date | None = None, by: Principal | None = None,
) -> int:  # fmt: skip
    """Register or replace (by staff number) every member of a list, all or nothing:
    PackInvalid names each problem by file, line and column. Importing the same list again
    changes nothing; a member's account link and leaving day are kept."""
    code = county_code6(county)
    check(by, Action.IMPORT, Resource.STAFF, Where(code))
    data = [{k: v for k, v in r.items() if k != "username"} for _, r in rows]
    read = members_from_rows(file_name, data, today or county_today(),
                             lines=[line for line, _ in rows])  # fmt: skip
    now = dt.datetime.now(dt.UTC)
    with uow:
        known = employers_of(_county(uow, code))
        problems = [PackProblem(file_name, line, "employer", _unknown_employer(m, code))
                    for (line, _), (m, _) in zip(rows, read, strict=True)
                    if m.employer not in known]  # fmt: skip
        if not read:
            problems.append(PackProblem(file_name, None, None, "no staff in the file"))
        if problems:
            raise PackInvalid(problems)
        for member, personal in read:
            held = uow.staff.get(code, member.staff_no)
            kept = replace(member, username=held.username if held else None)
            uow.staff.put(code, kept, _sealed(cipher, personal), now)
        uow.commit()
    return len(read)


MAX_UPLOAD_BYTES = MAX_TABLE_BYTES


def read_file(path: Path) -> list[tuple[int, dict[str, str]]]:
    """The rows of a staff list (CSV in UTF-8 or XLSX, the pack's table reader) with their
    line numbers; PackInvalid for a missing or unknown column."""
    problems: list[PackProblem] = []
    rows = [(r.line, r.cells) for r in read_table(path, IMPORT_REQUIRED, problems)]
    header = {k for _, cells in rows for k in cells}
    unknown = sorted(header - {*IMPORT_REQUIRED, *IMPORT_OPTIONAL})
    problems += [PackProblem(path.name, 1, c, "unknown column") for c in unknown]
    if problems:
        raise PackInvalid(problems)
    return rows


def import_file(
    uow: UnitOfWork, cipher: Cipher, county: str, path: Path, by: Principal | None = None
) -> int:
    """`import_members` of a CSV or XLSX file, all or nothing."""
    check(by, Action.IMPORT, Resource.STAFF, Where(county_code6(county)))
    return import_members(uow, cipher, county, read_file(path), path.name, by=by)


def import_upload(
    uow: UnitOfWork, cipher: Cipher, county: str, name: str, data: bytes,
    by: Principal | None = None,
) -> int:  # fmt: skip
    """An uploaded list (its file name and bytes) imported as `import_file` does; refused
    whole (PackInvalid) when it is not a .csv or .xlsx or is too large."""
    check(by, Action.IMPORT, Resource.STAFF, Where(county_code6(county)))
    with uploaded_table(name or "staff.csv", data, "a staff list") as path:
        return import_file(uow, cipher, county, path, by=by)


@dataclass(frozen=True)
class StaffView:
    """A member as shown: name and phone masked, never the ID number; training and
    insurance with their due days and states on `today`."""

    member: StaffMember
    name: str
    phone: str
    training_due: dt.date | None
    training: str  # untrained | overdue | due | ok | unknown (no interval in the pack)
    insured: bool

    def as_dict(self) -> dict[str, object]:
        """The view as JSON-ready values."""
        m = self.member

        def day(d: dt.date | None) -> str | None:
            return None if d is None else d.isoformat()

        return {
            "staff_no": m.staff_no, "employer": m.employer, "occupation": m.occupation.value,
            "level": m.level, "name": self.name, "phone": self.phone,
            "pre_job_trained_on": day(m.pre_job_trained_on), "trained_on": day(m.trained_on),
            "training_due": day(self.training_due), "training": self.training,
            "social_insurance_until": day(m.social_insurance_until),
            "injury_insurance_until": day(m.injury_insurance_until),
            "insured": self.insured, "account": m.username, "left_on": day(m.left_on),
        }  # fmt: skip


def _view(cipher: Cipher, m: StaffMember, sealed: Mapping[str, str | None],
          months: int | None, today: dt.date) -> StaffView:  # fmt: skip
    def clear(key: str) -> str:
        value = sealed.get(key)
        return cipher.decrypt(value) if value else ""

    name, phone = clear("name_enc"), clear("phone_enc")
    return StaffView(
        m, mask_name(name) if name else "", mask_phone(phone) if phone else "",
        None if months is None else m.training_due(months),
        "unknown" if months is None else m.training_state(today, months), m.insured(today),
    )  # fmt: skip


def _read(by: Principal | None, code: str) -> None:
    """Forbidden unless `by` reads staff of county `code` (a carrier's key: its own)."""
    own = by.carrier if by is not None and by.role is Role.CARRIER else None
    check(by, Action.READ, Resource.STAFF, Where(code, carrier=own))


def _visible(by: Principal | None, code: str, m: StaffMember) -> bool:
    """A carrier's key sees its own carrier's staff only."""
    return may(by, Action.READ, Resource.STAFF, Where(code, carrier=m.employer))


def views(
    uow: UnitOfWork, cipher: Cipher, county: str, today: dt.date | None = None,
    by: Principal | None = None,
) -> list[StaffView]:  # fmt: skip
    """The county's staff, masked, with training and insurance states (`by` a carrier: its
    own staff only)."""
    code = county_code6(county)
    _read(by, code)
    day = today or county_today()
    months = training_months(uow, code)
    with uow:
        found = [m for m in uow.staff.members(code) if _visible(by, code, m)]
        sealed = {m.staff_no: uow.staff.personal(code, m.staff_no) for m in found}
    return [_view(cipher, m, sealed[m.staff_no], months, day) for m in found]


def view(
    uow: UnitOfWork, cipher: Cipher, county: str, staff_no: str, today: dt.date | None = None,
    by: Principal | None = None,
) -> StaffView:  # fmt: skip
    """One member, masked; NotFound when not registered (or not `by`'s to see)."""
    code = county_code6(county)
    check_kind(by, Action.READ, Resource.STAFF)
    _read(by, code)
    months = training_months(uow, code)
    with uow:
        member = uow.staff.get(code, staff_no.strip())
        sealed = uow.staff.personal(code, staff_no.strip())
    missing = NotFound(f"staff number {staff_no} is not registered in county {code}")
    if member is None:
        raise missing
    visible(by, Action.READ, Resource.STAFF, Where(code, carrier=member.employer), missing)
    return _view(cipher, member, sealed, months, today or county_today())


def _change(uow: UnitOfWork, code: str, staff_no: str) -> StaffMember:
    member = uow.staff.get(code, staff_no.strip())
    if member is None:
        raise NotFound(f"staff number {staff_no} is not registered in county {code}")
    return member


def record_insurance(
    uow: UnitOfWork, county: str, staff_no: str, *, social_until: dt.date | None,
    injury_until: dt.date | None, by: Principal | None = None,
) -> StaffMember:  # fmt: skip
    """Record the days social insurance and work-injury insurance (工伤保险) are valid
    until (None: keep what is held)."""
    code = county_code6(county)
    check(by, Action.EDIT, Resource.STAFF, Where(code))
    with uow:
        member = _change(uow, code, staff_no)
        done = replace(
            member,
            social_insurance_until=social_until or member.social_insurance_until,
            injury_insurance_until=injury_until or member.injury_insurance_until,
        )
        uow.staff.put(code, done, {}, dt.datetime.now(dt.UTC))
        uow.commit()
    return done


def record_leaving(
    uow: UnitOfWork, county: str, staff_no: str, on: dt.date, by: Principal | None = None
) -> StaffMember:
    """Record that the member left on the county day `on`: from then the gate refuses them,
    the indicators no longer count them, and the purge's retention clock of their personal
    data starts (`left_at`, the start of that day in the county, in UTC)."""
    code = county_code6(county)
    check(by, Action.EDIT, Resource.STAFF, Where(code))
    if on > county_today():
        raise InvalidValue("on", f"{on} is in the future: record a leaving that happened")
    at = dt.datetime.combine(on, dt.time(), COUNTY_ZONE).astimezone(dt.UTC)
    with uow:
        member = _change(uow, code, staff_no)
        uow.staff.leave(code, member.staff_no, at)
        uow.commit()
    return replace(member, left_on=on)
