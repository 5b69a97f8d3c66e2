"""The regulator's use cases (issue 13): records of any kind, credit and the blacklist,
outlet filings with their clocks. One transaction each; each checks its principal.

Every kind goes through the same two calls — `open_record` and `act` — so a filing, an
inspection and a complaint differ only in their `RecordKind`. Credit events are recorded
ones plus those derived from the data (an outlet unfiled past its due day); a subject's
standing is computed from both with the county's rules, never stored.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from countyexpress.domain.access import Action, Principal, Resource, Where, scope_of
from countyexpress.domain.accounts import AuditEntry
from countyexpress.domain.county_time import COUNTY_ZONE, county_today
from countyexpress.domain.geography import DivisionLevel, county_code6
from countyexpress.domain.identity import validate_resident_id
from countyexpress.domain.privacy import scrub
from countyexpress.domain.supervision.attachments import MAX_PER_RECORD, Attachment, check_upload
from countyexpress.domain.supervision.calendar import add_months
from countyexpress.domain.supervision.clocks import ClockState
from countyexpress.domain.supervision.credit import CreditEvent, Standing, standing
from countyexpress.domain.supervision.filings import (
    OutletFilingClock,
    outlet_filing_clocks,
    unfiled_outlet_events,
)
from countyexpress.domain.supervision.indicators import SupervisionSnapshot
from countyexpress.domain.supervision.kinds import KINDS, OUTLET_FILING
from countyexpress.domain.supervision.ledger_credit import (
    lost_parcel_events,
    prohibited_accepted_events,
)
from countyexpress.domain.supervision.quality import CarrierMonth, ComplaintFact
from countyexpress.domain.supervision.quality import service_quality as service_quality_of
from countyexpress.domain.supervision.records import Record, RecordKind, Subject, SubjectKind
from countyexpress.domain.supervision.rules import SupervisionRules
from countyexpress.errors import N_, Forbidden, InvalidValue, NotAllowed, NotFound, said
from countyexpress.services.accounts import AccountRepository
from countyexpress.services.authz import check, may
from countyexpress.services.ports import Cipher
from countyexpress.services.unit_of_work import UnitOfWork

__all__ = [
    "Directory",
    "Filing",
    "FilingList",
    "History",
    "RecordView",
    "act",
    "all_events",
    "attach",
    "attachment_bytes",
    "attachments",
    "attachments_of",
    "blacklist",
    "credit_labels",
    "credit_of",
    "directory",
    "filing_record",
    "filings",
    "history",
    "load_rules",
    "open_record",
    "record_credit_event",
    "rectify",
    "review_filing",
    "rules_for",
    "rules_of",
    "service_quality",
    "snapshot",
    "submit_filing",
]


DEDICATED = {
    ("inspection", "draw"): "draw the round (inspections.draw_round): the seed decides",
    ("inspection", "record"): "record it with its items and findings (inspections.record)",
    ("complaint", "uphold"): "decide the complaint (complaints.decide): it records credit",
    ("complaint", "dismiss"): "decide the complaint (complaints.decide)",
    ("licence", "expire"): "expire it (licences.expire): its filings lapse",
    ("licence", "cancel"): "cancel it (licences.cancel): its filings lapse",
    ("support_application", "grant"): "decide it (support.decide): the amount is checked",
    ("support_application", "refuse"): "decide it (support.decide) with the reason",
    ("support_request", "grant"): "decide it (support.decide_request)",
    ("support_request", "refuse"): "decide it (support.decide_request) with the reason",
}
"""Verbs with effects beyond the record, which only their own service applies."""

BLACKLISTED_FILING = N_("%(carrier)s is blacklisted since %(since)s (%(reason)s): no new outlets")


@dataclass(frozen=True)
class RecordView:
    """A record with its number, as a service answers it (personal facts not included)."""

    id: int
    record: Record


@dataclass(frozen=True)
class FilingList:
    """The county's outlet filing clocks and its filing records, as of `today`."""

    today: dt.date
    clocks: list[OutletFilingClock]
    records: list[RecordView]

    def overdue(self) -> list[OutletFilingClock]:
        """Outlets unfiled past their due day."""
        return [c for c in self.clocks if c.state(self.today) is ClockState.OVERDUE]


def _name(by: Principal | None) -> str:
    return "local" if by is None else by.name


def _check(by: Principal | None, action: Action, county: str) -> None:
    check(by, action, Resource.SUPERVISION, Where(county))


def rules_of(uow: UnitOfWork, county: str) -> SupervisionRules:
    """Inside an open unit of work: the county's stored rules, or the defaults."""
    return uow.supervision.rules(county)


def rules_for(uow: UnitOfWork, county: str, by: Principal | None = None) -> SupervisionRules:
    """The county's supervision rules, to show or export."""
    code = county_code6(county)
    _check(by, Action.READ, code)
    with uow:
        return rules_of(uow, code)


def load_rules(
    uow: UnitOfWork,
    county: str,
    rules: SupervisionRules,
    source: str,
    by: Principal | None = None,
) -> None:
    """Store the county's supervision rules, replacing those before."""
    code = county_code6(county)
    _check(by, Action.EDIT, code)
    with uow:
        if uow.counties.get(code) is None:
            raise NotFound(f"county {code} is not loaded")
        uow.supervision.save_rules(code, rules, source)
        uow.commit()


def open_record(
    uow: UnitOfWork,
    county: str,
    kind: str,
    subject: str,
    on: dt.date | None = None,
    facts: Mapping[str, str] | None = None,
    note: str = "",
    by: Principal | None = None,
) -> RecordView:
    """A new record of `kind` about `subject`, its opening verb applied."""
    code = county_code6(county)
    _check(by, Action.EDIT, code)
    record_kind = _kind(kind)
    who = Subject.parse(subject)
    with uow:
        rules = rules_of(uow, code)
        rec = Record.open(
            record_kind,
            who,
            on or county_today(),
            _name(by),
            rules.clocks,
            rules.calendar,
            _clean(facts),
            scrub(note),
        )
        number = uow.supervision.add(code, rec, None)
        uow.commit()
    return RecordView(number, rec)


def act(
    uow: UnitOfWork,
    county: str,
    record_id: int,
    verb: str,
    on: dt.date | None = None,
    note: str = "",
    facts: Mapping[str, str] | None = None,
    by: Principal | None = None,
) -> RecordView:
    """Apply `verb` to record `record_id`; NotAllowed when its state does not allow it."""
    code = county_code6(county)
    _check(by, Action.EDIT, code)
    with uow:
        stored = uow.supervision.get(code, record_id)
        if stored is None:
            raise NotFound(f"no record {record_id} in county {code}")
        dedicated = DEDICATED.get((stored.record.kind.name, verb))
        if dedicated is not None:
            raise NotAllowed(f"a {stored.record.kind.name} cannot {verb} here: {dedicated}")
        rules = rules_of(uow, code)
        rec = stored.record.apply(
            verb,
            on or county_today(),
            _name(by),
            rules.clocks,
            rules.calendar,
            scrub(note),
            _clean(facts),
        )
        uow.supervision.save(stored.id, stored.record, rec, stored.personal_enc)
        uow.commit()
    return RecordView(record_id, rec)


def records(
    uow: UnitOfWork,
    county: str,
    kind: str | None = None,
    subject: str | None = None,
    by: Principal | None = None,
) -> list[RecordView]:
    """The county's records, of a kind or about a subject."""
    code = county_code6(county)
    _check(by, Action.READ, code)
    if kind is not None:
        _kind(kind)
    who = str(Subject.parse(subject)) if subject is not None else None
    with uow:
        found = uow.supervision.find(code, kind=kind, subject=who)
    return [RecordView(s.id, s.record) for s in found]


# attachments -------------------------------------------------------------------------------


def attach(
    uow: UnitOfWork,
    cipher: Cipher,
    county: str,
    record_id: int,
    name: str,
    data: bytes,
    by: Principal | None = None,
) -> Attachment:
    """Attach a photo or a PDF to a record (kept encrypted); InvalidValue says why a file is
    refused, NotAllowed when the record has its most already."""
    code = county_code6(county)
    _check_role(by, Action.EDIT)
    upload = check_upload(name, data)
    with uow:
        stored = uow.supervision.get(code, record_id)
        if stored is None:
            raise NotFound("no such record in the county")
        _check_record(by, Action.EDIT, code, stored.record)
        if len(uow.supervision.attachments(code, [record_id])[record_id]) >= MAX_PER_RECORD:
            raise NotAllowed(f"record {record_id} has {MAX_PER_RECORD} attachments already")
        sealed = cipher.encrypt(base64.b64encode(data).decode("ascii"))
        number = uow.supervision.add_attachment(code, record_id, upload, sealed, _name(by))
        found = uow.supervision.attachments(code, [record_id])[record_id]
        uow.commit()
    return next(a for a in found if a.id == number)


def attachments(
    uow: UnitOfWork, county: str, record_id: int, by: Principal | None = None
) -> list[Attachment]:
    """A record's attachments, described (their contents not read)."""
    code = county_code6(county)
    _check_role(by, Action.READ)
    with uow:
        stored = uow.supervision.get(code, record_id)
        if stored is None:
            raise NotFound("no such record in the county")
        _check_record(by, Action.READ, code, stored.record)
        return uow.supervision.attachments(code, [record_id])[record_id]


class AuditedUnitOfWork(UnitOfWork, Protocol):
    """A unit of work that also keeps the audit log of personal reads."""

    @property
    def accounts(self) -> AccountRepository: ...


def attachments_of(
    uow: UnitOfWork, county: str, record_ids: Sequence[int], by: Principal | None = None
) -> dict[int, list[Attachment]]:
    """The attachments of many records of the county, for a regulator's lists."""
    code = county_code6(county)
    _check(by, Action.READ, code)
    with uow:
        return uow.supervision.attachments(code, record_ids)


def attachment_bytes(
    uow: AuditedUnitOfWork,
    cipher: Cipher,
    county: str,
    record_id: int,
    attachment_id: int,
    by: Principal | None = None,
) -> tuple[Attachment, bytes]:
    """An attachment and its content; the read is noted in the audit log (a photo may show
    a person or an ID card). NotFound once the retention has purged it."""
    code = county_code6(county)
    _check_role(by, Action.READ)
    with uow:
        stored = uow.supervision.get(code, record_id)
        if stored is None:
            raise NotFound("no such record in the county")
        _check_record(by, Action.READ, code, stored.record)
        found = [a for a in uow.supervision.attachments(code, [record_id])[record_id]]
        meta = next((a for a in found if a.id == attachment_id), None)
        sealed = uow.supervision.attachment_content(code, record_id, attachment_id)
        if meta is None or not sealed:
            raise NotFound(f"no attachment {attachment_id} of record {record_id}")
        if by is not None:
            uow.accounts.audit(
                AuditEntry(
                    at=dt.datetime.now(dt.UTC),
                    principal_id=by.id,
                    role=by.role.value,
                    action=Action.READ.value,
                    resource=Resource.SUPERVISION.value,
                    county=code,
                    subject=f"record {record_id} attachment {attachment_id}",
                )
            )
            uow.commit()
    return meta, base64.b64decode(cipher.decrypt(sealed))


# credit ------------------------------------------------------------------------------------


def record_credit_event(
    uow: UnitOfWork,
    county: str,
    subject: str,
    event: str,
    on: dt.date | None = None,
    note: str = "",
    ref: str = "",
    by: Principal | None = None,
) -> Standing:
    """Record a credit event against `subject`; its standing afterwards."""
    code = county_code6(county)
    _check(by, Action.EDIT, code)
    who = Subject.parse(subject)
    day = on or county_today()
    if day > county_today() + dt.timedelta(days=1):
        raise InvalidValue("at", f"{day} is in the future: record events that happened")
    with uow:
        rules = rules_of(uow, code)
        rules.credit.event_type(event)
        uow.supervision.add_credit_event(
            code, CreditEvent(who, event, day, scrub(note), ref), _name(by)
        )
        out = _standing(uow, code, rules, who, max(day, county_today()))
        uow.commit()
    return out


def credit_of(
    uow: UnitOfWork,
    county: str,
    subject: str,
    on: dt.date | None = None,
    by: Principal | None = None,
) -> Standing:
    """`subject`'s score, level, counted events and blacklist entries on `on` (today)."""
    code = county_code6(county)
    who = Subject.parse(subject)
    _check_subject(by, Action.READ, code, who)
    with uow:
        return _standing(uow, code, rules_of(uow, code), who, on or county_today())


@dataclass(frozen=True)
class History:
    """A subject's credit on a day, every event it ever had, and the records about it."""

    standing: Standing
    events: list[CreditEvent]
    records: list[RecordView]


def history(
    uow: UnitOfWork,
    county: str,
    subject: str,
    on: dt.date | None = None,
    by: Principal | None = None,
) -> History:
    """Everything supervision knows of a subject, for its page."""
    code = county_code6(county)
    who = Subject.parse(subject)
    _check_subject(by, Action.READ, code, who)
    day = on or county_today()
    with uow:
        rules = rules_of(uow, code)
        events = [e for e in all_events(uow, code, rules, day) if e.subject == who]
        repairs = uow.supervision.repairs(code).get(str(who))
        found = uow.supervision.find(code, subject=str(who))
    return History(
        standing(rules.credit, who, events, day, repairs),
        sorted(events, key=lambda e: e.on, reverse=True),
        [RecordView(s.id, s.record) for s in found],
    )


def blacklist(
    uow: UnitOfWork, county: str, on: dt.date | None = None, by: Principal | None = None
) -> list[Standing]:
    """Every subject of the county with a blacklist entry, active or past, on `on`."""
    code = county_code6(county)
    _check(by, Action.READ, code)
    day = on or county_today()
    with uow:
        rules = rules_of(uow, code)
        events = all_events(uow, code, rules, day)
        repairs = uow.supervision.repairs(code)
    subjects = sorted({e.subject for e in events}, key=str)
    out = [standing(rules.credit, s, events, day, repairs.get(str(s))) for s in subjects]
    return [s for s in out if s.blacklist]


def rectify(
    uow: UnitOfWork,
    county: str,
    subject: str,
    listed_on: dt.date,
    rectified_on: dt.date | None = None,
    note: str = "",
    by: Principal | None = None,
) -> Standing:
    """Accept `subject`'s rectification of the blacklist entry that began on `listed_on`."""
    code = county_code6(county)
    _check(by, Action.EDIT, code)
    who = Subject.parse(subject)
    day = rectified_on or county_today()
    with uow:
        rules = rules_of(uow, code)
        now = _standing(uow, code, rules, who, max(day, county_today()))
        if not any(e.start == listed_on for e in now.blacklist):
            raise NotFound(f"{who} has no blacklist entry that began on {listed_on}")
        if day < listed_on:
            raise InvalidValue("rectified_on", "a rectification comes after the listing")
        uow.supervision.add_repair(code, str(who), listed_on, day, scrub(note), _name(by))
        out = _standing(uow, code, rules, who, max(day, county_today()))
        uow.commit()
    return out


@dataclass(frozen=True)
class Directory:
    """Every subject of a county with its standing, and the names to show."""

    on: dt.date
    standings: list[Standing]
    names: dict[str, str]
    notes: str


def directory(
    uow: UnitOfWork, county: str, on: dt.date | None = None, by: Principal | None = None
) -> Directory:
    """The credit directory: the county's carriers, outlets and stations, and every other
    subject with an event, each with its score, level and blacklist entries on `on`."""
    code = county_code6(county)
    _check(by, Action.EXPORT, code)
    day = on or county_today()
    with uow:
        county_obj = uow.counties.get(code)
        if county_obj is None:
            raise NotFound(f"county {code} is not loaded")
        rules = rules_of(uow, code)
        events = all_events(uow, code, rules, day)
        repairs = uow.supervision.repairs(code)
    names = {str(Subject(SubjectKind.CARRIER, c.code)): c.name for c in county_obj.carriers}
    kinds = {"outlet": SubjectKind.OUTLET, "station": SubjectKind.STATION}
    for f in county_obj.facilities:
        if f.kind.value in kinds:
            names[str(Subject(kinds[f.kind.value], f.code))] = f.name
    subjects = {Subject.parse(k) for k in names} | {e.subject for e in events}
    standings = [
        standing(rules.credit, s, events, day, repairs.get(str(s)))
        for s in sorted(subjects, key=lambda x: (x.kind.value, x.key))
    ]
    return Directory(day, standings, names, rules.notes.get("credit", ""))


def snapshot(uow: UnitOfWork, county: str, today: dt.date | None = None) -> SupervisionSnapshot:
    """What the supervision indicators read (no principal: the caller has checked the read)."""
    code = county_code6(county)
    day = today or county_today()
    with uow:
        county_obj = uow.counties.get(code)
        if county_obj is None:
            raise NotFound(f"county {code} is not loaded")
        rules = rules_of(uow, code)
        found = uow.supervision.find(code)
        recorded = uow.supervision.credit_events(code)
        repairs = uow.supervision.repairs(code)
        recorded += _ledger_events(uow, code)
    recs = {s.id: s.record for s in found}
    clocks = outlet_filing_clocks(county_obj.facilities, recs, rules)
    events = recorded + unfiled_outlet_events(clocks, day)
    subjects = sorted({e.subject for e in events}, key=str)
    standings = [standing(rules.credit, s, events, day, repairs.get(str(s))) for s in subjects]
    return SupervisionSnapshot(day, clocks, list(recs.values()), standings)


def credit_labels(uow: UnitOfWork, county: str) -> dict[str, tuple[str, str]]:
    """The county's credit event types and their labels in its language (Chinese) and in
    English, for a screen to show the reader's."""
    with uow:
        rules = rules_of(uow, county_code6(county))
    return {code: (t.label, t.label_en) for code, t in rules.credit.events.items()}


def service_quality(
    uow: UnitOfWork,
    county: str,
    months: int = 6,
    by_township: bool = False,
    by: Principal | None = None,
) -> list[CarrierMonth]:
    """Each carrier's months (the last `months`, the current one included): on-time rate
    against the pack's limits by destination, losses and damages reported, complaints and
    upheld appeals per million parcels. A carrier reads its own."""
    code = county_code6(county)
    if not 1 <= months <= 36:
        raise InvalidValue("months", "between 1 and 36 months")
    if by is not None and by.carrier is not None:
        check(by, Action.READ, Resource.SUPERVISION, Where(code, carrier=by.carrier))
    else:
        _check(by, Action.READ, code)
    today = county_today()
    first = dt.date(today.year, today.month, 1)
    start = add_months(first, -(months - 1))
    since = dt.datetime(start.year, start.month, 1, tzinfo=COUNTY_ZONE).astimezone(dt.UTC)
    with uow:
        county_obj = uow.counties.get(code)
        if county_obj is None:
            raise NotFound(f"county {code} is not loaded")
        rules = rules_of(uow, code)
        if rules.quality is None:
            raise NotFound(f"county {code}'s supervision rules set no [quality] time limits")
        levels = {
            d.code: "village" if d.level is DivisionLevel.VILLAGE else "county_seat"
            for d in county_obj.divisions
            if d.level in (DivisionLevel.VILLAGE, DivisionLevel.COMMUNITY)
        }
        trips = uow.supervision.quality_trips(code, since, levels)
        found = uow.supervision.find(code, kind="complaint")
    complaints = [
        ComplaintFact(
            s.record.subject.key,
            s.record.trail[0].on.strftime("%Y-%m"),
            s.record.facts.get("type", ""),
            s.record.state == "upheld",
        )
        for s in found
        if s.record.subject.kind is SubjectKind.CARRIER and s.record.trail[0].on >= start
    ]
    rows = service_quality_of(trips, complaints, rules.quality, dt.datetime.now(dt.UTC),
                              by_township)  # fmt: skip
    if by is not None and by.carrier is not None:
        rows = [r for r in rows if r.carrier == by.carrier]
    return rows


# outlet filings ----------------------------------------------------------------------------


def submit_filing(
    uow: UnitOfWork,
    cipher: Cipher,
    county: str,
    carrier: str,
    outlet: str,
    name: str,
    community: str,
    opened: dt.date,
    outlet_type: str = "self_run",
    services: str = "",
    manager_name: str = "",
    manager_id: str = "",
    on: dt.date | None = None,
    by: Principal | None = None,
    licence: str = "",
) -> RecordView:
    """A carrier files an outlet (快递末端网点备案), under its licence's number if given.
    Refused when the carrier's county operation is blacklisted, or the community is not
    one of the county's divisions."""
    code = county_code6(county)
    _check_subject(by, Action.EDIT, code, Subject(SubjectKind.CARRIER, carrier))
    filing = Filing(carrier, outlet, name, community, opened, outlet_type, services,
                    manager_name, manager_id, on or county_today(), licence)  # fmt: skip
    with uow:
        rec, personal = filing_record(uow, code, filing, _name(by))
        sealed = cipher.encrypt(json.dumps(personal, ensure_ascii=False)) if personal else None
        number = uow.supervision.add(code, rec, sealed)
        uow.commit()
    return RecordView(number, rec)


@dataclass(frozen=True)
class Filing:
    """What an outlet filing says (a form, an API body or a row of a workbook)."""

    carrier: str
    outlet: str
    name: str
    community: str
    opened: dt.date
    outlet_type: str = "self_run"
    services: str = ""
    manager_name: str = ""
    manager_id: str = ""
    on: dt.date | None = None
    licence: str = ""
    """The number of the licence (company or branch) it is filed under, if given."""


def filing_record(
    uow: UnitOfWork, county: str, f: Filing, by: str
) -> tuple[Record, dict[str, str]]:
    """Inside an open unit of work: the filing's record and its personal facts, checked
    against the county (its carriers, divisions, the blacklist); nothing is stored."""
    day = f.on or county_today()
    if f.opened > day:
        raise InvalidValue("opened", f"an outlet opening on {f.opened} cannot be filed on {day}")
    if f.outlet_type not in ("self_run", "shared", "cooperative"):
        raise InvalidValue("type", "the type is self_run, shared or cooperative")
    if not f.name.strip():
        raise InvalidValue("name", "the outlet needs a name")
    Subject(SubjectKind.OUTLET, f.outlet)  # a well-formed code
    personal: dict[str, str] = {}
    if f.manager_id:
        problem = validate_resident_id(f.manager_id, day)
        if problem:
            raise InvalidValue("manager_id", problem)
        personal["manager_id"] = f.manager_id.strip().upper()
    if f.manager_name:
        personal["manager_name"] = " ".join(f.manager_name.split())
    county_obj = uow.counties.get(county)
    if county_obj is None:
        raise NotFound(f"county {county} is not loaded")
    if f.carrier not in {c.code for c in county_obj.carriers}:
        raise InvalidValue("carrier", f"{f.carrier!r} is not a carrier of county {county}")
    if f.community not in {d.code for d in county_obj.divisions}:
        raise InvalidValue("community", f"{f.community!r} is not a division of county {county}")
    rules = rules_of(uow, county)
    listed = _standing(uow, county, rules, Subject(SubjectKind.CARRIER, f.carrier), day)
    if listed.blacklisted:
        entry = next(e for e in listed.blacklist if e.active(day))
        raise said(
            NotAllowed,
            BLACKLISTED_FILING,
            carrier=f.carrier,
            since=entry.start.isoformat(),
            reason=entry.reason,
        )
    facts = {
        "carrier": f.carrier,
        "name": " ".join(f.name.split()),
        "community": f.community,
        "opened": f.opened.isoformat(),
        "type": f.outlet_type,
        "services": scrub(f.services),
    }
    if f.licence.strip():
        facts["licence"] = f.licence.strip()
    rec = Record.open(
        OUTLET_FILING,
        Subject(SubjectKind.OUTLET, f.outlet),
        day,
        by,
        rules.clocks,
        rules.calendar,
        facts,
    )
    return rec, personal


def review_filing(
    uow: UnitOfWork,
    county: str,
    record_id: int,
    decision: str,
    missing: tuple[str, ...] = (),
    on: dt.date | None = None,
    by: Principal | None = None,
) -> RecordView:
    """The regulator's decision on a filing: accept, or incomplete with what is missing."""
    verbs = {"accept": "accept", "incomplete": "notify_incomplete", "refuse": "refuse"}
    if decision not in verbs:
        raise InvalidValue("decision", "the decision is accept, incomplete or refuse")
    if decision == "incomplete" and not missing:
        raise InvalidValue("missing", "an incomplete filing's notice lists what is missing")
    facts = {"missing": ", ".join(missing)} if missing else None
    note = f"missing: {', '.join(missing)}" if missing else ""
    return act(uow, county, record_id, verbs[decision], on, note, facts, by)


def filings(
    uow: UnitOfWork, county: str, today: dt.date | None = None, by: Principal | None = None
) -> FilingList:
    """Every outlet's filing clock and every filing record, as of `today`."""
    code = county_code6(county)
    _check(by, Action.READ, code)
    day = today or county_today()
    with uow:
        county_obj = uow.counties.get(code)
        if county_obj is None:
            raise NotFound(f"county {code} is not loaded")
        rules = rules_of(uow, code)
        found = uow.supervision.find(code, kind=OUTLET_FILING.name)
    recs = {s.id: s.record for s in found}
    clocks = outlet_filing_clocks(county_obj.facilities, recs, rules)
    return FilingList(day, clocks, [RecordView(n, r) for n, r in recs.items()])


# helpers -----------------------------------------------------------------------------------


def _kind(kind: str) -> RecordKind:
    try:
        return KINDS[kind]
    except KeyError:
        known = ", ".join(sorted(KINDS))
        raise InvalidValue("kind", f"{kind!r} is not a record kind ({known})") from None


def _clean(facts: Mapping[str, str] | None) -> dict[str, str]:
    """Facts as kept: text scrubbed of phone and ID numbers."""
    return {str(k): scrub(str(v)) for k, v in (facts or {}).items()}


def _check_record(by: Principal | None, action: Action, county: str, record: Record) -> None:
    """A carrier reaches the records about it and the filings it made. Called after the
    look-up: a caller who may not see the record is told it does not exist (no oracle)."""
    if by is None:
        return
    carrier = (
        record.facts.get("carrier") if record.subject.kind is not SubjectKind.CARRIER else None
    )
    if carrier is None and record.subject.kind is SubjectKind.CARRIER:
        carrier = record.subject.key
    if not may(by, action, Resource.SUPERVISION, Where(county, carrier=carrier)):
        raise NotFound("no such record in the county")


def _check_role(by: Principal | None, action: Action) -> None:
    """Before any look-up: a role that never reaches supervision records is refused."""
    if by is not None and scope_of(by, action, Resource.SUPERVISION) is None:
        raise Forbidden(f"a {by.role.value} may not {action.value} supervision records")


def _check_subject(by: Principal | None, action: Action, county: str, who: Subject) -> None:
    carrier = who.key if who.kind is SubjectKind.CARRIER else None
    check(by, action, Resource.SUPERVISION, Where(county, carrier=carrier))


def all_events(
    uow: UnitOfWork, county: str, rules: SupervisionRules, day: dt.date
) -> list[CreditEvent]:
    """Inside an open unit of work: the county's recorded credit events and those derived
    from its data on `day` (outlets unfiled past their due day)."""
    recorded = uow.supervision.credit_events(county)
    county_obj = uow.counties.get(county)
    if county_obj is None:
        return recorded
    found = uow.supervision.find(county, kind=OUTLET_FILING.name)
    clocks = outlet_filing_clocks(county_obj.facilities, {s.id: s.record for s in found}, rules)
    return recorded + unfiled_outlet_events(clocks, day) + _ledger_events(uow, county)


def _ledger_events(uow: UnitOfWork, county: str) -> list[CreditEvent]:
    """Inside an open unit of work: credit events derived from the ledger (parcels reported
    lost or damaged, prohibited items found in parcels taken in; see
    domain.supervision.ledger_credit)."""
    county_obj = uow.counties.get(county)
    kinds = {"outlet": SubjectKind.OUTLET, "station": SubjectKind.STATION}
    facilities = {
        f.code: kinds[f.kind.value]
        for f in (county_obj.facilities if county_obj else ())
        if f.kind.value in kinds
    }
    found = uow.supervision.prohibited_found(county)
    return lost_parcel_events(uow.supervision.loss_reports(county)) + prohibited_accepted_events(
        found, facilities
    )


def _standing(
    uow: UnitOfWork, county: str, rules: SupervisionRules, who: Subject, day: dt.date
) -> Standing:
    events = [e for e in all_events(uow, county, rules, day) if e.subject == who]
    repairs = uow.supervision.repairs(county).get(str(who))
    return standing(rules.credit, who, events, day, repairs)
