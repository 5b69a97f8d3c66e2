"""Outbound intake (农产品进城): real-name intake and inspection, screening, departure.

Each use case is one transaction. Parcel state is never written here: every step is a
scan event appended through `services.scans.append_events`, which derives the state
again. The sender's ID number and name are stored encrypted with a keyed hash for
look-ups; answers carry only their masks, and scan payloads carry no personal data.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from countyexpress.domain.access import Action, Principal, Resource, Where, reaches, require
from countyexpress.domain.county import County
from countyexpress.domain.facilities import Facility, FacilityKind
from countyexpress.domain.geography import county_code6
from countyexpress.domain.identity import SenderIdentity, validate_id
from countyexpress.domain.inspection import Inspection, decide
from countyexpress.domain.lifecycle import ParcelSummary
from countyexpress.domain.operations import ScreeningPlace
from countyexpress.domain.packaging import ParcelPackaging, TakenIn
from countyexpress.domain.privacy import mask_id_number, mask_name
from countyexpress.domain.scans import ScanEvent, ScanKind, normalise_waybill
from countyexpress.domain.screening import (
    SECURITY_MARK,
    Leg,
    can_depart,
    leg_of,
    required_place,
    screen_refusal,
)
from countyexpress.domain.waybills import Candidate, WaybillPattern, rank_carriers, shape
from countyexpress.errors import Forbidden, InvalidValue, NotFound
from countyexpress.services.batch import Batch, each
from countyexpress.services.ports import Cipher
from countyexpress.services.scans import append_events, new_event
from countyexpress.services.unit_of_work import UnitOfWork

__all__ = [
    "INTAKE_KINDS",
    "Confirmation",
    "Departure",
    "IntakeReceipt",
    "Movement",
    "Refused",
    "Screening",
    "TakeIn",
    "confirm_carrier",
    "depart_outbound",
    "depart_outbound_many",
    "detect_carrier",
    "screen",
    "screen_many",
    "take_in",
    "take_in_many",
]

INTAKE_KINDS = frozenset({FacilityKind.STATION, FacilityKind.OUTLET, FacilityKind.CARRIER_OFFICE})
"""Where a sender hands a parcel in: village stations, outlets and carriers' offices."""

STEP = dt.timedelta(microseconds=1)
"""Events of one action are 1 µs apart so their order survives replay by device time."""

MAX_VEHICLE_CHARS = 40


class Refused(InvalidValue):
    """An intake, screening or departure the safety rules refuse; `field` names what to fix."""


@dataclass(frozen=True)
class IntakeReceipt:
    """A parcel taken in: who sent it (masked), what it holds, where it will be screened."""

    county_code: str
    waybill_no: str
    carrier: str
    facility: str
    id_type: str
    id_number_masked: str
    sender_name_masked: str
    category: str
    screening: ScreeningPlace
    status: ParcelSummary


@dataclass(frozen=True)
class Movement:
    """A screening or a departure recorded, with the parcel's derived state after it."""

    county_code: str
    waybill_no: str
    carrier: str
    kind: ScanKind
    facility: str
    security_mark: bool
    note: str
    status: ParcelSummary


@dataclass(frozen=True)
class Confirmation:
    """A carrier confirmed for a number's shape, its count, and the ranking it makes now."""

    county_code: str
    shape: str
    carrier: str
    count: int
    pattern_fits: bool
    candidates: list[Candidate]


@dataclass(frozen=True)
class TakeIn:
    """One parcel a sender hands in (see `take_in`); `at` None: now."""

    facility: str
    carrier: str
    waybill_no: str
    identity: SenderIdentity
    inspection: Inspection
    at: dt.datetime | None = None
    packaging: ParcelPackaging | None = None  # what the desk saw of it (task 17)


@dataclass(frozen=True)
class Screening:
    """One outbound parcel through the X-ray (see `screen`); `at` None: now."""

    facility: str
    waybill_no: str
    at: dt.datetime | None = None


@dataclass(frozen=True)
class Departure:
    """One outbound parcel leaving a facility (see `depart_outbound`); `at` None: now."""

    facility: str
    waybill_no: str
    vehicle: str
    at: dt.datetime | None = None
    to: str | None = None


Statuses = Mapping[str, ParcelSummary]


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _waybills(raw: Iterable[str]) -> list[str]:
    """The well-formed waybills among `raw`, normalised (a bad one is refused by its item)."""
    out = []
    for w in raw:
        try:
            out.append(normalise_waybill(w))
        except InvalidValue:
            continue
    return out


def _county(uow: UnitOfWork, code: str) -> County:
    county = uow.counties.get(county_code6(code))
    if county is None:
        raise NotFound(f"county {code} is not loaded")
    return county


def _facility(county: County, code: str) -> Facility:
    facility = next((f for f in county.facilities if f.code == code.strip()), None)
    if facility is None:
        raise Refused("facility", f"facility {code!r} is not in county {county.code}")
    return facility


def _may_scan(by: Principal | None, county: str, facility: str, carrier: str) -> None:
    """Forbidden unless `by` may scan parcels here (None: the trusted local caller)."""
    if by is not None:
        require(by, Action.SCAN, Resource.PARCEL, Where(county, station=facility, carrier=carrier))


def _reach(by: Principal | None, county: str) -> None:
    """Forbidden, before the county is looked up, when `by` acts in no such county."""
    if by is not None and not reaches(by, county):
        raise Forbidden(f"a {by.role.value} of county {by.county} acts only there")


def _outbound(
    records: Mapping[str, dict[str, Any]],
    county: County,
    waybill: str,
    by: Principal | None,
    facility: str,
) -> dict[str, Any]:
    """The intake record of `waybill`, for `by` scanning it at `facility`: Forbidden when
    `by` could not scan here even a parcel of its own carrier (decided before the look-up);
    the refusal of a parcel never taken in when it is another carrier's (issue 11, defect
    11: the same answer whether the parcel exists or not)."""
    _may_scan(by, county.code, facility, by.carrier if by and by.carrier else "")
    record = records.get(waybill)
    if record is None or (by is not None and by.carrier and record["carrier"] != by.carrier):
        raise Refused(
            "waybill_no",
            f"no outbound intake of {waybill} is recorded in {county.code}: take it in first",
        )
    return record


def take_in(
    uow: UnitOfWork,
    cipher: Cipher,
    county: str,
    facility: str,
    carrier: str,
    waybill_no: str,
    identity: SenderIdentity,
    inspection: Inspection,
    actor: str = "",
    at: dt.datetime | None = None,
    by: Principal | None = None,
    packaging: ParcelPackaging | None = None,
) -> IntakeReceipt:
    """收寄: take a sender's parcel in after the real-name check and inspection.

    Refused (with the field and reason) when the ID does not pass its check on the day
    of intake, the sender refuses inspection, the contents are prohibited, the facility
    is not a station, outlet or carrier office of the county, the carrier is unknown, or
    the waybill is already in use.
    """
    parcel = TakeIn(facility, carrier, waybill_no, identity, inspection, at, packaging)
    return take_in_many(uow, cipher, county, [parcel], actor, by=by).one()


def take_in_many(
    uow: UnitOfWork,
    cipher: Cipher,
    county: str,
    parcels: Sequence[TakeIn],
    actor: str = "",
    by: Principal | None = None,
) -> Batch[IntakeReceipt]:
    """收寄 of several parcels in one transaction, each by the rules of `take_in`; a parcel
    refused is reported with the error `take_in` raises for it (see `services.batch`)."""
    now = _now()
    with uow:
        c = _county(uow, county)
        known = uow.counties.carrier_codes(c.code)
        waybills = _waybills(p.waybill_no for p in parcels)
        taken = set(uow.intake.get_many(c.code, waybills))
        packed: list[TakenIn] = []
        history = uow.ledger.events_of(c.code, waybills)
        rows: list[dict[str, Any]] = []
        events: list[ScanEvent] = []

        def take(p: TakeIn) -> Callable[[Statuses], IntakeReceipt]:
            at = p.at or now
            waybill = normalise_waybill(p.waybill_no)
            code = p.carrier.strip().lower()
            identity, inspection = p.identity, p.inspection
            decision = decide(inspection, validate_id(identity.id_type, identity.number, at.date()))
            if not decision.accepted:
                raise Refused(decision.field, decision.reason)
            f = _facility(c, p.facility)
            _may_scan(by, c.code, f.code, code)
            if f.kind not in INTAKE_KINDS:
                raise Refused(
                    "facility",
                    f"{f.code} is a {f.kind}: parcels are taken in at village stations, "
                    "outlets and carriers' county-town offices",
                )
            if known and code not in known:
                raise Refused(
                    "carrier", f"unknown carrier {code!r}: one of {', '.join(sorted(known))}"
                )
            if f.kind is FacilityKind.CARRIER_OFFICE and f.carriers and code not in f.carriers:
                raise Refused(
                    "carrier", f"{f.code} is the office of {', '.join(f.carriers)}: not of {code}"
                )
            if waybill in taken:
                raise Refused("waybill_no", f"{waybill} has already been taken in")
            if history.get(waybill):
                raise Refused("waybill_no", f"{waybill} already has scans: use a new waybill")
            place = required_place(c.operations.screening, code)
            taken.add(waybill)
            if p.packaging is not None:
                packed.append((waybill, code, f.code, at, p.packaging))
            rows.append({
                "county_code": c.code, "waybill_no": waybill, "carrier": code,
                "facility": f.code, "id_type": identity.id_type.value,
                "id_number_enc": cipher.encrypt(identity.number),
                "id_number_hash": cipher.digest(identity.number),
                "sender_name_enc": cipher.encrypt(identity.name),
                "sender_name_masked": mask_name(identity.name),
                "category": inspection.category.value, "description": inspection.description,
                "inspected_by": inspection.inspected_by, "screening_place": place.facility,
                "security_mark": False, "created_at": _now(),
            })  # fmt: skip
            events.extend([
                new_event(waybill, code, ScanKind.COLLECT, f.code, at, actor,
                       id_type=identity.id_type.value),
                new_event(waybill, code, ScanKind.INSPECT, f.code, at + STEP,
                       inspection.inspected_by, category=inspection.category.value),
            ])  # fmt: skip
            receipt: dict[str, Any] = {
                "county_code": c.code,
                "waybill_no": waybill,
                "carrier": code,
                "facility": f.code,
                "id_type": identity.id_type.value,
                "id_number_masked": mask_id_number(identity.number),
                "sender_name_masked": mask_name(identity.name),
                "category": inspection.category.value,
                "screening": place,
            }
            return lambda statuses: IntakeReceipt(**receipt, status=statuses[waybill])

        batch = each(((p.waybill_no, p) for p in parcels), take)
        uow.intake.add_many(rows)
        uow.packaging.record(c.code, packed)
        statuses = {s.waybill_no: s for s in append_events(uow, c.code, events, _now())}
        uow.commit()
    return batch.map(lambda make: make(statuses))


def screen(
    uow: UnitOfWork,
    county: str,
    facility: str,
    waybill_no: str,
    actor: str = "",
    at: dt.datetime | None = None,
    by: Principal | None = None,
) -> Movement:
    """过机安检: X-ray screen an outbound parcel and set its security mark — only at the
    place the county's screening rules name for its carrier, and only once."""
    return screen_many(uow, county, [Screening(facility, waybill_no, at)], actor, by=by).one()


def screen_many(
    uow: UnitOfWork,
    county: str,
    scans: Sequence[Screening],
    actor: str = "",
    by: Principal | None = None,
) -> Batch[Movement]:
    """过机安检 of several parcels in one transaction, each by the rules of `screen`; a
    parcel refused is reported with the error `screen` raises for it."""
    _reach(by, county)
    now = _now()
    with uow:
        c = _county(uow, county)
        waybills = _waybills(s.waybill_no for s in scans)
        records = uow.intake.get_many(c.code, waybills)
        history = uow.ledger.events_of(c.code, waybills)
        events: list[ScanEvent] = []
        marked: list[str] = []

        def one(s: Screening) -> Callable[[Statuses], Movement]:
            at = s.at or now
            waybill = normalise_waybill(s.waybill_no)
            f = _facility(c, s.facility)
            record = _outbound(records, c, waybill, by, f.code)
            carrier = record["carrier"]
            _may_scan(by, c.code, f.code, carrier)
            past = history.setdefault(waybill, [])
            reason = screen_refusal(c.operations.screening, carrier, f.code, f.kind, past)
            if reason:
                raise Refused("facility", reason)
            event = new_event(waybill, carrier, ScanKind.SCREEN, f.code, at, actor,
                           **{SECURITY_MARK: True})  # fmt: skip
            past.append(event)
            events.append(event)
            marked.append(waybill)
            return lambda statuses: Movement(
                c.code, waybill, carrier, ScanKind.SCREEN, f.code, True,
                "screened; outbound security mark set", statuses[waybill],
            )  # fmt: skip

        batch = each(((s.waybill_no, s) for s in scans), one)
        statuses = {s.waybill_no: s for s in append_events(uow, c.code, events, _now())}
        uow.intake.set_security_marks(c.code, marked)
        uow.commit()
    return batch.map(lambda make: make(statuses))


def depart_outbound(
    uow: UnitOfWork,
    county: str,
    facility: str,
    waybill_no: str,
    vehicle: str,
    actor: str = "",
    at: dt.datetime | None = None,
    to: str | None = None,
    by: Principal | None = None,
) -> Movement:
    """发出: an outbound parcel leaves `facility` on `vehicle`, if screening allows it.

    From a station or outlet it goes to the centre; from the centre or a carrier office
    it leaves the county (a bypass carrier's parcel must be screened at its office
    first) unless `to` names another facility of the county; from the prefecture sorting
    centre it moves on only once screened there.
    """
    departure = Departure(facility, waybill_no, vehicle, at, to)
    return depart_outbound_many(uow, county, [departure], actor, by=by).one()


def depart_outbound_many(
    uow: UnitOfWork,
    county: str,
    departures: Sequence[Departure],
    actor: str = "",
    by: Principal | None = None,
) -> Batch[Movement]:
    """发出 of several outbound parcels in one transaction, in the order given, each by the
    rules of `depart_outbound`; a parcel refused is reported with the error
    `depart_outbound` raises for it."""
    _reach(by, county)
    now = _now()
    with uow:
        c = _county(uow, county)
        waybills = _waybills(d.waybill_no for d in departures)
        records = uow.intake.get_many(c.code, waybills)
        history = uow.ledger.events_of(c.code, waybills)
        events: list[ScanEvent] = []

        def one(d: Departure) -> Callable[[Statuses], Movement]:
            at = d.at or now
            waybill = normalise_waybill(d.waybill_no)
            van = d.vehicle.strip()
            if not 1 <= len(van) <= MAX_VEHICLE_CHARS:
                raise InvalidValue(
                    "vehicle", f"give the vehicle, 1 to {MAX_VEHICLE_CHARS} characters"
                )
            f = _facility(c, d.facility)
            dest = _facility(c, d.to) if d.to else None
            record = _outbound(records, c, waybill, by, f.code)
            leg = leg_of(f.kind, dest.kind if dest else None)
            carrier = record["carrier"]
            _may_scan(by, c.code, f.code, carrier)
            past = history.setdefault(waybill, [])
            ok, reason = can_depart(past, c.operations.screening, leg, carrier, at)
            if not ok:
                raise Refused("facility", f"{waybill} may not leave {f.code} yet: {reason}")
            payload: dict[str, Any] = {"vehicle": van, "leg": leg.value}
            if dest:
                payload["to"] = dest.code
            event = new_event(waybill, carrier, ScanKind.DEPART, f.code, at, actor, **payload)
            past.append(event)
            events.append(event)
            mark = bool(record["security_mark"])
            note = reason if leg is not Leg.LOCAL else f"to {dest.code if dest else 'the centre'}"
            return lambda statuses: Movement(
                c.code, waybill, carrier, ScanKind.DEPART, f.code, mark, note, statuses[waybill]
            )

        batch = each(((d.waybill_no, d) for d in departures), one)
        statuses = {s.waybill_no: s for s in append_events(uow, c.code, events, _now())}
        uow.commit()
    return batch.map(lambda make: make(statuses))


def _county_or_none(uow: UnitOfWork, county: str | None) -> str | None:
    if county:
        return _county(uow, county).code
    codes = uow.counties.codes()
    if len(codes) > 1:
        raise InvalidValue("county", "several counties are loaded: give the county")
    return codes[0] if codes else None


def detect_carrier(
    uow: UnitOfWork, county: str | None, number: str, patterns: Sequence[WaybillPattern]
) -> list[Candidate]:
    """The carriers `number` may belong to, ranked with the county's past confirmations.

    Without a county, the only loaded county is used; with none loaded, the priors alone.
    """
    with uow:
        code = _county_or_none(uow, county)
        counts = uow.intake.confirmations(code, shape(number)) if code else {}
    return rank_carriers(number, patterns, counts)


def confirm_carrier(
    uow: UnitOfWork,
    county: str | None,
    number: str,
    carrier: str,
    patterns: Sequence[WaybillPattern],
    at: dt.datetime | None = None,
) -> Confirmation:
    """The person scanning confirms the carrier of `number`: counted for its shape.

    A carrier whose pattern does not fit the number is still counted (the patterns may be
    what is wrong), but the ranking lists only carriers whose pattern fits.
    """
    waybill = normalise_waybill(number)
    code_ = carrier.strip().lower()
    with uow:
        code = _county_or_none(uow, county)
        if code is None:
            raise NotFound("no county is loaded: load one first (countyexpress county load)")
        known = uow.counties.carrier_codes(code)
        if known and code_ not in known:
            raise Refused(
                "carrier", f"unknown carrier {code_!r}: one of {', '.join(sorted(known))}"
            )
        key = shape(waybill)
        count = uow.intake.confirm(code, key, code_, at or _now())
        counts = uow.intake.confirmations(code, key)
        uow.commit()
    fits = any(p.carrier == code_ and p.matches(waybill) for p in patterns)
    return Confirmation(code, key, code_, count, fits, rank_carriers(waybill, patterns, counts))
