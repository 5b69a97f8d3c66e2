"""Supervision records in and out of workbooks (issue 13): one mechanism for every kind.

Export writes any kind's records a row each (facts, state, each clock's due day and state).
Import reads filings, complaints, credit events or emergency events, checks every row
against the same rules as the single forms — the county's carriers and divisions, the
blacklist, ID and phone numbers, event types, grades — and stores all of them in one
transaction, or none: every problem is returned located by file, line and column.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from countyexpress.domain.access import Action, Principal, Resource, Where
from countyexpress.domain.county_time import county_today
from countyexpress.domain.geography import county_code6
from countyexpress.domain.periods import row_day
from countyexpress.domain.privacy import scrub
from countyexpress.domain.supervision.credit import CreditEvent
from countyexpress.domain.supervision.kinds import KINDS
from countyexpress.domain.supervision.records import Record, Subject
from countyexpress.domain.supervision.support import Application
from countyexpress.errors import (
    CountyExpressError,
    InvalidValue,
    NotFound,
    PackInvalid,
    PackProblem,
)
from countyexpress.services import support
from countyexpress.services.authz import check
from countyexpress.services.complaints import Complaint, complaint_record
from countyexpress.services.emergency import event_from_row
from countyexpress.services.ports import Cipher
from countyexpress.services.supervision import Filing, filing_record, rules_of
from countyexpress.services.unit_of_work import UnitOfWork

__all__ = ["IMPORTS", "ImportKind", "export_rows", "import_rows"]

Row = Mapping[str, str]
Pending = tuple[Record | CreditEvent, dict[str, str]]


_day = row_day


def _required_day(row: Row, column: str) -> dt.date:
    day = _day(row, column)
    if day is None:
        raise InvalidValue(column, "the date is missing")
    return day


def _filing(uow: UnitOfWork, county: str, row: Row, by: str) -> Pending:
    f = Filing(
        carrier=row.get("carrier", "").lower(),
        outlet=row.get("outlet", ""),
        name=row.get("name", ""),
        community=row.get("community", ""),
        opened=_required_day(row, "opened"),
        outlet_type=row.get("type", "") or "self_run",
        services=row.get("services", ""),
        manager_name=row.get("manager_name", ""),
        manager_id=row.get("manager_id", ""),
        on=_day(row, "on"),
    )
    return filing_record(uow, county, f, by)


def _complaint(uow: UnitOfWork, county: str, row: Row, by: str) -> Pending:
    c = Complaint(
        subject=row.get("subject", ""),
        complaint_type=row.get("type", ""),
        about=row.get("about", ""),
        waybill=row.get("waybill", ""),
        contact_phone=row.get("phone", ""),
        on=_day(row, "on"),
    )
    return complaint_record(uow, county, c, by)


def _credit(uow: UnitOfWork, county: str, row: Row, by: str) -> Pending:
    rules = rules_of(uow, county)
    event = row.get("event", "")
    rules.credit.event_type(event)
    day = _day(row, "on") or county_today()
    if day > county_today():
        raise InvalidValue("on", f"{day} is in the future: record events that happened")
    who = Subject.parse(row.get("subject", ""))
    return CreditEvent(who, event, day, scrub(row.get("note", "")), row.get("ref", "")), {}


def _emergency(uow: UnitOfWork, county: str, row: Row, by: str) -> Pending:
    return event_from_row(uow, county, row, by), {}


def _support_application(uow: UnitOfWork, county: str, row: Row, by: str) -> Pending:
    a = Application(
        programme=row.get("programme", ""),
        amount=_whole(row, "amount") or 0,
        investment=_whole(row, "investment"),
        facility=row.get("facility", ""),
        vehicle=row.get("vehicle", ""),
    )
    carrier = row.get("carrier", "").lower()
    return support.application_record(uow, county, carrier, a, by, _day(row, "on"))[0], {}


def _support_request(uow: UnitOfWork, county: str, row: Row, by: str) -> Pending:
    return support.request_record(uow, county, row.get("staff_no", ""), row.get("type", ""),
                                  row.get("details", ""), by, _day(row, "on"))  # fmt: skip


def _support_key(row: Row) -> str:
    """The same vehicle or facility twice under one programme in one file is refused."""
    named = row.get("vehicle") or row.get("facility")
    return f"{row.get('programme')}:{named}" if named else f"row {id(row)}"


def _whole(row: Row, column: str) -> int | None:
    text = row.get(column, "").replace(",", "")
    if not text:
        return None
    if not text.isdigit():
        raise InvalidValue(column, f"{text!r} is not a whole number of yuan")
    return int(text)


@dataclass(frozen=True)
class ImportKind:
    """What a workbook of one kind holds and how each row becomes a record or an event."""

    required: tuple[str, ...]
    optional: tuple[str, ...]
    build: Callable[[UnitOfWork, str, Row, str], Pending]
    key: Callable[[Row], str] | None = None
    """Rows with the same key in one file are refused (the same outlet filed twice)."""


IMPORTS: dict[str, ImportKind] = {
    "outlet_filing": ImportKind(
        ("outlet", "carrier", "name", "community", "opened"),
        ("type", "services", "manager_name", "manager_id", "on"),
        _filing,
        key=lambda r: r.get("outlet", ""),
    ),
    "complaint": ImportKind(("subject", "type", "about"), ("waybill", "phone", "on"), _complaint),
    "credit_event": ImportKind(("subject", "event"), ("on", "note", "ref"), _credit),
    "support_application": ImportKind(
        ("carrier", "programme", "amount"),
        ("investment", "facility", "vehicle", "on"),
        _support_application,
        key=_support_key,
    ),
    "support_request": ImportKind(("staff_no", "type"), ("details", "on"), _support_request),
    "emergency_event": ImportKind(("subject", "grade", "occurred_at"), ("summary",), _emergency),
}


def import_rows(
    uow: UnitOfWork,
    cipher: Cipher,
    county: str,
    kind: str,
    rows: Sequence[tuple[int, Row]],
    file_name: str,
    by: Principal | None = None,
) -> int:
    """Store every row of `kind`, or none: PackInvalid lists each row's problem by line and
    column. Returns how many were stored."""
    code = county_code6(county)
    check(by, Action.IMPORT, Resource.SUPERVISION, Where(code))
    spec = IMPORTS.get(kind)
    if spec is None:
        raise InvalidValue("kind", f"{kind!r} cannot be imported (one of: {', '.join(IMPORTS)})")
    who = "local" if by is None else by.name
    problems: list[PackProblem] = []
    pending: list[Pending] = []
    seen: dict[str, int] = {}
    with uow:
        if uow.counties.get(code) is None:
            raise NotFound(f"county {code} is not loaded")
        for line, row in rows:
            if spec.key is not None:
                key = spec.key(row)
                if key in seen:
                    twice = f"{key} is filed twice (line {seen[key]})"
                    problems.append(PackProblem(file_name, line, "outlet", twice))
                    continue
                seen[key] = line
            try:
                pending.append(spec.build(uow, code, row, who))
            except InvalidValue as exc:
                problems.append(PackProblem(file_name, line, exc.field, exc.reason))
            except CountyExpressError as exc:
                problems.append(PackProblem(file_name, line, None, str(exc)))
        if problems:
            raise PackInvalid(problems)
        for item, personal in pending:
            if isinstance(item, CreditEvent):
                uow.supervision.add_credit_event(code, item, who)
            else:
                sealed = (
                    cipher.encrypt(json.dumps(personal, ensure_ascii=False)) if personal else None
                )
                uow.supervision.add(code, item, sealed)
        uow.commit()
    return len(pending)


def export_rows(
    uow: UnitOfWork, county: str, kind: str, by: Principal | None = None
) -> tuple[list[str], list[dict[str, Any]]]:
    """The header and a row per record of `kind` (no personal fact: those stay encrypted)."""
    code = county_code6(county)
    check(by, Action.EXPORT, Resource.SUPERVISION, Where(code))
    record_kind = KINDS.get(kind)
    if record_kind is None:
        raise InvalidValue("kind", f"{kind!r} is not a record kind ({', '.join(KINDS)})")
    today = county_today()
    with uow:
        found = uow.supervision.find(code, kind=kind)
    fact_names = sorted({k for s in found for k in s.record.facts})
    clock_names = sorted({k for s in found for k in s.record.clocks})
    header = ["id", "subject", "state", "opened_on", "last_step", *fact_names]
    for name in clock_names:
        header += [f"{name}.due", f"{name}.state"]
    rows = []
    for s in found:
        r = s.record
        row: dict[str, Any] = {
            "id": s.id,
            "subject": str(r.subject),
            "state": r.state,
            "opened_on": r.trail[0].on.isoformat(),
            "last_step": f"{r.trail[-1].verb} {r.trail[-1].on.isoformat()}",
            **dict(r.facts),
        }
        for name, c in r.clocks.items():
            row[f"{name}.due"] = c.due.isoformat()
            row[f"{name}.state"] = c.state(today).value
        rows.append(row)
    return header, rows
