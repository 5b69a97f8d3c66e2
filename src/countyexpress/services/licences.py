"""Express business licences (快递业务经营许可, issue 13) on the supervision records.

A licence is a `licence` record of the registry mechanism (services.supervision): granted
to a carrier's company or branch with its number, renewed, expired, cancelled, its annual
report recorded. Ending a licence lapses the outlet filings under it in the same
transaction, each with a step saying why (domain.supervision.licences).
"""

from __future__ import annotations

import datetime as dt

from countyexpress.domain.access import Action, Principal
from countyexpress.domain.county_time import county_today
from countyexpress.domain.geography import county_code6
from countyexpress.domain.supervision.kinds import LICENCE, OUTLET_FILING
from countyexpress.domain.supervision.licences import (
    HOLDERS,
    VALID,
    LicenceStanding,
    annual_fact,
    lapses_with,
    licence_standing,
)
from countyexpress.domain.supervision.records import Record, Subject, SubjectKind
from countyexpress.errors import InvalidValue, NotAllowed, NotFound
from countyexpress.services.supervision import RecordView, _check, _name, rules_of
from countyexpress.services.unit_of_work import UnitOfWork

__all__ = ["cancel", "expire", "grant", "licences", "renew", "report_annual"]

MAX_NUMBER_CHARS = 40


def grant(
    uow: UnitOfWork,
    county: str,
    carrier: str,
    number: str,
    granted: dt.date,
    holder: str = "company",
    holder_name: str = "",
    by: Principal | None = None,
) -> RecordView:
    """Record a licence granted to `carrier`'s company or a branch on `granted` (valid for
    the pack's `licence.valid`). Refused for an unknown carrier, a bad holder or a number
    another valid licence of the county already has."""
    code = county_code6(county)
    _check(by, Action.EDIT, code)
    number = number.strip()
    if not number or len(number) > MAX_NUMBER_CHARS:
        raise InvalidValue("number", f"the licence number is 1 to {MAX_NUMBER_CHARS} characters")
    if holder not in HOLDERS:
        raise InvalidValue("holder", "the holder is company or branch")
    if granted > county_today():
        raise InvalidValue("granted", f"a licence granted on {granted} is in the future")
    with uow:
        county_obj = uow.counties.get(code)
        if county_obj is None:
            raise NotFound(f"county {code} is not loaded")
        if carrier not in {c.code for c in county_obj.carriers}:
            raise InvalidValue("carrier", f"{carrier!r} is not a carrier of county {code}")
        for s in uow.supervision.find(code, kind=LICENCE.name):
            if s.record.state == "valid" and s.record.facts.get("number") == number:
                raise NotAllowed(f"licence {number} is already recorded (record {s.id})")
        rules = rules_of(uow, code)
        facts = {"number": number, "holder": holder, "holder_name": " ".join(holder_name.split())}
        rec = Record.open(
            LICENCE,
            Subject(SubjectKind.CARRIER, carrier),
            granted,
            _name(by),
            rules.clocks,
            rules.calendar,
            facts,
        )
        number_id = uow.supervision.add(code, rec, None)
        uow.commit()
    return RecordView(number_id, rec)


def renew(
    uow: UnitOfWork,
    county: str,
    record_id: int,
    on: dt.date | None = None,
    by: Principal | None = None,
) -> RecordView:
    """Renew a valid licence: `licence.valid` starts again from `on`."""
    return _act(uow, county, record_id, "renew", on, "", {}, by)


def report_annual(
    uow: UnitOfWork,
    county: str,
    record_id: int,
    year: int,
    on: dt.date | None = None,
    by: Principal | None = None,
) -> RecordView:
    """Record the licence's annual report (年度报告) on `year`, made on `on`."""
    day = on or county_today()
    if not 2000 <= year < day.year:
        raise InvalidValue("year", f"a report made on {day} is on a year before {day.year}")
    facts = {annual_fact(year): day.isoformat()}
    return _act(uow, county, record_id, "report_annual", day, f"annual report {year}", facts, by)


def expire(
    uow: UnitOfWork,
    county: str,
    record_id: int,
    on: dt.date | None = None,
    by: Principal | None = None,
) -> RecordView:
    """A licence not renewed expires after its last valid day; its filings lapse."""
    return _act(uow, county, record_id, "expire", on, "", {}, by)


def cancel(
    uow: UnitOfWork,
    county: str,
    record_id: int,
    reason: str,
    on: dt.date | None = None,
    by: Principal | None = None,
) -> RecordView:
    """The regulator cancels a licence (吊销/注销) with its reason; its filings lapse."""
    if not reason.strip():
        raise InvalidValue("reason", "a cancellation gives its reason")
    return _act(uow, county, record_id, "cancel", on, reason.strip(), {}, by)


def licences(
    uow: UnitOfWork,
    county: str,
    today: dt.date | None = None,
    by: Principal | None = None,
) -> list[LicenceStanding]:
    """The county's licences with their renewal and annual report clocks on `today`."""
    code = county_code6(county)
    _check(by, Action.READ, code)
    day = today or county_today()
    with uow:
        rules = rules_of(uow, code)
        found = uow.supervision.find(code, kind=LICENCE.name)
    return [licence_standing(s.id, s.record, rules.clocks, rules.calendar, day) for s in found]


def _act(
    uow: UnitOfWork,
    county: str,
    record_id: int,
    verb: str,
    on: dt.date | None,
    note: str,
    facts: dict[str, str],
    by: Principal | None,
) -> RecordView:
    code = county_code6(county)
    _check(by, Action.EDIT, code)
    day = on or county_today()
    with uow:
        stored = uow.supervision.get(code, record_id)
        if stored is None or stored.record.kind.name != LICENCE.name:
            raise NotFound(f"no licence {record_id} in county {code}")
        licence = stored.record
        if verb == "expire" and day <= licence.clocks[VALID].due:
            raise NotAllowed(
                f"licence {licence.facts.get('number')} is valid until "
                f"{licence.clocks[VALID].due}: it expires after that day"
            )
        rules = rules_of(uow, code)
        rec = licence.apply(verb, day, _name(by), rules.clocks, rules.calendar, note, facts)
        uow.supervision.save(stored.id, licence, rec, stored.personal_enc)
        if rec.state in LICENCE.finals:
            _lapse_filings(uow, code, stored.id, rec, day, _name(by))
        uow.commit()
    return RecordView(record_id, rec)


def _lapse_filings(
    uow: UnitOfWork, county: str, record_id: int, licence: Record, day: dt.date, by: str
) -> None:
    """Inside an open unit of work: the filings under `licence` lapse, saying why."""
    others = any(
        s.id != record_id and s.record.state == "valid" and s.record.subject == licence.subject
        for s in uow.supervision.find(county, kind=LICENCE.name)
    )
    rules = rules_of(uow, county)
    why = f"licence {licence.facts.get('number')} {licence.state} on {day.isoformat()}"
    for s in uow.supervision.find(county, kind=OUTLET_FILING.name):
        if lapses_with(licence, s.record, others):
            lapsed = s.record.apply("lapse", day, by, rules.clocks, rules.calendar, why)
            uow.supervision.save(s.id, s.record, lapsed, s.personal_enc)
