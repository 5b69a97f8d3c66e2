"""Complaints and appeals (快递暂行条例 art. 28; 快递市场管理办法 art. 30), on the one record
mechanism: the company answers within the pack's `complaint.answer` days (7); a complaint not
settled becomes an appeal the regulator mediates and upholds or dismisses. An upheld appeal
counts against the subject's credit (`complaint_upheld`), and an upheld delivery without
consent (art. 28) or false sign-off also as its own event type.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from countyexpress.domain.access import Action, Principal, Resource, Where
from countyexpress.domain.county_time import county_today
from countyexpress.domain.geography import county_code6
from countyexpress.domain.privacy import mask_phone, mobile_number, scrub
from countyexpress.domain.scans import normalise_waybill
from countyexpress.domain.supervision.credit import CreditEvent
from countyexpress.domain.supervision.kinds import COMPLAINT, COMPLAINT_TYPES
from countyexpress.domain.supervision.records import Record, Subject, SubjectKind
from countyexpress.errors import InvalidValue, NotFound
from countyexpress.services.authz import check
from countyexpress.services.ports import Cipher
from countyexpress.services.supervision import RecordView, rules_of
from countyexpress.services.unit_of_work import UnitOfWork

__all__ = ["UPHELD_EVENT", "Complaint", "add", "complaint_record", "decide"]

UPHELD_EVENT = "complaint_upheld"
OWN_EVENT = {"unconsented_delivery": "unconsented_delivery", "false_signoff": "false_signoff"}
"""Complaint types whose upheld appeal is also an event of its own type."""
_SUBJECTS = (SubjectKind.CARRIER, SubjectKind.OUTLET, SubjectKind.STATION, SubjectKind.LOCKER)


def _name(by: Principal | None) -> str:
    return "local" if by is None else by.name


def add(
    uow: UnitOfWork,
    cipher: Cipher,
    county: str,
    subject: str,
    complaint_type: str,
    about: str,
    waybill: str = "",
    contact_phone: str = "",
    on: dt.date | None = None,
    by: Principal | None = None,
) -> RecordView:
    """A receiver's complaint against a carrier or an outlet, station or locker; the
    contact phone is kept encrypted, the text scrubbed of phone and ID numbers."""
    code = county_code6(county)
    check(by, Action.EDIT, Resource.SUPERVISION, Where(code))
    complaint = Complaint(subject, complaint_type, about, waybill, contact_phone, on)
    with uow:
        rec, personal = complaint_record(uow, code, complaint, _name(by))
        sealed = cipher.encrypt(json.dumps(personal)) if personal else None
        number = uow.supervision.add(code, rec, sealed)
        uow.commit()
    return RecordView(number, rec)


@dataclass(frozen=True)
class Complaint:
    """What a complaint says (a form, an API body or a row of a workbook)."""

    subject: str
    complaint_type: str
    about: str
    waybill: str = ""
    contact_phone: str = ""
    on: dt.date | None = None


def complaint_record(
    uow: UnitOfWork, county: str, c: Complaint, by: str
) -> tuple[Record, dict[str, str]]:
    """Inside an open unit of work: the complaint's record and its personal facts, checked;
    nothing is stored."""
    who = Subject.parse(c.subject)
    if who.kind not in _SUBJECTS:
        raise InvalidValue("subject", "a complaint is against a carrier, outlet, station or locker")
    if c.complaint_type not in COMPLAINT_TYPES:
        known = ", ".join(COMPLAINT_TYPES)
        raise InvalidValue("type", f"{c.complaint_type!r} is not one of: {known}")
    if not c.about.strip():
        raise InvalidValue("about", "say what the complaint is about")
    day = c.on or county_today()
    if day > county_today():
        raise InvalidValue("on", f"{day} is in the future")
    facts = {"type": c.complaint_type, "about": scrub(" ".join(c.about.split()))}
    if c.waybill:
        facts["waybill"] = normalise_waybill(c.waybill)
    personal: dict[str, str] = {}
    if c.contact_phone:
        mobile = mobile_number(c.contact_phone)
        personal["contact_phone"] = mobile
        facts["contact"] = mask_phone(mobile)
    if uow.counties.get(county) is None:
        raise NotFound(f"county {county} is not loaded")
    rules = rules_of(uow, county)
    rec = Record.open(COMPLAINT, who, day, by, rules.clocks, rules.calendar, facts)
    return rec, personal


def decide(
    uow: UnitOfWork,
    county: str,
    complaint_id: int,
    verb: str,
    note: str = "",
    on: dt.date | None = None,
    by: Principal | None = None,
) -> RecordView:
    """Move a complaint on: answer, close, appeal, uphold or dismiss. Upholding records the
    credit events."""
    code = county_code6(county)
    check(by, Action.EDIT, Resource.SUPERVISION, Where(code))
    if verb not in {t.verb for t in COMPLAINT.transitions}:
        verbs = ", ".join(t.verb for t in COMPLAINT.transitions)
        raise InvalidValue("verb", f"{verb!r} is not one of: {verbs}")
    day = on or county_today()
    with uow:
        stored = uow.supervision.get(code, complaint_id)
        if stored is None or stored.record.kind.name != "complaint":
            raise NotFound(f"no complaint {complaint_id} in county {code}")
        rules = rules_of(uow, code)
        rec = stored.record.apply(verb, day, _name(by), rules.clocks, rules.calendar, scrub(note))
        uow.supervision.save(stored.id, stored.record, rec, stored.personal_enc)
        if verb == "uphold":
            ref = f"complaint:{complaint_id}"
            types = [UPHELD_EVENT]
            own = OWN_EVENT.get(rec.facts.get("type", ""))
            if own is not None:
                types.append(own)
            for t in types:
                rules.credit.event_type(t)
                event = CreditEvent(rec.subject, t, day, rec.facts.get("about", ""), ref)
                uow.supervision.add_credit_event(code, event, _name(by))
        uow.commit()
    return RecordView(complaint_id, rec)
