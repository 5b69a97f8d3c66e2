"""Policy support and staff support requests (issue 14 item 6 and item 2; plan tasks 8, 10,
18 and 20), on the supervision records.

A carrier applies for one of the county's programmes (the pack's `policy.toml`); the
application is checked against the programme's rules with what the registries say (its
licence and credit, the facility or vehicle it names) and refused whole, with every reason,
when it is not eligible. The regulator decides it within the pack's `support.decide`:
granted with an amount the rules allow (checked again on the day of the decision), or
refused with the reason. A courier's request for housing, schooling or medical aid is a
`support_request` about `person:<staff no>`, its details kept encrypted.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping

from countyexpress.adapters.packs.policy import policy_for
from countyexpress.domain.access import Action, Principal, Resource, Where
from countyexpress.domain.county_time import county_today
from countyexpress.domain.geography import county_code6
from countyexpress.domain.privacy import scrub
from countyexpress.domain.staff import subject_of
from countyexpress.domain.supervision.kinds import (
    LICENCE,
    SUPPORT_APPLICATION,
    SUPPORT_REQUEST,
    SUPPORT_REQUEST_TYPES,
)
from countyexpress.domain.supervision.records import Record, Subject, SubjectKind
from countyexpress.domain.supervision.support import (
    Application,
    Eligibility,
    Facts,
    PolicyRules,
    check,
    check_grant,
)
from countyexpress.domain.support_indicators import SupportSnapshot
from countyexpress.errors import N_, InvalidValue, NotAllowed, NotFound, Said, said
from countyexpress.services import counties
from countyexpress.services.authz import check as check_access
from countyexpress.services.ports import Cipher
from countyexpress.services.supervision import (
    RecordView,
    _check,
    _check_subject,
    _name,
    _standing,
    rules_of,
)
from countyexpress.services.unit_of_work import UnitOfWork

__all__ = [
    "NOT_ELIGIBLE",
    "application_record",
    "applications",
    "apply",
    "decide",
    "decide_request",
    "programmes",
    "request",
    "request_record",
    "requests",
    "snapshot",
]

NOT_ELIGIBLE = N_("not eligible for %(programme)s: %(reasons)s")
_ENDED = ("refused", "withdrawn")
MAX_REASON = 500


def programmes(uow: UnitOfWork, county: str) -> PolicyRules:
    """The county's support programmes: its pack's `policy.toml` as stored at load (a
    county without one runs none)."""
    code = county_code6(county)
    with uow:
        return _policy(uow, code)


def _policy(uow: UnitOfWork, code: str) -> PolicyRules:
    """Inside an open unit of work: the county's programmes (see `programmes`)."""
    return policy_for(code, counties.pack_document(uow, code, "policy"))


def _facts(
    uow: UnitOfWork,
    county: str,
    carrier: str,
    a: Application,
    day: dt.date,
    rules: PolicyRules,
    own: int | None = None,
) -> Facts:
    """Inside an open unit of work: what the registries say of the applicant and what the
    application names, on `day`."""
    county_obj = uow.counties.get(county)
    if county_obj is None:
        raise NotFound(f"county {county} is not loaded")
    who = Subject(SubjectKind.CARRIER, carrier)
    licensed = any(
        s.record.state == "valid" for s in uow.supervision.find(county, LICENCE.name, str(who))
    )
    standing = _standing(uow, county, rules_of(uow, county), who, day)
    found: dict[str, object] = {}
    if a.facility:
        divisions = {d.code for d in county_obj.divisions}
        f = next((f for f in county_obj.facilities if f.code == a.facility), None)
        if f is not None:
            found |= {
                "facility_kind": f.kind.value,
                "facility_in_county": f.division_code in divisions,
                "facility_serves_applicant": carrier in f.carriers or f.operator == carrier,
            }
    if a.vehicle:
        v = next((v for v in uow.vehicles.fleet(county) if a.vehicle in (v.unified_no, v.plate)),
                 None)  # fmt: skip
        if v is not None:
            found |= {"vehicle_registered": True, "vehicle_new_energy": v.new_energy,
                      "vehicle_owned": v.owner == carrier}  # fmt: skip
    key = ("vehicle", a.vehicle) if a.vehicle else ("facility", a.facility)
    earlier = None
    if key[1]:
        for s in uow.supervision.find(county, SUPPORT_APPLICATION.name):
            r = s.record
            if (s.id != own and r.state not in _ENDED and r.facts.get("programme") == a.programme
                    and r.facts.get(key[0]) == key[1]):  # fmt: skip
                earlier = s.id
                break
    return Facts(
        carrier_of_county=carrier in {c.code for c in county_obj.carriers},
        licensed=licensed,
        blacklisted=standing.blacklisted,
        earlier=earlier,
        **found,  # type: ignore[arg-type]
    )


def _refuse(e: Eligibility) -> NotAllowed:
    return said(NotAllowed, NOT_ELIGIBLE, programme=e.programme.code,
                reasons=Said.joined(e.reasons))  # fmt: skip


def application_record(
    uow: UnitOfWork,
    county: str,
    carrier: str,
    a: Application,
    by: str,
    on: dt.date | None = None,
    rules: PolicyRules | None = None,
) -> tuple[Record, Eligibility]:
    """Inside an open unit of work: the application's record and its check; NotAllowed
    with every reason when it is not eligible (nothing is stored)."""
    day = on or county_today()
    if day > county_today():
        raise InvalidValue("on", f"an application made on {day} is in the future")
    policy = rules or _policy(uow, county)
    e = check(policy, a, _facts(uow, county, carrier, a, day, policy))
    if not e.eligible:
        raise _refuse(e)
    facts = {"programme": a.programme, "task": str(e.programme.task), "amount": str(a.amount),
             "ceiling": str(e.ceiling)}  # fmt: skip
    if a.investment is not None:
        facts["investment"] = str(a.investment)
    if a.facility:
        facts["facility"] = a.facility
    if a.vehicle:
        facts["vehicle"] = a.vehicle
    sup = rules_of(uow, county)
    rec = Record.open(SUPPORT_APPLICATION, Subject(SubjectKind.CARRIER, carrier), day, by,
                      sup.clocks, sup.calendar, facts, "; ".join(e.passed))  # fmt: skip
    return rec, e


def apply(
    uow: UnitOfWork,
    county: str,
    carrier: str,
    a: Application,
    on: dt.date | None = None,
    by: Principal | None = None,
) -> tuple[RecordView, Eligibility]:
    """A carrier applies for a programme (a carrier's key for itself only): the record and
    its check; NotAllowed with the reasons when it is not eligible."""
    code = county_code6(county)
    _check_subject(by, Action.EDIT, code, Subject(SubjectKind.CARRIER, carrier))
    with uow:
        rec, e = application_record(uow, code, carrier, a, _name(by), on)
        number = uow.supervision.add(code, rec, None)
        uow.commit()
    return RecordView(number, rec), e


def _int(facts: Mapping[str, str], name: str) -> int | None:
    value = facts.get(name)
    return int(value) if value else None


def decide(
    uow: UnitOfWork,
    county: str,
    record_id: int,
    grant: int | None = None,
    refuse: str = "",
    on: dt.date | None = None,
    by: Principal | None = None,
) -> RecordView:
    """The regulator's decision: grant an amount (within the programme's rules, checked
    again on the day), or refuse with the reason."""
    code = county_code6(county)
    _check(by, Action.EDIT, code)
    if (grant is None) == (not refuse.strip()):
        raise InvalidValue("decision", "either grant an amount or refuse with the reason")
    reason = scrub(refuse.strip())[:MAX_REASON]
    day = on or county_today()
    with uow:
        stored = uow.supervision.get(code, record_id)
        if stored is None or stored.record.kind is not SUPPORT_APPLICATION:
            raise NotFound(f"no support application {record_id} in county {code}")
        rec = stored.record
        sup = rules_of(uow, code)
        if grant is not None:
            f = dict(rec.facts)
            a = Application(f.get("programme", ""), int(f.get("amount", "0") or 0),
                            _int(f, "investment"), f.get("facility", ""),
                            f.get("vehicle", ""))  # fmt: skip
            policy = _policy(uow, code)
            e = check(policy, a, _facts(uow, code, rec.subject.key, a, day, policy, record_id))
            check_grant(e, a.amount, grant)
            done = rec.apply("grant", day, _name(by), sup.clocks, sup.calendar,
                             f"granted {grant} 元", {"granted": str(grant)})  # fmt: skip
        else:
            done = rec.apply("refuse", day, _name(by), sup.clocks, sup.calendar, reason,
                             {"reason": reason})  # fmt: skip
        uow.supervision.save(stored.id, rec, done, stored.personal_enc)
        uow.commit()
    return RecordView(record_id, done)


def applications(uow: UnitOfWork, county: str, by: Principal | None = None) -> list[RecordView]:
    """The county's support applications; a carrier's key sees its own."""
    code = county_code6(county)
    mine = by.carrier if by is not None else None
    check_access(by, Action.READ, Resource.SUPERVISION, Where(code, carrier=mine))
    with uow:
        found = uow.supervision.find(code, kind=SUPPORT_APPLICATION.name)
    return [RecordView(s.id, s.record) for s in found
            if mine is None or s.record.subject.key == mine]  # fmt: skip


# staff support requests (task 20) ----------------------------------------------------------


def request_record(
    uow: UnitOfWork,
    county: str,
    staff_no: str,
    request_type: str,
    details: str,
    by: str,
    on: dt.date | None = None,
) -> tuple[Record, dict[str, str]]:
    """Inside an open unit of work: a request's record (about `person:<staff no>`) and its
    personal facts (the details, to encrypt); checked against the staff registry."""
    day = on or county_today()
    if day > county_today():
        raise InvalidValue("on", f"a request received on {day} is in the future")
    if request_type not in SUPPORT_REQUEST_TYPES:
        raise InvalidValue(
            "type", f"{request_type!r} is not one of {', '.join(SUPPORT_REQUEST_TYPES)}"
        )
    member = uow.staff.get(county, staff_no.strip())
    if member is None:
        raise NotFound(f"staff number {staff_no} is not registered in county {county}")
    sup = rules_of(uow, county)
    rec = Record.open(SUPPORT_REQUEST, Subject.parse(subject_of(member.staff_no)), day, by,
                      sup.clocks, sup.calendar,
                      {"type": request_type, "employer": member.employer})  # fmt: skip
    text = " ".join(details.split())[:MAX_REASON]
    return rec, ({"details": text} if text else {})


def request(
    uow: UnitOfWork,
    cipher: Cipher,
    county: str,
    staff_no: str,
    request_type: str,
    details: str = "",
    on: dt.date | None = None,
    by: Principal | None = None,
) -> RecordView:
    """Receive a courier's request for housing, schooling or medical aid; the details are
    kept encrypted (they may tell of a person's health or family)."""
    code = county_code6(county)
    _check(by, Action.EDIT, code)
    with uow:
        rec, personal = request_record(uow, code, staff_no, request_type, details, _name(by), on)
        sealed = cipher.encrypt(json.dumps(personal, ensure_ascii=False)) if personal else None
        number = uow.supervision.add(code, rec, sealed)
        uow.commit()
    return RecordView(number, rec)


def decide_request(
    uow: UnitOfWork,
    county: str,
    record_id: int,
    granted: bool,
    note: str = "",
    on: dt.date | None = None,
    by: Principal | None = None,
) -> RecordView:
    """The department's decision on a request: granted (with what, in the note), or
    refused with the reason."""
    code = county_code6(county)
    _check(by, Action.EDIT, code)
    text = scrub(" ".join(note.split()))[:MAX_REASON]
    if not granted and not text:
        raise InvalidValue("reason", "a refusal gives its reason")
    with uow:
        stored = uow.supervision.get(code, record_id)
        if stored is None or stored.record.kind is not SUPPORT_REQUEST:
            raise NotFound(f"no support request {record_id} in county {code}")
        sup = rules_of(uow, code)
        verb = "grant" if granted else "refuse"
        facts = {} if granted else {"reason": text}
        done = stored.record.apply(verb, on or county_today(), _name(by), sup.clocks,
                                   sup.calendar, text, facts)  # fmt: skip
        uow.supervision.save(stored.id, stored.record, done, stored.personal_enc)
        uow.commit()
    return RecordView(record_id, done)


def requests(uow: UnitOfWork, county: str, by: Principal | None = None) -> list[RecordView]:
    """The county's staff support requests (type and decision; the details stay sealed)."""
    code = county_code6(county)
    _check(by, Action.READ, code)
    with uow:
        found = uow.supervision.find(code, kind=SUPPORT_REQUEST.name)
    return [RecordView(s.id, s.record) for s in found]


def snapshot(uow: UnitOfWork, county_code: str, today: dt.date, year: int) -> SupportSnapshot:
    """What the support indicators read for `year` (no principal: the caller has checked)."""
    code = county_code6(county_code)
    with uow:
        found = [
            s.record
            for kind in (SUPPORT_APPLICATION.name, SUPPORT_REQUEST.name)
            for s in uow.supervision.find(code, kind=kind)
        ]
    return SupportSnapshot(today, year, found)
