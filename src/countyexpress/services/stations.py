"""Village stations, outlets and lockers: store, notify, hand over, return the unclaimed."""

from __future__ import annotations

import datetime as dt
import math
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any

from countyexpress.domain import pickup_codes
from countyexpress.domain.access import Action, Principal, Resource, Where
from countyexpress.domain.county import County
from countyexpress.domain.delivery import DeliveryChoice
from countyexpress.domain.desk_rules import Desk, shelved
from countyexpress.domain.facilities import Facility, FacilityKind
from countyexpress.domain.lockers import Size, allocate
from countyexpress.domain.pickup_codes import Resolution
from countyexpress.domain.privacy import mask_name
from countyexpress.domain.public_health_indicators import contactless_tally
from countyexpress.domain.scans import ScanEvent, ScanKind, normalise_waybill
from countyexpress.domain.shelves import (
    Attempt,
    HandoverOutcome,
    check_handover,
    choose_shelf,
    client_blocked_until,
    failures_since_success,
    parcel_locked_until,
    pickup_code,
)
from countyexpress.domain.sms import DEFAULT_LANGUAGE
from countyexpress.errors import N_, CountyExpressError, InvalidValue, NotAllowed, NotFound, said
from countyexpress.services.authz import check
from countyexpress.services.batch import Batch, each
from countyexpress.services.handover_guard import HandoverGuard
from countyexpress.services.ports import Cipher, Notifier
from countyexpress.services.scans import append_events, new_event
from countyexpress.services.station_desk import desk_refusals_at
from countyexpress.services.unit_of_work import UnitOfWork

STORING_KINDS = {FacilityKind.STATION, FacilityKind.OUTLET}
NO_MANIFEST = N_("waybill %(waybill)s is on no manifest: report it as an exception")
NO_CONSENT_STATION = N_(
    "no consent to store %(waybill)s at a station (%(why)s): deliver it to the door"
)
NO_CONSENT_LOCKER = N_(
    "no consent to put %(waybill)s in a locker (%(why)s): deliver it to the door"
)


class OutboxNotifier:
    """The default notifier: the message waits in the outbox table (phone encrypted)."""

    def __init__(self, uow: UnitOfWork, cipher: Cipher) -> None:
        self.uow = uow
        self.cipher = cipher

    def send(self, county: str, phone: str, template: str, params: Mapping[str, Any]) -> None:
        """Queue the message with the language the receiver chose (`lang`; Chinese when
        they chose none)."""
        from countyexpress.domain.privacy import mask_phone, mobile_number

        try:
            language = self.uow.ops.language_of(county, self.cipher.digest(mobile_number(phone)))
        except InvalidValue:  # a number no consent can be recorded for: the default
            language = None
        self.uow.ops.enqueue(
            county,
            "sms",
            self.cipher.encrypt(phone),
            mask_phone(phone),
            template,
            {**params, "lang": language or DEFAULT_LANGUAGE},
            dt.datetime.now(dt.UTC),
        )


def _facility(county: County, code: str, kinds: set[FacilityKind]) -> Facility:
    facility = next((f for f in county.facilities if f.code == code), None)
    if facility is None:
        raise NotFound(f"facility {code} is not in county {county.code}")
    if facility.kind not in kinds:
        allowed = ", ".join(sorted(k.value for k in kinds))
        raise InvalidValue("facility", f"{code} is a {facility.kind}, not one of: {allowed}")
    return facility


def _county(uow: UnitOfWork, code: str) -> County:
    county = uow.counties.get(code)
    if county is None:
        raise NotFound(f"county {code} is not loaded")
    return county


@dataclass(frozen=True)
class Stored:
    """A parcel on a shelf or in a compartment, and the code the receiver was sent."""

    waybill_no: str
    facility: str
    place: str  # shelf or compartment
    pickup_code: str
    notified: bool


def _tell(
    send: Notifier,
    county_code: str,
    cipher: Cipher,
    phone_enc: str,
    template: str,
    params: dict[str, Any],
) -> bool:
    """Send the receiver `template`; False, and nothing sent, when the manifest no longer
    holds a phone (its personal data were purged after the retention period)."""
    if not phone_enc:
        return False
    send.send(county_code, cipher.decrypt(phone_enc), template, params)
    return True


def station_inbound(
    uow: UnitOfWork,
    cipher: Cipher,
    county_code: str,
    facility_code: str,
    waybill_no: str,
    actor: str = "",
    at: dt.datetime | None = None,
    notifier: Notifier | None = None,
    by: Principal | None = None,
) -> Stored:
    """入库 of one parcel; NotAllowed when it may not be shelved (see `station_inbound_many`)."""
    result = station_inbound_many(
        uow, cipher, county_code, facility_code, [(waybill_no, at)], actor, notifier, by=by
    )
    if result.errors:
        raise result.errors[0]  # the refusal as the rules said it (translatable)
    return result.stored[0]


@dataclass(frozen=True)
class InboundResult:
    """Parcels shelved, and parcels refused with the reason and what to do instead."""

    stored: list[Stored]
    refused: list[tuple[str, str]]
    errors: list[CountyExpressError] = field(default_factory=list, compare=False)  # of refused


def station_inbound_many(
    uow: UnitOfWork,
    cipher: Cipher,
    county_code: str,
    facility_code: str,
    scans: Sequence[tuple[str, dt.datetime | None]],
    actor: str = "",
    notifier: Notifier | None = None,
    by: Principal | None = None,
    event_ids: Mapping[str, str] | None = None,
) -> InboundResult:
    """入库: parcels reach a station; each gets a shelf and a pickup code, and its receiver
    is told. Only parcels whose receiver chose the station are stored; others go to the door.
    `event_ids`: the id a device gave a waybill's scan (an offline upload), for its arrival
    event; the others get fresh ones."""
    stops = [(facility_code, scans)]
    return station_inbound_run(
        uow, cipher, county_code, stops, actor, notifier, by=by, event_ids=event_ids
    )[0]


def station_inbound_run(
    uow: UnitOfWork,
    cipher: Cipher,
    county_code: str,
    stops: Sequence[tuple[str, Sequence[tuple[str, dt.datetime | None]]]],
    actor: str = "",
    notifier: Notifier | None = None,
    by: Principal | None = None,
    event_ids: Mapping[str, str] | None = None,
) -> list[InboundResult]:
    """入库 along a van's run: at each station (facility, scans) of `stops` as by
    `station_inbound_many`, in one transaction; the answers by stop. A station is visited
    once in a run."""
    codes = [f for f, _ in stops]
    if len(set(codes)) != len(codes):
        raise InvalidValue("stops", "a station appears twice in the run: give each once")
    for code in codes:
        check(by, Action.SCAN, Resource.PARCEL, Where(county_code, station=code))
    now = dt.datetime.now(dt.UTC)
    parsed = [[(normalise_waybill(w), at or now) for w, at in scans] for _, scans in stops]
    with uow:
        county = _county(uow, county_code)
        facilities = [_facility(county, code, STORING_KINDS) for code in codes]
        items = uow.ops.manifest_items_for(
            county.code,
            [w for scans in parsed for w, _ in scans],
            ("carrier", "delivery_mode", "delivery_reason", "receiver_phone_enc"),
        )
        open_at = uow.ops.open_slots_at(county.code, codes)  # every stop's shelves, one read
        stored_at = uow.ops.slots_stored_at(county.code, codes)
        asked = [(c, [w for w, _ in p]) for c, p in zip(codes, parsed, strict=True)]
        refusals = desk_refusals_at(uow, county.code, Desk.STATION, asked)
        slots: list[dict[str, Any]] = []
        events: list[ScanEvent] = []
        send = notifier or OutboxNotifier(uow, cipher)
        ids = event_ids or {}
        shelved_here: dict[str, ScanEvent] = {}  # shelved at an earlier stop of this run
        results = []
        for facility, scans, later in zip(facilities, parsed, refusals, strict=True):
            for w, _ in scans:  # not shelved again at a later stop
                if w in shelved_here:
                    e = shelved_here[w]
                    later[w] = shelved(w, e.facility, e.at)
            first = len(events)
            shelf = _Shelf(open_at[facility.code], stored_at[facility.code])
            results.append(
                _shelve(cipher, county, facility, scans, items, actor, send, slots, events, ids,
                        shelf, later)
            )  # fmt: skip
            shelved_here.update(
                (e.waybill_no, e) for e in events[first:] if e.kind is ScanKind.STORE
            )
        uow.ops.add_slots(slots)
        append_events(uow, county.code, events, now)
        uow.commit()
    return results


@dataclass
class _Shelf:
    """A station's shelves as read at the start of a run: the open slots' waybills, each
    shelf's open slots, and how many parcels the station has shelved ever."""

    open_here: set[str]
    occupancy: dict[str, int]
    sequence: int

    def __init__(self, open_slots: Sequence[Mapping[str, Any]], stored: int) -> None:
        self.open_here = {s["waybill_no"] for s in open_slots}
        self.occupancy = {}
        for s in open_slots:
            self.occupancy[s["shelf"]] = self.occupancy.get(s["shelf"], 0) + 1
        self.sequence = stored


def _shelve(
    cipher: Cipher,
    county: County,
    facility: Facility,
    scans: Sequence[tuple[str, dt.datetime]],
    items: Mapping[str, dict[str, Any]],
    actor: str,
    send: Notifier,
    slots: list[dict[str, Any]],
    events: list[ScanEvent],
    event_ids: Mapping[str, str],
    shelf_state: _Shelf,
    later: dict[str, NotAllowed],
) -> InboundResult:
    """入库 at one station inside an open unit of work: its slots and events are added to
    `slots` and `events`, for the caller to write; an arrival's id from `event_ids`;
    `shelf_state` the station's shelves as read, `later` the refusals of its desk."""
    rules = county.operations
    occupancy = shelf_state.occupancy
    sequence = shelf_state.sequence
    open_here = shelf_state.open_here

    def shelve(scan: tuple[str, dt.datetime]) -> Stored:
        nonlocal sequence
        waybill, at = scan
        item = items.get(waybill)
        if item is None:
            raise said(NotAllowed, NO_MANIFEST, waybill=waybill)
        if item["delivery_mode"] != DeliveryChoice.STATION.value:
            raise said(
                NotAllowed,
                N_(
                    "no consent to store %(waybill)s at a station (%(why)s): deliver it to the door"
                ),
                waybill=waybill,
                why=item["delivery_reason"],
            )
        if waybill in open_here:
            raise said(NotAllowed, N_("%(waybill)s is already on a shelf here"), waybill=waybill)
        if waybill in later:  # handed over, shelved elsewhere, sent back: not shelved again
            raise later[waybill]
        try:
            shelf = choose_shelf(rules.shelves, occupancy)
        except InvalidValue as exc:
            refusal = NotAllowed(exc.reason)
            refusal.msgid, refusal.params = exc.msgid, exc.params  # its words, translatable
            raise refusal from None
        occupancy[shelf] = occupancy.get(shelf, 0) + 1
        sequence += 1
        code = pickup_code(shelf, sequence)
        open_here.add(waybill)
        slots.append(
            {
                "county_code": county.code,
                "waybill_no": waybill,
                "facility": facility.code,
                "shelf": shelf,
                "pickup_code": code,
                "stored_at": at,
            }
        )
        arrive = new_event(waybill, item["carrier"], ScanKind.ARRIVE, facility.code, at, actor)
        if waybill in event_ids:  # the device's own id: a repeat of its upload is seen
            arrive = replace(arrive, event_id=event_ids[waybill])
        events.extend(
            [
                arrive,
                new_event(
                    waybill,
                    item["carrier"],
                    ScanKind.STORE,
                    facility.code,
                    at + dt.timedelta(microseconds=1),
                    actor,
                    shelf=shelf,
                ),
            ]
        )
        told = _tell(
            send,
            county.code,
            cipher,
            item["receiver_phone_enc"],
            "pickup_ready",
            {"waybill_tail": waybill[-4:], "facility": facility.name, "pickup_code": code},
        )
        return Stored(waybill, facility.code, shelf, code, told)

    batch = each(((w, (w, at)) for w, at in scans), shelve)
    return InboundResult(
        batch.done, [(r.key, r.reason) for r in batch.refused], [r.error for r in batch.refused]
    )


@dataclass(frozen=True)
class Handover:
    """The answer to a hand-over attempt; `retry_after_s` when it was refused for the
    failures before it (LOCKED, THROTTLED): whole seconds until the client may try again."""

    outcome: HandoverOutcome
    waybill_no: str
    message: str
    retry_after_s: int = 0


_MESSAGES = {
    HandoverOutcome.OK: "handed over",
    HandoverOutcome.WRONG: "the pickup code or the phone's last four digits do not match",
    HandoverOutcome.LOCKED: "too many wrong attempts for this parcel: try again later",
    HandoverOutcome.THROTTLED: "too many wrong attempts from this device: try again later",
    HandoverOutcome.NOT_HERE: "no parcel with this code is waiting here",
    HandoverOutcome.AMBIGUOUS: "ambiguous: give the shelf letter",
}


@dataclass(frozen=True)
class Client:
    """Who is asking, for the hand-over limits: the principal and its address (`key`),
    and the guard that keeps its failures."""

    key: str
    guard: HandoverGuard


def hand_over(
    uow: UnitOfWork,
    cipher: Cipher,
    county_code: str,
    facility_code: str,
    pickup: str,
    tail: str,
    actor: str = "",
    at: dt.datetime | None = None,
    by: Principal | None = None,
    client: Client | None = None,
) -> Handover:
    """取件 of one parcel (see `hand_over_many`)."""
    return hand_over_many(
        uow, cipher, county_code, facility_code, [(pickup, tail, at)], actor, by=by, client=client
    )[0]


def hand_over_many(
    uow: UnitOfWork,
    cipher: Cipher,
    county_code: str,
    facility_code: str,
    attempts: Sequence[tuple[str, str, dt.datetime | None]],
    actor: str = "",
    by: Principal | None = None,
    client: Client | None = None,
) -> list[Handover]:
    """取件: receivers give the pickup code and the phone's last four digits; both must match.

    Every failure (a wrong code or a wrong tail) is recorded. With a `client` (the web and
    the API) the limits are that client's: locked out of a parcel after repeated failures
    on it, throttled after too many failures in a window; others are not affected. Without
    one (the trusted local caller) a parcel locks after repeated failures by anyone."""
    stations = [(facility_code, attempts)]
    return hand_over_at_stations(uow, cipher, county_code, stations, actor, by=by, client=client)[0]


def hand_over_at_stations(
    uow: UnitOfWork,
    cipher: Cipher,
    county_code: str,
    stations: Sequence[tuple[str, Sequence[tuple[str, str, dt.datetime | None]]]],
    actor: str = "",
    by: Principal | None = None,
    client: Client | None = None,
) -> list[list[Handover]]:
    """取件 at several stations, (facility, attempts) each as by `hand_over_many`, in one
    transaction (the stations' handhelds uploading a day's hand-overs); the answers by
    station. Each station is named once."""
    codes = [f for f, _ in stations]
    if len(set(codes)) != len(codes):
        raise InvalidValue("stations", "a station appears twice: give each once")
    for code in codes:
        check(by, Action.SCAN, Resource.PARCEL, Where(county_code, station=code))
    now = dt.datetime.now(dt.UTC)
    with uow:
        county = _county(uow, county_code)
        facilities = [_facility(county, code, STORING_KINDS) for code in codes]
        closed: list[tuple[str, dt.datetime]] = []
        events: list[ScanEvent] = []
        recorded: list[tuple[str, str, dt.datetime, bool]] = []
        # one read of every station's open slots, the parcels asked for and their attempts
        open_at = uow.ops.open_slots_at(county.code, codes)
        slots_at = [{s["pickup_code"].upper(): s for s in open_at[code]} for code in codes]
        waiting_at = [pickup_codes.WaitingCodes(slots) for slots in slots_at]
        parcels = [
            slots[code]["waybill_no"]
            for slots, waiting, (_, attempts) in zip(slots_at, waiting_at, stations, strict=True)
            for code in {waiting.resolve(p)[1] for p, _, _ in attempts}
            if code in slots
        ]
        items = uow.ops.manifest_items_for(county.code, parcels, ("carrier", "phone_tail_hash"))
        history = uow.ops.attempts_for(county.code, parcels)
        answers = [
            _hand_over_at(
                cipher, county, facility, attempts, actor, now, closed, events, client,
                (slots, waiting, items, history), recorded,
            )
            for facility, (_, attempts), slots, waiting in zip(
                facilities, stations, slots_at, waiting_at, strict=True
            )
        ]  # fmt: skip
        uow.ops.add_attempts_at(county.code, recorded)
        uow.ops.close_slots(county.code, closed, "pickup")
        append_events(uow, county.code, events, now)
        uow.commit()
    return answers


def _wait(until: dt.datetime | None, at: dt.datetime) -> int:
    """Whole seconds from `at` to `until`, at least 1."""
    return max(1, math.ceil((until - at).total_seconds())) if until else 1


def _hand_over_at(
    cipher: Cipher,
    county: County,
    facility: Facility,
    attempts: Sequence[tuple[str, str, dt.datetime | None]],
    actor: str,
    now: dt.datetime,
    closed: list[tuple[str, dt.datetime]],
    events: list[ScanEvent],
    client: Client | None,
    read: tuple[
        dict[str, dict[str, Any]],
        pickup_codes.WaitingCodes,
        Mapping[str, dict[str, Any]],
        dict[str, list[Attempt]],
    ],
    recorded_at: list[tuple[str, str, dt.datetime, bool]],
) -> list[Handover]:
    """The hand-overs at one station inside an open unit of work, from what was `read` for
    it (its open slots by code and their index, the parcels' items and attempts): its
    attempts are added to `recorded_at`, the slots it closes and its pickup events to
    `closed` and `events`."""
    policy = county.operations.handover
    slots, waiting, items, history = read
    recorded: list[tuple[str, dt.datetime, bool]] = []
    answers: list[Handover] = []

    def answer(outcome: HandoverOutcome, waybill: str = "", wait: int = 0) -> None:
        answers.append(Handover(outcome, waybill, _MESSAGES[outcome], wait))

    for pickup, tail, when in attempts:
        at = when or now
        mine = client.guard.client_failures(client.key, at) if client else []
        blocked = client_blocked_until(mine, at, policy)
        if blocked is not None:  # refused before the code is looked at: nothing to learn
            answer(HandoverOutcome.THROTTLED, wait=_wait(blocked, at))
            continue
        found, code = waiting.resolve(pickup)  # as typed: a0146, 0146 ...
        if found is Resolution.AMBIGUOUS:  # the keeper's shelf list shows as much: no failure
            answer(HandoverOutcome.AMBIGUOUS)
            continue
        slot = slots.get(code)
        if slot is None:
            recorded.append(("", at, False))  # a wrong code is a failure too
            if client:
                client.guard.failed(client.key, "", at)
            answer(HandoverOutcome.NOT_HERE)
            continue
        waybill = slot["waybill_no"]
        item = items[waybill]
        history.setdefault(waybill, [])
        parcel_key = f"{county.code}/{waybill}"
        if client:
            tried = client.guard.parcel_failures(client.key, parcel_key, at)
            parcel_attempts = [Attempt(t, False) for t in tried]
        else:
            parcel_attempts = history[waybill]
        given = tail.strip()
        tail_ok = cipher.digest(given) == item["phone_tail_hash"]
        outcome = check_handover(
            expected_code=slot["pickup_code"],
            expected_tail=given if tail_ok else "\0",
            code=code,
            tail=given,
            parcel_attempts=parcel_attempts,
            client_failures=mine,
            now=at,
            policy=policy,
        )
        if outcome is HandoverOutcome.LOCKED:
            until = parcel_locked_until(failures_since_success(parcel_attempts), at, policy)
            answer(outcome, wait=_wait(until, at))
            continue
        ok = outcome is HandoverOutcome.OK
        recorded.append((waybill, at, ok))
        history[waybill].append(Attempt(at, ok))
        if client and ok:
            client.guard.succeeded(client.key, parcel_key)
        elif client:
            client.guard.failed(client.key, parcel_key, at)
        if not ok:
            answer(outcome)
            continue
        del slots[code]
        waiting.discard(code)
        closed.append((waybill, at))
        events.append(
            new_event(
                waybill,
                item["carrier"],
                ScanKind.PICKUP,
                facility.code,
                at,
                actor,
                method="pickup_code+phone_tail",
            )
        )
        answer(outcome, waybill)
    recorded_at += [(facility.code, w, at, ok) for w, at, ok in recorded]
    return answers


SIGNER_TYPES = ("receiver", "family", "colleague", "neighbour", "guard", "other")


def deliver_to_door(
    uow: UnitOfWork,
    county_code: str,
    waybill_no: str,
    courier_facility: str,
    signer_type: str,
    signer_name: str,
    actor: str = "",
    at: dt.datetime | None = None,
    by: Principal | None = None,
) -> None:
    """送货上门 with proof: who signed and in what capacity (the name is kept masked)."""
    check(by, Action.SCAN, Resource.PARCEL, Where(county_code, station=courier_facility))
    at = at or dt.datetime.now(dt.UTC)
    if signer_type not in SIGNER_TYPES:
        raise InvalidValue("signer_type", f"signer_type must be one of: {', '.join(SIGNER_TYPES)}")
    if not signer_name.strip():
        raise InvalidValue("signer_name", "who signed is required as proof of delivery")
    waybill = normalise_waybill(waybill_no)
    with uow:
        item = uow.ops.manifest_item(county_code, waybill)
        if item is None:
            raise NotFound(f"waybill {waybill} is on no manifest of county {county_code}")
        append_events(
            uow,
            county_code,
            [
                new_event(
                    waybill,
                    item["carrier"],
                    ScanKind.PICKUP,
                    courier_facility,
                    at,
                    actor,
                    method="door",
                    signer_type=signer_type,
                    signer=mask_name(signer_name),
                ),
            ],
            dt.datetime.now(dt.UTC),
        )
        uow.commit()


def return_unclaimed(
    uow: UnitOfWork,
    county_code: str,
    at: dt.datetime | None = None,
    actor: str = "system",
    by: Principal | None = None,
) -> list[str]:
    """退回: parcels waiting longer than the county's limit become returns; their waybills."""
    check(by, Action.SCAN, Resource.PARCEL, Where(county_code))
    at = at or dt.datetime.now(dt.UTC)
    with uow:
        county = _county(uow, county_code)
        limit = dt.timedelta(days=county.operations.return_after_days)
        stale = [s for s in uow.ops.open_slots(county.code) if at - s["stored_at"] > limit]
        items = uow.ops.manifest_items_for(
            county.code, [s["waybill_no"] for s in stale], ("carrier",)
        )
        uow.ops.close_slots(county.code, [(s["waybill_no"], at) for s in stale], "return")
        events = []
        for s in stale:
            item = items.get(s["waybill_no"])
            carrier = item["carrier"] if item else "unknown"
            events.append(
                new_event(
                    s["waybill_no"],
                    carrier,
                    ScanKind.RETURN,
                    s["facility"],
                    at,
                    actor,
                    reason="unclaimed",
                )
            )
        if events:
            append_events(uow, county.code, events, dt.datetime.now(dt.UTC))
        uow.commit()
    return [s["waybill_no"] for s in stale]


def locker_deposit(
    uow: UnitOfWork,
    cipher: Cipher,
    county_code: str,
    locker_code: str,
    waybill_no: str,
    size: Size | None = None,
    actor: str = "",
    at: dt.datetime | None = None,
    notifier: Notifier | None = None,
    by: Principal | None = None,
) -> Stored:
    """投柜 of one parcel (see `locker_deposit_many`): NotFound when it is on no manifest,
    NotAllowed without consent to lockers or with no free compartment it fits in."""
    return locker_deposit_many(
        uow, cipher, county_code, locker_code, [(waybill_no, size, at)], actor, notifier, by=by
    ).one()


def locker_deposit_many(
    uow: UnitOfWork,
    cipher: Cipher,
    county_code: str,
    locker_code: str,
    deposits: Sequence[tuple[str, Size | None, dt.datetime | None]],
    actor: str = "",
    notifier: Notifier | None = None,
    by: Principal | None = None,
) -> Batch[Stored]:
    """投柜: parcels go into a locker in the order given, each only with the receiver's
    consent to lockers, into the smallest free compartment it fits in (`size`, or the
    manifest's); each receiver is sent the compartment's code. One transaction; a parcel
    the rules refuse is reported with the single form's error (see `services.batch`)."""
    stops = [(locker_code, deposits)]
    return locker_deposit_run(uow, cipher, county_code, stops, actor, notifier, by=by)[0]


def locker_deposit_run(
    uow: UnitOfWork,
    cipher: Cipher,
    county_code: str,
    stops: Sequence[tuple[str, Sequence[tuple[str, Size | None, dt.datetime | None]]]],
    actor: str = "",
    notifier: Notifier | None = None,
    by: Principal | None = None,
) -> list[Batch[Stored]]:
    """投柜 at several lockers, (locker, deposits) each as by `locker_deposit_many`, in one
    transaction (a courier's round of the lockers); the answers by locker. A parcel put in
    a locker earlier in the round is refused as it would be by a later call. Each locker
    is named once."""
    codes = [code for code, _ in stops]
    if len(set(codes)) != len(codes):
        raise InvalidValue("stops", "a locker appears twice in the run: give each once")
    for code in codes:
        check(by, Action.SCAN, Resource.PARCEL, Where(county_code, station=code))
    now = dt.datetime.now(dt.UTC)
    parsed = [
        [(normalise_waybill(w), size, at or now) for w, size, at in deposits]
        for _, deposits in stops
    ]
    with uow:
        county = _county(uow, county_code)
        lockers = [_facility(county, code, {FacilityKind.LOCKER}) for code in codes]
        items = uow.ops.manifest_items_for(
            county.code,
            [w for deposits in parsed for w, _, _ in deposits],
            ("carrier", "delivery_mode", "delivery_reason", "size", "receiver_phone_enc"),
        )
        asked = [(c, [w for w, _, _ in d]) for c, d in zip(codes, parsed, strict=True)]
        refusals = desk_refusals_at(uow, county.code, Desk.STATION, asked)
        events: list[ScanEvent] = []
        send = notifier or OutboxNotifier(uow, cipher)
        deposited: dict[str, tuple[str, dt.datetime]] = {}  # in this run: where, when
        batches = []
        for locker, deposits, later in zip(lockers, parsed, refusals, strict=True):
            filled: list[tuple[str, str, str, dt.datetime]] = []
            batches.append(
                _deposit_at(cipher, county, locker, deposits, items, actor, send,
                            _compartments(uow, county, locker), later, deposited, filled,
                            events)
            )  # fmt: skip
            uow.ops.occupy_many(county.code, locker.code, filled)
        append_events(uow, county.code, events, now)
        uow.commit()
    return batches


def _deposit_at(
    cipher: Cipher,
    county: County,
    locker: Facility,
    deposits: Sequence[tuple[str, Size | None, dt.datetime]],
    items: Mapping[str, dict[str, Any]],
    actor: str,
    send: Notifier,
    compartments: tuple[list[tuple[str, Size]], list[dict[str, Any]]],
    later: Mapping[str, NotAllowed],
    deposited: dict[str, tuple[str, dt.datetime]],
    filled: list[tuple[str, str, str, dt.datetime]],
    events: list[ScanEvent],
) -> Batch[Stored]:
    """The deposits at one locker inside an open unit of work, from its `compartments` as
    read (free, occupied) and its desk's refusals (`later`): the compartments it fills and
    its events are added to `filled` and `events`, each parcel put in to `deposited`."""
    free, occupied = compartments
    codes = {r["pickup_code"] for r in occupied}
    fees = county.operations.locker_fees

    def deposit(d: tuple[str, Size | None, dt.datetime]) -> Stored:
        waybill, size, at = d
        item = items.get(waybill)
        if item is None:
            raise said(NotFound, NO_MANIFEST, waybill=waybill)
        if item["delivery_mode"] != DeliveryChoice.LOCKER.value:
            raise said(
                NotAllowed,
                NO_CONSENT_LOCKER,
                waybill=waybill,
                why=item["delivery_reason"],
            )
        if waybill in later:  # handed over, in a compartment or on a shelf, sent back
            raise later[waybill]
        if waybill in deposited:  # not twice in one batch or run
            raise shelved(waybill, *deposited[waybill])
        parcel_size = size or Size(item["size"])
        compartment = allocate(parcel_size, free)
        if compartment is None:
            raise said(
                NotAllowed,
                N_("no free compartment of size %(size)s or larger in %(locker)s"),
                size=str(parcel_size),
                locker=locker.code,
            )
        free[:] = [f for f in free if f[0] != compartment]
        deposited[waybill] = (locker.code, at)
        code = _locker_code(codes)
        codes.add(code)
        filled.append((compartment, waybill, code, at))
        events.append(
            new_event(
                waybill,
                item["carrier"],
                ScanKind.STORE,
                locker.code,
                at,
                actor,
                compartment=compartment,
            )
        )
        told = _tell(
            send,
            county.code,
            cipher,
            item["receiver_phone_enc"],
            "locker_ready",
            {
                "waybill_tail": waybill[-4:],
                "locker": locker.name,
                "pickup_code": code,
                "free_hours": fees.free_hours,
            },
        )
        return Stored(waybill, locker.code, compartment, code, told)

    return each(((w, (w, size, at)) for w, size, at in deposits), deposit)


def _compartments(
    uow: UnitOfWork, county: County, locker: Facility
) -> tuple[list[tuple[str, Size]], list[dict[str, Any]]]:
    """A locker's free compartments (code, size) and its occupied ones (rows), from one
    read; its compartments are made first if they never were."""
    assert locker.compartments is not None
    rows = uow.ops.compartments(county.code, locker.code)
    if not rows:
        uow.ops.ensure_compartments(county.code, locker.code, locker.compartments)
        rows = uow.ops.compartments(county.code, locker.code)
    free = [(r["compartment"], Size(r["size"])) for r in rows if r["waybill_no"] is None]
    return free, [r for r in rows if r["waybill_no"] is not None]


def _locker_code(taken: set[str]) -> str:
    """A six-digit pickup code no parcel waiting in the locker has."""
    while True:
        code = f"{uuid.uuid4().int % 1_000_000:06d}"
        if code not in taken:
            return code


@dataclass(frozen=True)
class LockerPickup:
    """A compartment opened: the parcel and any overdue fee."""

    waybill_no: str
    compartment: str
    fee: Decimal


def locker_pickup(
    uow: UnitOfWork,
    county_code: str,
    locker_code: str,
    code: str,
    actor: str = "",
    at: dt.datetime | None = None,
    by: Principal | None = None,
) -> LockerPickup:
    """取件 from a locker by its code (see `locker_pickup_many`); NotFound for a code no
    parcel waits under."""
    return locker_pickup_many(uow, county_code, locker_code, [(code, at)], actor, by=by).one()


def locker_pickup_many(
    uow: UnitOfWork,
    county_code: str,
    locker_code: str,
    pickups: Sequence[tuple[str, dt.datetime | None]],
    actor: str = "",
    by: Principal | None = None,
) -> Batch[LockerPickup]:
    """取件 from a locker by code, in the order given; the fee after the free hours comes
    from the settings. One transaction; a code no parcel waits under is refused."""
    return locker_pickup_run(uow, county_code, [(locker_code, pickups)], actor, by=by)[0]


def locker_pickup_run(
    uow: UnitOfWork,
    county_code: str,
    lockers: Sequence[tuple[str, Sequence[tuple[str, dt.datetime | None]]]],
    actor: str = "",
    by: Principal | None = None,
) -> list[Batch[LockerPickup]]:
    """取件 at several lockers, (locker, pickups) each as by `locker_pickup_many`, in one
    transaction (the lockers' uploads of a day's pickups); the answers by locker. Each
    locker is named once."""
    codes = [code for code, _ in lockers]
    if len(set(codes)) != len(codes):
        raise InvalidValue("lockers", "a locker appears twice: give each once")
    for code in codes:
        check(by, Action.SCAN, Resource.PARCEL, Where(county_code, station=code))
    now = dt.datetime.now(dt.UTC)
    with uow:
        county = _county(uow, county_code)
        fees = county.operations.locker_fees
        batches: list[Batch[LockerPickup]] = []
        opened: list[list[tuple[dict[str, Any], dt.datetime]]] = []
        for code, pickups in lockers:
            locker = _facility(county, code, {FacilityKind.LOCKER})
            waiting: dict[str, list[dict[str, Any]]] = {}
            for r in _compartments(uow, county, locker)[1]:
                waiting.setdefault(r["pickup_code"], []).append(r)
            here: list[tuple[dict[str, Any], dt.datetime]] = []

            def pick_up(
                p: tuple[str, dt.datetime],
                waiting: dict[str, list[dict[str, Any]]] = waiting,
                here: list[tuple[dict[str, Any], dt.datetime]] = here,
            ) -> LockerPickup:
                code, at = p
                slots = waiting.get(code.strip())
                if not slots:
                    raise said(NotFound, N_("no parcel waits in this locker under that code"))
                slot = slots.pop(0)
                here.append((slot, at))
                hours = (at - slot["deposited_at"]).total_seconds() / 3600
                return LockerPickup(slot["waybill_no"], slot["compartment"], fees.fee(hours))

            batches.append(each(((c, (c, at or now)) for c, at in pickups), pick_up))
            opened.append(here)
        items = uow.ops.manifest_items_for(
            county.code, [s["waybill_no"] for here in opened for s, _ in here], ("carrier",)
        )
        events: list[ScanEvent] = []
        for code, batch, here in zip(codes, batches, opened, strict=True):
            uow.ops.release_many(county.code, code, [s["compartment"] for s, _ in here])
            events += [
                new_event(
                    got.waybill_no,
                    items[got.waybill_no]["carrier"] if got.waybill_no in items else "unknown",
                    ScanKind.PICKUP,
                    code,
                    at,
                    actor,
                    method="locker",
                    fee=str(got.fee),
                )
                for got, (_, at) in zip(batch.done, here, strict=True)
            ]
        append_events(uow, county.code, events, now)
        uow.commit()
    return batches


def contactless_share(uow: UnitOfWork, county_code: str) -> float | None:
    """The share of final deliveries taken from a locker (无接触配送) over the whole ledger,
    or None: the definition of the contactless indicator (docs/health.md)."""
    with uow:
        county = _county(uow, county_code)
        ever = dt.datetime(1970, 1, 1, tzinfo=dt.UTC), dt.datetime(9999, 1, 1, tzinfo=dt.UTC)
        deliveries = uow.public_health.deliveries(county.code, *ever)
    return contactless_tally(county, deliveries).share()
