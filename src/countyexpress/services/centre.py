"""The co-delivery centre (共配中心): manifests, inbound, sorting to route bags, dispatch, fees."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, Protocol

from countyexpress.adapters.packs.rows import read_table, uploaded_table
from countyexpress.domain.access import Action, Principal, Resource, Where
from countyexpress.domain.addresses import AddressBook, Resolution
from countyexpress.domain.county import County
from countyexpress.domain.county_time import county_today
from countyexpress.domain.delivery import DeliveryChoice, decide_delivery, pickup_point
from countyexpress.domain.desk_rules import Desk
from countyexpress.domain.facilities import FacilityKind
from countyexpress.domain.geography import county_code6
from countyexpress.domain.lockers import Size
from countyexpress.domain.manifests import ManifestItem, Receiver
from countyexpress.domain.periods import month_bounds
from countyexpress.domain.privacy import (
    mask_address,
    mask_name,
    mask_phone,
    mobile_number,
    phone_digits,
    phone_tail,
)
from countyexpress.domain.scans import ScanEvent, ScanKind, normalise_waybill
from countyexpress.domain.sms import checked_language
from countyexpress.domain.statements import Statement, StatementLine
from countyexpress.domain.vehicles import RegisteredVehicle
from countyexpress.domain.waybills import WaybillPattern
from countyexpress.errors import N_, InvalidValue, NotFound, PackInvalid, PackProblem, said
from countyexpress.memo import WeakMemo
from countyexpress.services.authz import check
from countyexpress.services.ports import Cipher
from countyexpress.services.routes import RouteStore
from countyexpress.services.scans import Rejection, append_events, new_event
from countyexpress.services.staff import check_run
from countyexpress.services.station_desk import desk_refusals, refused_again
from countyexpress.services.unit_of_work import UnitOfWork

MANIFEST_FIELDS = ("waybill_no", "receiver_name", "receiver_phone", "address")


@dataclass
class ManifestResult:
    """What a manifest upload did; with any rejection nothing is stored."""

    accepted: int = 0
    duplicates: int = 0
    unresolved: int = 0
    flagged_for_door: int = 0
    rejected: list[Rejection] = field(default_factory=list)
    fields: dict[int, tuple[str, str]] = field(default_factory=dict)  # line: (field, reason)


def item_from_record(
    record: Mapping[str, Any], carrier: str, synthetic: bool = False
) -> ManifestItem:
    """A ManifestItem from a row or JSON object; InvalidValue names the field at fault."""
    for name in MANIFEST_FIELDS:
        if str(record.get(name) or "").strip() == "":
            raise InvalidValue(name, f"{name} is missing")
    row_carrier = str(record.get("carrier") or carrier).lower()
    if row_carrier != carrier:
        raise InvalidValue("carrier", f"carrier {row_carrier!r} is not {carrier!r}")
    weight = record.get("weight_kg")
    try:
        weight_kg = None if weight in (None, "") else float(weight)
    except (TypeError, ValueError):
        raise InvalidValue("weight_kg", f"weight_kg {weight!r} is not a number") from None
    try:
        size = Size(str(record.get("size") or "S").upper())
    except ValueError:
        raise InvalidValue("size", f"size {record.get('size')!r} is not S, M or L") from None
    cold = str(record.get("cold") or "").strip().lower() in {"1", "true", "yes", "是"}
    return ManifestItem(
        waybill_no=normalise_waybill(str(record["waybill_no"])),
        carrier=carrier,
        receiver=Receiver(
            str(record["receiver_name"]),
            str(record["receiver_phone"]),
            str(record["address"]),
            synthetic=synthetic,
        ),
        weight_kg=weight_kg,
        size=size,
        cold=cold,
    )


def _targets(
    county: County, division_code: str | None, carrier: str
) -> tuple[str | None, str | None]:
    """The pickup point (village station, or the carrier's or a shared outlet in a town
    community) and the open locker serving a division, if any."""
    if division_code is None:
        return None, None
    point = pickup_point(county.facilities, division_code, carrier)
    locker = next(
        (
            f.code
            for f in county.facilities_of(FacilityKind.LOCKER)
            if f.division_code == division_code and f.is_operating
        ),
        None,
    )
    return (point.code if point else None), locker


def add_manifest(
    uow: UnitOfWork,
    cipher: Cipher,
    county_code: str,
    carrier: str,
    records: Sequence[tuple[int, Mapping[str, Any]]],
    manifest_id: str = "",
    now: dt.datetime | None = None,
    by: Principal | None = None,
    synthetic: bool = False,
) -> ManifestResult:
    """Take a carrier's manifest all or nothing: every row checked, addresses resolved,
    delivery decided by the receiver's consent; any bad row and nothing is stored.

    Receivers' phones must be mainland mobiles (domain.privacy.mobile_number); `synthetic`
    (the simulation only, never an entry point) also takes its "100" numbers."""
    check(by, Action.SCAN, Resource.PARCEL, Where(county_code, carrier=carrier))
    now = now or dt.datetime.now(dt.UTC)
    result = ManifestResult()
    manifest_id = manifest_id or f"{carrier}-{now:%Y%m%d%H%M%S}-{uuid.uuid4().hex[:6]}"
    with uow:
        county = uow.counties.get(county_code)
        if county is None:
            raise NotFound(f"county {county_code} is not loaded")
        if county.carriers and carrier not in {c.code for c in county.carriers}:
            raise InvalidValue("carrier", f"unknown carrier {carrier!r}")
        items: list[tuple[int, ManifestItem]] = []
        seen: set[str] = set()
        for line, record in records:
            try:
                item = item_from_record(record, carrier, synthetic)
            except InvalidValue as exc:
                result.rejected.append(Rejection(line, str(exc)))
                result.fields[line] = (exc.field, exc.reason)
                continue
            if item.waybill_no in seen:
                twice = f"waybill {item.waybill_no} twice in the manifest"
                result.rejected.append(Rejection(line, twice))
                result.fields[line] = ("waybill_no", twice)
                continue
            seen.add(item.waybill_no)
            items.append((line, item))
        if result.rejected:
            return result
        known = uow.ops.known_waybills(county.code, [i.waybill_no for _, i in items])
        fresh = [i for _, i in items if i.waybill_no not in known]
        result.duplicates = len(items) - len(fresh)
        digits = {i.waybill_no: phone_digits(i.receiver.phone) for i in fresh}
        hashes = {w: cipher.digest(d) for w, d in digits.items()}
        consents = uow.ops.consents_for(county.code, list(hashes.values()))
        places = _places(county)
        rows = [
            _manifest_row(
                county,
                cipher,
                places,
                i,
                manifest_id,
                now,
                digits[i.waybill_no],
                hashes[i.waybill_no],
                consents.get(hashes[i.waybill_no]),
            )
            for i in fresh
        ]
        result.accepted = len(rows)
        result.unresolved = sum(r["division_code"] is None for r in rows)
        result.flagged_for_door = sum(bool(r["delivery_flagged"]) for r in rows)
        uow.ops.add_manifest_items(rows)
        uow.commit()
    return result


def import_manifest_file(
    uow: UnitOfWork,
    cipher: Cipher,
    county_code: str,
    carrier: str,
    path: Path,
    by: Principal | None = None,
    now: dt.datetime | None = None,
) -> ManifestResult:
    """A carrier's manifest file (CSV in UTF-8 or XLSX, columns `MANIFEST_FIELDS` and
    optionally weight_kg, size, cold) taken all or nothing (`add_manifest`, the file's name
    as the manifest id); PackInvalid naming each refused row by file, line and field."""
    check(by, Action.SCAN, Resource.PARCEL, Where(county_code, carrier=carrier))
    problems: list[PackProblem] = []
    records = [(row.line, row.cells) for row in read_table(path, MANIFEST_FIELDS, problems)]
    if problems:
        raise PackInvalid(problems)
    result = add_manifest(
        uow, cipher, county_code, carrier, records, manifest_id=path.name, now=now, by=by
    )
    if result.rejected:
        raise PackInvalid(
            [
                PackProblem(path.name, r.line, *result.fields.get(r.line, (None, r.reason)))
                for r in result.rejected
            ]
        )
    return result


def import_manifest_upload(
    uow: UnitOfWork,
    cipher: Cipher,
    county_code: str,
    carrier: str,
    name: str,
    data: bytes,
    by: Principal | None = None,
) -> ManifestResult:
    """An uploaded manifest (its file name and bytes) taken as `import_manifest_file`
    does; refused whole (PackInvalid) when it is not a .csv or .xlsx or is too large."""
    with uploaded_table(name or "manifest.csv", data, "a manifest") as path:
        return import_manifest_file(uow, cipher, county_code, carrier, path, by=by)


class _Places:
    """A county's addresses and the pickup point and locker of each division (and carrier),
    each worked out once for a county as read (a County is never changed in place: a
    changed county is another object). Receivers' addresses repeat from day to day; at
    most `MEMO` of them are remembered."""

    MEMO = 100_000

    def __init__(self, county: County) -> None:
        self.county = county
        self.book = AddressBook(county.divisions)
        self._targets: dict[tuple[str | None, str], tuple[str | None, str | None]] = {}
        self._resolved: dict[str, tuple[Resolution, str]] = {}
        self._fees: dict[tuple[str, float | None], str] = {}

    def resolve(self, address: str) -> Resolution:
        return self.address(address)[0]

    def address(self, address: str) -> tuple[Resolution, str]:
        """The address resolved, and masked (`mask_address`)."""
        found = self._resolved.get(address)
        if found is None:
            if len(self._resolved) >= self.MEMO:
                self._resolved.clear()
            found = self._resolved[address] = (self.book.resolve(address), mask_address(address))
        return found

    def fee(self, carrier: str, weight_kg: float | None) -> str:
        """The county's fee for a parcel, as stored (text)."""
        key = (carrier, weight_kg)
        found = self._fees.get(key)
        if found is None:
            if len(self._fees) >= self.MEMO:
                self._fees.clear()
            found = self._fees[key] = str(self.county.operations.tariff.fee(carrier, weight_kg))
        return found

    def targets(self, division_code: str | None, carrier: str) -> tuple[str | None, str | None]:
        key = (division_code, carrier)
        found = self._targets.get(key)
        if found is None:
            found = self._targets[key] = _targets(self.county, division_code, carrier)
        return found


_places: WeakMemo[County, _Places] = WeakMemo(_Places)
"""The places of a county object, made on first use (kept while it is)."""


def _manifest_row(
    county: County,
    cipher: Cipher,
    places: _Places,
    item: ManifestItem,
    manifest_id: str,
    now: dt.datetime,
    phone: str,  # its digits (phone_digits), worked out once
    phone_hash: str,
    consent: DeliveryChoice | None,
) -> dict[str, Any]:
    r = item.receiver
    resolution, address_masked = places.address(r.address)
    station, locker = places.targets(resolution.division_code, item.carrier)
    decision = decide_delivery(consent, station is not None, locker is not None)
    target = {DeliveryChoice.STATION: station, DeliveryChoice.LOCKER: locker}.get(decision.mode)
    return {
        "county_code": county.code,
        "waybill_no": item.waybill_no,
        "carrier": item.carrier,
        "manifest_id": manifest_id,
        "receiver_name_enc": cipher.encrypt(r.name),
        "receiver_name_masked": mask_name(r.name),
        "receiver_phone_enc": cipher.encrypt(phone),
        "receiver_phone_hash": phone_hash,
        "receiver_phone_masked": mask_phone(phone),
        "phone_tail_hash": cipher.digest(phone_tail(phone)),
        "address_enc": cipher.encrypt(r.address),
        "address_masked": address_masked,
        "division_code": resolution.division_code,
        "township_code": resolution.township_code,
        "resolution": resolution.reason,
        "delivery_mode": decision.mode.value,
        "delivery_flagged": decision.flagged_for_door,
        "delivery_reason": decision.reason,
        "target_facility": target,
        "route_bag": None,
        "vehicle": None,
        "weight_kg": item.weight_kg,
        "size": item.size.value,
        "cold": item.cold,
        "fee": places.fee(item.carrier, item.weight_kg),
        "received_at": now,
    }


def record_consent(
    uow: UnitOfWork,
    cipher: Cipher,
    county_code: str,
    phone: str,
    choice: DeliveryChoice,
    source: str = "receiver",
    now: dt.datetime | None = None,
    by: Principal | None = None,
    language: str | None = None,
) -> None:
    """Record a receiver's choice of door, station or locker (latest choice wins), and the
    language of the SMS they are sent when they name one (zh_CN, ug, en; kept till changed)."""
    record_consents(uow, cipher, county_code, [(phone, choice)], source, now, by=by,
                    language=language)  # fmt: skip


def record_consents(
    uow: UnitOfWork,
    cipher: Cipher,
    county_code: str,
    choices: Sequence[tuple[str, DeliveryChoice]],
    source: str = "receiver",
    now: dt.datetime | None = None,
    by: Principal | None = None,
    synthetic: bool = False,
    language: str | None = None,
) -> None:
    """Record receivers' choices in one transaction (phones kept only as keyed hashes), and
    with `language` the language of their SMS (kept until changed; none: Chinese).

    Each phone must be a mainland mobile (InvalidValue "phone" otherwise; `synthetic`, for
    the simulation only, also takes its "100" numbers); a language other than zh_CN, ug, en
    is refused naming "language"."""
    check(by, Action.SCAN, Resource.PARCEL, Where(county_code))
    language = checked_language(language)
    now = now or dt.datetime.now(dt.UTC)
    digits = [(mobile_number(phone, synthetic=synthetic), choice) for phone, choice in choices]
    with uow:
        hashed = [(cipher.digest(phone), choice) for phone, choice in digits]
        uow.ops.set_consents(county_code, hashed, now, source)
        if language is not None:
            for phone_hash, _ in hashed:
                uow.ops.set_language(county_code, phone_hash, language)
        uow.commit()


@dataclass(frozen=True)
class SortResult:
    """Where a parcel was sorted to, or why it waits: `outcome` is "sorted" (to its route
    bag), "outbound" (taken in at one of the county's stations: it leaves on the carrier's
    line haul, not a village bag) or "queued" (the manual queue); `refused` when the desk
    refused the scan (the parcel is past the centre: dispatched, shelved, handed over) and
    recorded nothing."""

    waybill_no: str
    route_bag: str | None
    reason: str
    outcome: str = "sorted"
    refused: bool = False
    msgid: str = ""  # the reason's message id when it is translatable (`errors.said`)
    params: Mapping[str, object] = field(default_factory=dict)

    def reason_in(self, gettext: Callable[[str], str]) -> str:
        """The reason in the reader's language (its English text when not translatable)."""
        return gettext(self.msgid) % dict(self.params) if self.msgid else self.reason


def _said(waybill: str, msgid: str, outcome: str, **params: object) -> SortResult:
    """A result whose reason is `msgid % params`, translatable on screen."""
    return SortResult(waybill, None, msgid % params, outcome, False, msgid, params)


WAYBILL_EMPTY = N_("invalid waybill number: nothing was scanned")
WAYBILL_MALFORMED = N_("invalid waybill number %(waybill)s: it must be 6 to 32 letters or digits")
WAYBILL_NO_CARRIER = N_("invalid waybill number %(waybill)s: it fits no carrier's number format")
NOT_ON_MANIFEST = "not on any manifest"
QUEUED_AGAIN = N_("not on any manifest: already in the manual queue")
QUEUED = N_("not on any manifest: manual queue")
NOT_RESOLVED = N_("address not resolved (%(resolution)s)")
OUTBOUND = N_("outbound parcel taken in at %(place)s: it leaves on the %(carrier)s line haul")


def scanned_waybill(number: str) -> str:
    """A scanned waybill number, normalised; InvalidValue "invalid waybill number" with the
    reason (in the county's language through `errors.said`) when it cannot be one."""
    if not number.strip():
        raise said(InvalidValue, WAYBILL_EMPTY, "waybill_no")
    try:
        return normalise_waybill(number)
    except InvalidValue:
        raise said(InvalidValue, WAYBILL_MALFORMED, "waybill_no", waybill=number.strip()) from None


def centre_inbound(
    uow: UnitOfWork,
    county_code: str,
    waybill_no: str,
    centre: str,
    actor: str = "",
    at: dt.datetime | None = None,
    by: Principal | None = None,
    patterns: Sequence[WaybillPattern] = (),
) -> SortResult:
    """到件 then 分拣 of one parcel (see `centre_inbound_many`); NotAllowed, with the reason
    in the reader's language, when the parcel is past the centre."""
    result = centre_inbound_many(
        uow, county_code, [(waybill_no, at)], centre, actor, by=by, patterns=patterns
    )[0]
    if result.refused:
        raise refused_again(uow, county_code, Desk.CENTRE, centre, result.waybill_no, result.reason)
    return result


_SORTING_COLUMNS = ("carrier", "division_code", "resolution", "target_facility", "delivery_reason")


def centre_inbound_many(
    uow: UnitOfWork,
    county_code: str,
    scans: Sequence[tuple[str, dt.datetime | None]],
    centre: str,
    actor: str = "",
    by: Principal | None = None,
    patterns: Sequence[WaybillPattern] = (),
) -> list[SortResult]:
    """到件 then 分拣: match each parcel to its manifest and sort it to the route bag of its
    village (its station, locker, or a door bag); one transaction for the batch.

    A parcel on no manifest is looked up in the ledger: one taken in at a station of the
    county (揽收) is outbound — scanned in (到件) for the carrier's line haul, not queued.
    Otherwise it is scanned in and flagged as an exception: the manual queue lists it
    once (a second scan adds nothing) until its manifest comes and it is scanned again.
    An address that did not resolve queues it too. A number that cannot be a waybill
    (empty, malformed, or — for a parcel nobody announced — fitting none of `patterns`,
    the carriers' formats) is refused as InvalidValue, nothing recorded."""
    check(by, Action.SCAN, Resource.PARCEL, Where(county_code, station=centre))
    now = dt.datetime.now(dt.UTC)
    parsed = [(scanned_waybill(w), at or now) for w, at in scans]
    results: list[SortResult] = []
    with uow:
        items = uow.ops.manifest_items_for(county_code, [w for w, _ in parsed], _SORTING_COLUMNS)
        later = desk_refusals(uow, county_code, Desk.CENTRE, centre, [w for w, _ in parsed])
        unknown = [w for w, _ in parsed if w not in items]
        known = uow.ledger.events_of(county_code, unknown) if unknown else {}
        for w in unknown:
            if not known.get(w) and patterns and not any(p.matches(w) for p in patterns):
                raise said(InvalidValue, WAYBILL_NO_CARRIER, "waybill_no", waybill=w)
        events: list[ScanEvent] = []
        bags: list[tuple[str, dict[str, Any]]] = []
        for waybill, at in parsed:
            if waybill in later:  # dispatched, shelved, handed over: not pulled back here
                results.append(SortResult(waybill, None, str(later[waybill]), refused=True))
                continue
            item = items.get(waybill)
            history = known.get(waybill) or []
            carrier = item["carrier"] if item else (history[-1].carrier if history else "unknown")
            after = at + dt.timedelta(microseconds=1)  # events of one action keep their order
            if item is None and _queued_here(history, centre):
                results.append(_said(waybill, QUEUED_AGAIN, "queued"))
                continue
            events.append(new_event(waybill, carrier, ScanKind.ARRIVE, centre, at, actor))
            taken_in = next((e for e in history if e.kind is ScanKind.COLLECT), None)
            if item is None and taken_in is not None:
                place = taken_in.facility
                results.append(_said(waybill, OUTBOUND, "outbound", place=place, carrier=carrier))
            elif item is None:
                events.append(
                    new_event(
                        waybill,
                        carrier,
                        ScanKind.EXCEPTION,
                        centre,
                        after,
                        actor,
                        reason=NOT_ON_MANIFEST,
                    )
                )
                results.append(_said(waybill, QUEUED, "queued"))
            elif item["division_code"] is None:
                events.append(
                    new_event(
                        waybill,
                        carrier,
                        ScanKind.EXCEPTION,
                        centre,
                        after,
                        actor,
                        reason="address not resolved",
                    )
                )
                resolution = item["resolution"]
                results.append(_said(waybill, NOT_RESOLVED, "queued", resolution=resolution))
            else:
                bag = item["target_facility"] or f"DOOR-{item['division_code']}"
                events.append(
                    new_event(waybill, carrier, ScanKind.SORT, centre, after, actor, route_bag=bag)
                )
                bags.append((waybill, {"route_bag": bag}))
                results.append(SortResult(waybill, bag, item["delivery_reason"]))
        uow.ops.set_manifest_values(county_code, bags)
        append_events(uow, county_code, events, now)
        uow.commit()
    return results


def _queued_here(history: Sequence[ScanEvent], centre: str) -> bool:
    """Whether the parcel's last event is the centre's "not on any manifest" exception."""
    last = history[-1] if history else None
    return (
        last is not None
        and last.kind is ScanKind.EXCEPTION
        and last.facility == centre
        and last.payload.get("reason") == NOT_ON_MANIFEST
    )


def mark_priority(
    uow: UnitOfWork,
    county_code: str,
    waybills: Sequence[str],
    priority: bool = True,
    by: Principal | None = None,
) -> list[str]:
    """Mark parcels as emergency supplies (应急物资) — their route stop is served first on the
    day's routes — or clear the mark; all or nothing. The normalised waybills."""
    check(by, Action.SCAN, Resource.PARCEL, Where(county_code))
    numbers = [normalise_waybill(w) for w in waybills]
    with uow:
        items = uow.ops.manifest_items_for(county_code, numbers, ("carrier",))
        for waybill in numbers:
            if waybill not in items:
                raise NotFound(f"waybill {waybill} is not on a manifest of county {county_code}")
        uow.ops.set_manifest_values(county_code, [(w, {"priority": priority}) for w in numbers])
        uow.commit()
    return numbers


def resolve_manually(
    uow: UnitOfWork,
    county_code: str,
    waybill_no: str,
    division_code: str,
    by: Principal | None = None,
) -> None:
    """A person resolves a queued address to a village or community."""
    resolve_manually_many(uow, county_code, [(waybill_no, division_code)], by=by)


def resolve_manually_many(
    uow: UnitOfWork,
    county_code: str,
    resolutions: Sequence[tuple[str, str]],
    by: Principal | None = None,
) -> None:
    """Resolve queued addresses by hand, (waybill, division code) each, in one transaction;
    the delivery decision is taken again for the place now known."""
    check(by, Action.SCAN, Resource.PARCEL, Where(county_code))
    pairs = [(normalise_waybill(w), d) for w, d in resolutions]
    with uow:
        county = uow.counties.get(county_code)
        if county is None:
            raise NotFound(f"county {county_code} is not loaded")
        items = uow.ops.manifest_items_for(
            county_code, [w for w, _ in pairs], ("receiver_phone_hash", "carrier")
        )
        consents = uow.ops.consents_for(
            county_code, [i["receiver_phone_hash"] for i in items.values()]
        )
        updates: list[tuple[str, dict[str, Any]]] = []
        for waybill, division_code in pairs:
            item = items.get(waybill)
            if item is None:
                raise NotFound(f"waybill {waybill} is not on a manifest of county {county_code}")
            division = county.division(division_code)
            if division is None:
                raise InvalidValue("division_code", f"unknown division {division_code!r}")
            station, locker = _targets(county, division.code, item["carrier"])
            decision = decide_delivery(
                consents.get(item["receiver_phone_hash"]), station is not None, locker is not None
            )
            target = {DeliveryChoice.STATION: station, DeliveryChoice.LOCKER: locker}.get(
                decision.mode
            )
            updates.append(
                (
                    waybill,
                    {
                        "division_code": division.code,
                        "township_code": division.parent_code,
                        "resolution": "resolved by hand",
                        "delivery_mode": decision.mode.value,
                        "delivery_flagged": decision.flagged_for_door,
                        "delivery_reason": decision.reason,
                        "target_facility": target,
                    },
                )
            )
        uow.ops.set_manifest_values(county_code, updates)
        uow.commit()


def dispatch(
    uow: UnitOfWork,
    county_code: str,
    route_bag: str,
    vehicle: str,
    centre: str,
    actor: str = "",
    at: dt.datetime | None = None,
    by: Principal | None = None,
    driver: str | None = None,
) -> list[str]:
    """派件: every sorted parcel of a route bag leaves on a vehicle; returns their waybills.
    Refused (NotAllowed) when the vehicle's courier or the `driver` named may not be put on
    a run (services.staff.check_run: no pre-job training, blacklisted)."""
    sent = dispatch_many(
        uow, county_code, [(route_bag, vehicle)], centre, actor, at, by=by, driver=driver
    )
    return sent[route_bag]


def dispatch_many(
    uow: UnitOfWork,
    county_code: str,
    bags: Sequence[tuple[str, str]],
    centre: str,
    actor: str = "",
    at: dt.datetime | None = None,
    by: Principal | None = None,
    driver: str | None = None,
) -> dict[str, list[str]]:
    """派件 of several route bags at once, each (route bag, vehicle) in one transaction:
    every sorted parcel of each bag leaves on its vehicle; the waybills by bag. Nothing
    leaves when a vehicle's courier or the `driver` may not be put on a run (the gate)."""
    check(by, Action.SCAN, Resource.PARCEL, Where(county_code, station=centre))
    for vehicle in dict.fromkeys(v for _, v in bags):
        check_run(uow, county_code, vehicle, driver)
    at = at or dt.datetime.now(dt.UTC)
    sent: dict[str, list[str]] = {}
    with uow:
        events: list[ScanEvent] = []
        updates: list[tuple[str, dict[str, Any]]] = []
        waiting = uow.ops.undispatched_at(county_code, [b for b, _ in bags])  # one read
        for route_bag, vehicle in bags:
            if route_bag in sent:
                continue  # named twice: the first dispatch took its parcels
            items = waiting[route_bag]
            sent[route_bag] = [i["waybill_no"] for i in items]
            updates += [(i["waybill_no"], {"vehicle": vehicle}) for i in items]
            events += [
                new_event(
                    i["waybill_no"],
                    i["carrier"],
                    ScanKind.DEPART,
                    centre,
                    at,
                    actor,
                    vehicle=vehicle,
                    route_bag=route_bag,
                )
                for i in items
            ]
        uow.ops.set_manifest_values(county_code, updates)
        append_events(uow, county_code, events, dt.datetime.now(dt.UTC))
        uow.commit()
    return sent


NOT_REGISTERED = N_(
    "vehicle %(vehicle)s is not in the county's vehicle registry: choose a registered vehicle"
)
NOTHING_SORTED = N_(
    "nothing to dispatch on %(vehicle)s: no sorted parcel waits in the bags of its run"
)


def registered_vehicle(uow: UnitOfWork, county_code: str, key: str) -> RegisteredVehicle:
    """The registered vehicle a dispatch names (unified number, plate or routing code);
    InvalidValue "vehicle" (said) when the county's registry does not hold it."""
    key = key.strip()
    with uow:
        fleet = uow.vehicles.fleet(county_code6(county_code))
    for v in fleet:
        if v.known_as(key):
            return v
    raise said(InvalidValue, NOT_REGISTERED, "vehicle", vehicle=key or "-")


def dispatch_vehicles(
    uow: UnitOfWork, county_code: str, centre: str, by: Principal | None = None
) -> list[RegisteredVehicle]:
    """The registered vehicles a bag may leave on, for whoever dispatches at the centre (a
    driver too, who reads no registry otherwise)."""
    code = county_code6(county_code)
    check(by, Action.SCAN, Resource.PARCEL, Where(code, station=centre))
    with uow:
        return uow.vehicles.fleet(code)


class RunsUnitOfWork(UnitOfWork, Protocol):
    """A unit of work that also reads the stored route plans."""

    @property
    def routes(self) -> RouteStore: ...


@dataclass(frozen=True)
class PlannedBag:
    """A route bag (a stop) of a planned run: parcels the plan carries to it, and the sorted
    parcels waiting in it now (ready to leave)."""

    code: str
    name: str
    planned: int
    ready: int


@dataclass(frozen=True)
class PlannedRun:
    """A run of today's plan as the centre dispatches it: its vehicle by its one name, and
    its bags in stop order."""

    plan_id: str
    vehicle: str  # the plan's code of the vehicle
    name: str  # vehicle_name: unified number · plate · kind
    departs: dt.datetime
    bags: tuple[PlannedBag, ...]

    @property
    def ready(self) -> int:
        """Sorted parcels waiting in the run's bags."""
        return sum(b.ready for b in self.bags)

    @property
    def planned(self) -> int:
        """Parcels the plan carries on the run."""
        return sum(b.planned for b in self.bags)


def todays_runs(
    uow: RunsUnitOfWork,
    county_code: str,
    centre: str,
    day: dt.date | None = None,
    by: Principal | None = None,
) -> list[PlannedRun]:
    """The runs of the county day's newest plan (none: empty), each with its bags and how
    many sorted parcels wait in each."""
    code = county_code6(county_code)
    check(by, Action.SCAN, Resource.PARCEL, Where(code, station=centre))
    with uow:
        ids = uow.routes.plan_ids(code, day or county_today())
        plan = uow.routes.get(ids[0]) if ids else None
        if plan is None:
            return []
        stops = {s.code for r in plan.runs for s in r.stops}
        ready = {b: len(uow.ops.undispatched(code, b)) for b in sorted(stops)}
    return [
        PlannedRun(
            plan.plan_id, r.vehicle, r.label, r.departs,
            tuple(PlannedBag(s.code, s.name, s.parcels, ready[s.code]) for s in r.stops
                  if s.parcels or ready[s.code]),
        )
        for r in plan.runs
    ]  # fmt: skip


def dispatch_run(
    uow: RunsUnitOfWork,
    county_code: str,
    plan_id: str,
    vehicle: str,
    centre: str,
    actor: str = "",
    at: dt.datetime | None = None,
    by: Principal | None = None,
) -> dict[str, list[str]]:
    """派件 of a planned run with one action: every sorted parcel of each of its bags leaves
    on the run's vehicle (`dispatch_many`: the staff gate refuses a courier without pre-job
    training, nothing leaves); InvalidValue (said) when none of its bags holds a sorted
    parcel. The waybills by bag."""
    code = county_code6(county_code)
    check(by, Action.SCAN, Resource.PARCEL, Where(code, station=centre))
    with uow:
        plan = uow.routes.get(plan_id.strip())
        if plan is None or plan.county_code != code:
            raise NotFound(f"no route plan {plan_id} in county {code}")
        run = next((r for r in plan.runs if r.vehicle == vehicle.strip()), None)
        if run is None:
            raise NotFound(f"no run of vehicle {vehicle} in route plan {plan_id}")
        bags = list(dict.fromkeys(s.code for s in run.stops))
        waiting = any(uow.ops.undispatched(code, b) for b in bags)
    if not waiting:
        raise said(InvalidValue, NOTHING_SORTED, "route_bag", vehicle=run.label)
    key = run.number or run.vehicle
    return dispatch_many(uow, code, [(b, key) for b in bags], centre, actor, at, by=by)


def monthly_statement(
    uow: UnitOfWork,
    county_code: str,
    carrier: str,
    year: int,
    month: int,
    by: Principal | None = None,
) -> Statement:
    """Every parcel the carrier announced in the month, with its fee: the county's month
    (from midnight on the 1st in Asia/Shanghai), a year inside `periods`' window."""
    county_code = county_code6(county_code)
    check(by, Action.READ, Resource.PARCEL, Where(county_code, carrier=carrier))
    since, until = month_bounds(year, month)
    with uow:  # a county or carrier that is not there: 404, not a file titled with it
        if county_code not in uow.counties.codes():
            raise NotFound(f"no county {county_code!r} is loaded")
        if carrier not in uow.counties.carrier_codes(county_code):
            raise NotFound(f"no carrier {carrier!r} in county {county_code}")
        items = uow.ops.manifest_items(county_code, carrier=carrier, since=since, until=until)
    lines = tuple(
        StatementLine(
            i["waybill_no"], i["received_at"], i["weight_kg"], i["division_code"], Decimal(i["fee"])
        )
        for i in items
    )
    return Statement(county_code, carrier, year, month, lines)
