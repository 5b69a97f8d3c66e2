"""Staff (issue 14, tasks 19-20): couriers and handlers, their skills, training and insurance.

Pure rules only. A staff member is keyed by a staff number; their name, ID number and
phone are personal and are held by the adapters encrypted (never here in the clear). The
supervision subject of a person is `person:<staff no>` (docs/supervision.md), never an ID
number. The gate: a person without pre-job training (岗前培训), or on the blacklist, may be
neither bound to a station nor put on a run.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from countyexpress.domain.county import County
from countyexpress.domain.identity import normalise_id_number, validate_resident_id
from countyexpress.domain.indicators import Indicator, Inputs, Measurement, register
from countyexpress.domain.periods import row_day
from countyexpress.domain.privacy import mobile_number
from countyexpress.domain.supervision.calendar import add_months
from countyexpress.errors import (
    N_,
    InvalidValue,
    NotAllowed,
    PackInvalid,
    PackProblem,
    Said,
    said,
)

__all__ = [
    "BOUND_TO_A_STATION",
    "INPUT",
    "PUT_ON_A_RUN",
    "STAFF_INDICATORS",
    "Occupation",
    "StaffMember",
    "StaffSnapshot",
    "check_may_work",
    "member_from_row",
    "members_from_rows",
    "subject_of",
]

_STAFF_NO = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,31}")


class Occupation(StrEnum):
    """The national occupational skill standards (国家职业技能标准) for express staff."""

    COURIER = "4-02-07-08"  # 快递员
    HANDLER = "4-02-07-09"  # 快件处理员


@dataclass(frozen=True)
class StaffMember:
    """One person who collects, handles or delivers parcels for a carrier, station or the centre."""

    staff_no: str
    employer: str  # a carrier, station or centre code
    occupation: Occupation
    level: int | None = None  # 职业技能等级 5 (初级) .. 1 (高级技师); None: not assessed
    pre_job_trained_on: dt.date | None = None
    trained_on: dt.date | None = None  # last periodic training
    social_insurance_until: dt.date | None = None
    injury_insurance_until: dt.date | None = None  # 工伤保险
    username: str | None = None  # the user account, where one exists
    left_on: dt.date | None = None  # the county day the person left (None: works here)

    def __post_init__(self) -> None:
        if not _STAFF_NO.fullmatch(self.staff_no):
            raise InvalidValue("staff_no", f"{self.staff_no!r} is not a staff number")
        if not self.employer.strip():
            raise InvalidValue("employer", "a staff member needs an employer")
        if self.level is not None and not 1 <= self.level <= 5:
            raise InvalidValue("level", f"skill level {self.level} is not 5..1")

    def insured(self, today: dt.date) -> bool:
        """Social and work-injury insurance both valid on `today`."""
        return all(d is not None and d >= today for d in (
            self.social_insurance_until, self.injury_insurance_until))  # fmt: skip

    def training_due(self, interval_months: int) -> dt.date | None:
        """The day periodic training falls due: `interval_months` after the last training
        (or the pre-job training); None before any training."""
        last = self.trained_on or self.pre_job_trained_on
        return None if last is None else add_months(last, interval_months)

    def training_state(self, today: dt.date, interval_months: int) -> str:
        """`untrained` (no training at all), `overdue` (the due day has passed), `due` (falls
        due within a month of `today`) or `ok`."""
        due = self.training_due(interval_months)
        if due is None:
            return "untrained"
        if due < today:
            return "overdue"
        return "due" if due <= add_months(today, 1) else "ok"

    def working(self, today: dt.date) -> bool:
        """Not left on or before `today`."""
        return self.left_on is None or self.left_on > today


def subject_of(staff_no: str) -> str:
    """The supervision subject of a person: `person:<staff no>`."""
    return f"person:{staff_no}"


PUT_ON_A_RUN = "put on a run"
BOUND_TO_A_STATION = "bound to a station"

_NO_TRAINING = {
    PUT_ON_A_RUN: N_(
        "%(staff_no)s cannot be put on a run: no pre-job training (岗前培训) recorded; "
        "record it with `countyexpress staff train` first"
    ),
    BOUND_TO_A_STATION: N_(
        "%(staff_no)s cannot be bound to a station: no pre-job training (岗前培训) recorded; "
        "record it with `countyexpress staff train` first"
    ),
}
_BLACKLISTED = {
    PUT_ON_A_RUN: N_(
        "%(staff_no)s cannot be put on a run: %(subject)s is on the blacklist (失信名单)"
    ),
    BOUND_TO_A_STATION: N_(
        "%(staff_no)s cannot be bound to a station: %(subject)s is on the blacklist (失信名单)"
    ),
}


def check_may_work(member: StaffMember, *, blacklisted: bool, what: str) -> None:
    """Refuse (NotAllowed, said so a screen shows it in the reader's language) to bind
    `member` to a station or put them on a run (`what`) when they have no pre-job training
    or are on the blacklist."""
    if member.left_on is not None:
        raise said(NotAllowed, N_("%(staff_no)s cannot be put to work: left on %(day)s"),
                   staff_no=member.staff_no, day=member.left_on.isoformat())  # fmt: skip
    if member.pre_job_trained_on is None:
        raise said(NotAllowed, _NO_TRAINING[what], staff_no=member.staff_no)
    if blacklisted:
        raise said(NotAllowed, _BLACKLISTED[what], staff_no=member.staff_no,
                   subject=subject_of(member.staff_no))  # fmt: skip


OCCUPATIONS = {
    "快递员": Occupation.COURIER, "courier": Occupation.COURIER,
    Occupation.COURIER.value: Occupation.COURIER,
    "快件处理员": Occupation.HANDLER, "handler": Occupation.HANDLER,
    Occupation.HANDLER.value: Occupation.HANDLER,
}  # fmt: skip
"""How a row may name an occupation: the Chinese title, the English word or the code."""

_DAYS = ("pre_job_trained_on", "trained_on", "social_insurance_until", "injury_insurance_until")


_day = row_day


def _row_problems(row: Mapping[str, str], today: dt.date) -> tuple[
        StaffMember | None, dict[str, str], list[tuple[str, str]]]:  # fmt: skip
    problems: list[tuple[str, str]] = []
    personal: dict[str, str] = {}
    name = (row.get("name") or "").strip()
    if not name:
        problems.append(("name", "the name is missing"))
    personal["name"] = name
    number = normalise_id_number(row.get("id_number") or "")
    why = validate_resident_id(number, today) if number else "the ID number is missing"
    if why:
        problems.append(("id_number", "not a valid resident ID number"))
    personal["id_number"] = number
    try:
        personal["phone"] = mobile_number(row.get("phone") or "")
    except InvalidValue as e:
        problems.append(("phone", e.reason))
    occupation = OCCUPATIONS.get((row.get("occupation") or "").strip())
    if occupation is None:
        problems.append(("occupation", "not 快递员 / 快件处理员 (courier / handler)"))
    level: int | None = None
    text = (row.get("level") or "").strip()
    if text:
        if text.isdigit() and 1 <= int(text) <= 5:
            level = int(text)
        else:
            problems.append(("level", f"{text!r} is not a skill level 5..1"))
    days: dict[str, dt.date | None] = {}
    for column in _DAYS:
        try:
            days[column] = _day(row, column)
        except InvalidValue as e:
            problems.append((e.field, e.reason))
    if problems or occupation is None:
        return None, personal, problems
    try:
        member = StaffMember(
            (row.get("staff_no") or "").strip(), (row.get("employer") or "").strip(),
            occupation, level, days["pre_job_trained_on"], days["trained_on"],
            days["social_insurance_until"], days["injury_insurance_until"],
            (row.get("username") or "").strip() or None,
        )  # fmt: skip
    except InvalidValue as e:
        return None, personal, [(e.field, e.reason)]
    return member, personal, []


def member_from_row(row: Mapping[str, str], today: dt.date) -> tuple[StaffMember, dict[str, str]]:
    """A staff member and their personal data (name, ID number, phone) read from one row;
    InvalidValue naming the first bad column (an ID number is never repeated in it)."""
    member, personal, problems = _row_problems(row, today)
    if problems or member is None:
        field, reason = problems[0]
        raise InvalidValue(field, reason)
    return member, personal


def members_from_rows(
    file: str, rows: Sequence[Mapping[str, str]], today: dt.date, first_line: int = 2,
    *, lines: Sequence[int] | None = None,
) -> list[tuple[StaffMember, dict[str, str]]]:  # fmt: skip
    """Every row's member and personal data, or PackInvalid listing every problem by file,
    line (the header is line 1, or `lines` as the reader counted them) and column: an
    import is all or nothing."""
    found: list[PackProblem] = []
    out: list[tuple[StaffMember, dict[str, str]]] = []
    seen: set[str] = set()
    numbered = zip(lines, rows, strict=True) if lines is not None else enumerate(rows, first_line)
    for line, row in numbered:
        member, personal, problems = _row_problems(row, today)
        found += [PackProblem(file, line, f, r) for f, r in problems]
        if member is not None:
            if member.staff_no in seen:
                twice = f"{member.staff_no} appears twice in the file"
                found.append(PackProblem(file, line, "staff_no", twice))
            seen.add(member.staff_no)
            out.append((member, personal))
    if found:
        raise PackInvalid(found)
    return out


INPUT = "staff"


@dataclass(frozen=True)
class StaffSnapshot:
    """What the staff indicators read, as of `today`."""

    today: dt.date
    members: Sequence[StaffMember]


def _snapshot(inputs: Inputs) -> StaffSnapshot:
    snap = inputs[INPUT]
    assert isinstance(snap, StaffSnapshot)
    return snap


def insured_share(_: County, inputs: Inputs) -> Measurement:
    """Staff with social and work-injury insurance valid today / staff."""
    snap = _snapshot(inputs)
    if not snap.members:
        return Measurement(None, note=Said(N_("no staff registered")))
    n = sum(m.insured(snap.today) for m in snap.members)
    return Measurement(n / len(snap.members), detail={"insured": n, "staff": len(snap.members)})


def pre_job_trained_share(_: County, inputs: Inputs) -> Measurement:
    """Staff with pre-job training recorded / staff."""
    snap = _snapshot(inputs)
    if not snap.members:
        return Measurement(None, note=Said(N_("no staff registered")))
    n = sum(m.pre_job_trained_on is not None for m in snap.members)
    return Measurement(n / len(snap.members), detail={"trained": n, "staff": len(snap.members)})


def skilled_share(_: County, inputs: Inputs) -> Measurement:
    """Staff holding a skill level (5..1) / staff, with the count at each level."""
    snap = _snapshot(inputs)
    if not snap.members:
        return Measurement(None, note=Said(N_("no staff registered")))
    levels = Counter(m.level for m in snap.members if m.level is not None)
    detail: dict[str, int] = {f"level_{k}": levels.get(k, 0) for k in (5, 4, 3, 2, 1)}
    detail["unassessed"] = len(snap.members) - sum(levels.values())
    return Measurement(sum(levels.values()) / len(snap.members), detail=detail)


STAFF_INDICATORS = (
    Indicator(
        "staff_pre_job_trained_share", 19, "share", pre_job_trained_share,
        title="从业人员岗前培训率", title_en="Staff with pre-job training",
        rule="staff with a pre-job training day / staff registered; no target in the pack "
        "(the plan sets none): lead 人社局 / 商工局",
        needs=(INPUT,),
    ),
    Indicator(
        "staff_skill_level_share", 19, "share", skilled_share,
        title="持职业技能等级人员占比", title_en="Staff holding a skill level",
        rule="staff with a level 5..1 under 4-02-07-08 / 4-02-07-09 / staff registered, "
        "with the count by level; no target in the pack: lead 人社局",
        needs=(INPUT,),
    ),
    Indicator(
        "staff_insured_share", 20, "share", insured_share,
        title="从业人员参保率", title_en="Staff with social and work-injury insurance",
        rule="staff whose social insurance and 工伤保险 are valid today / staff registered; "
        "no target in the pack: lead 商工局",
        needs=(INPUT,),
    ),
)  # fmt: skip
"""The staff indicators; services.staff.snapshot feeds their `staff` input (docs/staff.md)."""

register(*STAFF_INDICATORS)
