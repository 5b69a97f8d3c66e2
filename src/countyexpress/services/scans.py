"""Scan ingest and parcel look-up: the ledger's use cases."""

from __future__ import annotations

import datetime as dt
import gc
import os
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from countyexpress.domain.access import Action, Principal, Resource, Where, scope_of
from countyexpress.domain.geography import county_code6
from countyexpress.domain.lifecycle import (
    ParcelState,
    ParcelStatus,
    ParcelSummary,
    advance,
    derive,
)
from countyexpress.domain.privacy import scrub
from countyexpress.domain.scans import ScanEvent, ScanKind, ScanWindow, normalise_waybill, redact
from countyexpress.errors import Forbidden, InvalidValue, NotFound
from countyexpress.services.authz import check, may
from countyexpress.services.ports import Cipher
from countyexpress.services.unit_of_work import UnitOfWork

REQUIRED = ("event_id", "waybill_no", "carrier", "kind", "facility", "at")
MAX_BATCH = 5_000
"""Events in one upload over HTTP; the command line sends a bigger file in batches of this."""
MAX_ACTOR = 100  # characters, as the ledger's column
MAX_CARRIER = 20
MAX_DEPTH = 16  # nesting of a payload's objects and lists
MAX_PATH = 200  # characters of a personal value's path, as its column
_KINDS = {k.value: k for k in ScanKind}
_EDGE_YEARS = frozenset({dt.MINYEAR, dt.MAXYEAR})  # where converting to UTC may overflow
_EMPTY: Mapping[str, Any] = {}
_NO_DIGESTS: dict[str, str] = {}  # shared, never written to


@dataclass(frozen=True)
class Rejection:
    """A record that was not accepted, by its line (or position) in the batch."""

    line: int
    reason: str


@dataclass
class IngestResult:
    """What a batch did: new events, harmless repeats, and refusals with reasons."""

    accepted: int = 0
    duplicates: int = 0
    rejected: list[Rejection] = field(default_factory=list)

    def add(self, other: IngestResult) -> None:
        """Count another batch of the same upload in."""
        self.accepted += other.accepted
        self.duplicates += other.duplicates
        self.rejected.extend(other.rejected)


def _depth(value: Any, limit: int) -> bool:
    """Whether `value` nests objects and lists no deeper than `limit`."""
    if isinstance(value, dict | list):
        if limit == 0:
            return False
        items = value.values() if isinstance(value, Mapping) else value
        return all(_depth(v, limit - 1) for v in items)
    return True


def event_from_record(record: Mapping[str, Any]) -> ScanEvent:
    """A ScanEvent from a JSON object; InvalidValue names the first bad field."""
    if type(record) is not dict and not isinstance(record, Mapping):
        raise InvalidValue("record", "each record must be a JSON object")
    given = (
        record.get("event_id"),
        record.get("waybill_no"),
        record.get("carrier"),
        record.get("kind"),
        record.get("facility"),
        record.get("at"),
    )  # as REQUIRED
    if None in given or "" in given:
        name = next(n for n, v in zip(REQUIRED, given, strict=True) if v is None or v == "")
        raise InvalidValue(name, f"{name} is missing")
    event_id, waybill, carrier, text, facility, when = given
    kind = _KINDS.get(text) if type(text) is str else None  # a device's usual spelling
    if kind is None:
        kind = _KINDS.get(str(text).lower())
        if kind is None:
            allowed = ", ".join(k.value for k in ScanKind)
            raise InvalidValue("kind", f"kind {text!r} is not one of: {allowed}")
    try:
        at = dt.datetime.fromisoformat(str(when))
    except ValueError:
        raise InvalidValue("at", f"at {when!r} is not an ISO 8601 time") from None
    offset = at.utcoffset()
    if offset is not None:
        if offset.seconds % 60 or offset.microseconds:
            raise InvalidValue("at", "the UTC offset must be whole minutes, e.g. +08:00")
        if at.year in _EDGE_YEARS:  # the ledger keeps UTC: year 1 east of Greenwich has none
            try:
                at.astimezone(dt.UTC)
            except OverflowError:
                raise InvalidValue("at", f"at {when!r} is out of range") from None
    payload = record.get("payload") or _EMPTY
    if payload:
        if not isinstance(payload, Mapping):
            raise InvalidValue("payload", "payload must be a JSON object")
        if not _depth(payload, MAX_DEPTH):
            raise InvalidValue("payload", f"payload nests deeper than {MAX_DEPTH} levels")
    carrier = str(carrier).lower()
    if len(carrier) > MAX_CARRIER:
        raise InvalidValue("carrier", f"carrier is longer than {MAX_CARRIER} characters")
    actor = str(record.get("actor") or "")
    if len(actor) > MAX_ACTOR:
        raise InvalidValue("actor", f"actor is longer than {MAX_ACTOR} characters")
    event = ScanEvent(
        str(event_id).lower(),
        normalise_waybill(str(waybill)),
        carrier,
        kind,
        str(facility),
        at,
        actor,
        dict(payload),
    )
    return event.given_time_text(when) if type(when) is str else event


def upload_from_record(record: Mapping[str, Any]) -> tuple[ScanEvent, dict[str, str]]:
    """The event as the ledger keeps it (actor and payload scrubbed of phone and ID
    numbers, personal fields replaced by `PERSONAL_MARK`) and the personal values taken
    out, as JSON by their path in the payload."""
    e = event_from_record(record)
    if not e.payload and (not e.actor or e.actor.isalpha()):
        if not (e.carrier.isascii() and e.actor.isascii()):
            _storable(e)
        return e, {}  # nothing to scrub (the common case: a device's code, no payload)
    r = redact(e.actor, e.payload)
    if any(len(path) > MAX_PATH for path in r.personal):
        raise InvalidValue("payload", f"a personal field's path is over {MAX_PATH} characters")
    if not r.personal and r.actor == e.actor and r.payload == e.payload:
        _storable(e)
        return e, {}
    kept = ScanEvent(e.event_id, e.waybill_no, e.carrier, e.kind, e.facility, e.at, r.actor,
                     r.payload)  # fmt: skip
    _storable(kept)
    for value in r.personal.values():
        _storable_text(value, "payload")
    return kept, r.personal


def _storable_text(text: str, name: str) -> None:
    if text.isascii():
        return
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise InvalidValue(name, f"{name} holds text that is not valid Unicode") from None


def _storable(e: ScanEvent) -> None:
    """InvalidValue unless every text of `e` is valid Unicode (JSON can escape a lone
    surrogate, which no database stores)."""
    _storable_text(e.actor, "actor")
    _storable_text(e.carrier, "carrier")
    _storable_text(e.texts()[1], "payload")


def _resolve_county(facility: str, index: Mapping[str, set[str]], county: str | None) -> str:
    counties = index.get(facility) or set()
    if county is not None:
        if county not in counties:
            raise InvalidValue("facility", f"facility {facility!r} is not in county {county}")
        return county
    if not counties:
        raise InvalidValue("facility", f"unknown facility {facility!r}")
    if len(counties) > 1:
        raise InvalidValue(
            "facility", f"facility {facility!r} exists in several counties: give the county"
        )
    return next(iter(counties))


@dataclass
class _Parcels:
    """What a county's ledger and manifests say of the parcels a batch names."""

    summaries: dict[str, ParcelSummary]
    manifests: dict[str, dict[str, Any]]
    waiting: dict[str, dict[str, Any]]
    carrier: dict[str, str] = field(default_factory=dict)  # of events accepted in this batch


def _parcels(uow: UnitOfWork, code: str, events: Sequence[ScanEvent], keeper: bool) -> _Parcels:
    waybills = sorted({e.waybill_no for e in events})
    summaries = uow.ledger.summaries(code, waybills)
    unknown = waybills if keeper else [w for w in waybills if w not in summaries]
    manifests = (
        uow.ops.manifest_items_for(code, unknown, ("carrier", "target_facility")) if unknown else {}
    )
    leaving = sorted({e.waybill_no for e in events if e.kind is not ScanKind.EXCEPTION})
    waiting = uow.ledger.waiting(code, leaving) if leaving else {}
    return _Parcels(summaries, manifests, waiting)


def _refusal(by: Principal | None, e: ScanEvent, known: _Parcels) -> str | None:
    """Why `by` may not record `e` for the parcel as the ledger knows it, or None.

    For everyone: a scan never changes a parcel's carrier (the carrier of its recorded
    events, else of its manifest item). For a device or a person: a parcel waiting for its
    pickup code (a shelf slot, a locker) is handed over with the code, not by a raw pickup.
    A station keeper scans only parcels at its station or bound for it (a manifest item
    for it), and shelves and hands over through the station's own endpoints, which keep
    the shelf slot and check the code."""
    wb = e.waybill_no
    summary = known.summaries.get(wb)
    item = known.manifests.get(wb)
    recorded = known.carrier.get(wb) or (
        summary.carrier if summary else (item["carrier"] if item else None)
    )
    if recorded and e.carrier != recorded:
        if by is not None and by.carrier:
            return f"waybill {wb} is not a {by.carrier} parcel"
        return f"waybill {wb} is a {recorded} parcel: a scan does not change a parcel's carrier"
    if by is None:
        return None
    station = by.station
    if station is not None:
        if e.kind is ScanKind.PICKUP:
            return (
                f"a pickup at a station is a hand-over: POST /api/v1/stations/{station}/handover "
                "with the pickup code and the phone's last four digits"
            )
        if e.kind is ScanKind.STORE:
            return (
                f"shelving is the station's inbound: POST /api/v1/stations/{station}/inbound "
                "(it gives the shelf and the pickup code)"
            )
        target = item.get("target_facility") if item else None
        here = summary is not None and summary.place == station
        if target != station and not here and (summary is not None or target):
            return f"waybill {wb} is neither at {station} nor bound for it"
    hold = known.waiting.get(wb)
    if e.kind is ScanKind.PICKUP and hold is not None:
        return (
            f"waybill {wb} waits at {hold['facility']} for its pickup code: hand it over "
            "there with the code"
        )
    return None


def _digests(cipher: Cipher | None, personal: Mapping[str, str]) -> dict[str, str]:
    if not personal:
        return {}
    assert cipher is not None  # refused earlier without one
    return {path: cipher.digest(value) for path, value in personal.items()}


def _same_personal(new: Mapping[str, str], stored: Mapping[str, str]) -> bool:
    """Whether a resent event's personal values are those recorded (a value the purge has
    emptied since cannot be compared, and does not count against the repeat)."""
    return all(stored.get(path) in (None, "", digest) for path, digest in new.items())


def ingest(
    uow: UnitOfWork,
    records: Sequence[tuple[int, Mapping[str, Any]]],
    county: str | None = None,
    received_at: dt.datetime | None = None,
    by: Principal | None = None,
    cipher: Cipher | None = None,
    window: bool | None = None,
) -> IngestResult:
    """Append a batch of uploaded scan events; repeats are counted, conflicts and bad
    records refused line by line, the valid ones kept.

    `records` pairs each JSON object with its line number (or position) for the report.
    Actors and payloads are scrubbed of phone and ID numbers, and personal payload fields
    are encrypted with `cipher` apart from the ledger (an upload carrying them is refused
    without one). `window`: whether the county's scan window around now applies to the
    events' times (by default for a principal's uploads, not for the trusted local
    caller's, `by=None`, such as the simulation writing past days). The states of the
    parcels touched are derived again from all their events.
    """
    if by is not None and scope_of(by, Action.SCAN, Resource.PARCEL) is None:
        raise Forbidden(f"a {by.role.value} does not scan parcels")
    result = IngestResult()
    received = received_at or dt.datetime.now(dt.UTC)
    timed = by is not None if window is None else window
    key = county_code6(county) if county else None

    def refuse(line: int, reason: str) -> None:
        result.rejected.append(Rejection(line, scrub(reason)))  # never echo a phone or ID

    with uow, _collector_paused():
        index = uow.counties.facility_counties()
        carriers: dict[str, set[str]] = {}
        windows: dict[str, ScanWindow] = {}
        resolved: dict[str, str] = {}  # facility -> county, for this batch
        parsed: list[tuple[int, str, ScanEvent, dict[str, str], str | None]] = []
        for line, record in records:
            try:
                event, personal = upload_from_record(record)
                code = resolved.get(event.facility)
                if code is None:
                    code = resolved[event.facility] = _resolve_county(event.facility, index, key)
                allowed = carriers.get(code)
                if allowed is None:
                    allowed = carriers[code] = uow.counties.carrier_codes(code)
                if allowed and event.carrier not in allowed:
                    raise InvalidValue("carrier", f"unknown carrier {event.carrier!r}")
                late = None  # out of the window: refused unless a repeat of a stored event
                if timed:
                    if code not in windows:
                        found = uow.counties.get(code)
                        windows[code] = found.operations.scan_window if found else ScanWindow()
                    late = windows[code].refusal(event.at, received)
                if by is not None and not may(
                    by,
                    Action.SCAN,
                    Resource.PARCEL,
                    Where(code, station=event.facility, carrier=event.carrier),
                ):
                    raise InvalidValue("facility", f"not allowed to scan at {event.facility}")
                if personal and cipher is None:
                    raise InvalidValue(
                        "payload", "personal fields are kept encrypted: no data key was given"
                    )
            except InvalidValue as exc:
                refuse(line, str(exc))
                continue
            parsed.append((line, code, event, personal, late))
        ids = [e.event_id for _, _, e, _, _ in parsed]
        stored = uow.ledger.fingerprints(ids)
        stored_personal = uow.ledger.personal_digests([i for i in ids if i in stored])
        keeper = by is not None and by.station is not None
        new = [(c, e) for _, c, e, _, late in parsed if e.event_id not in stored and not late]
        known = {
            code: _parcels(uow, code, [e for c, e in new if c == code], keeper)
            for code in sorted({c for c, _ in new})
        }
        seen: dict[str, str] = {}
        seen_personal: dict[str, dict[str, str]] = {}
        fresh: dict[str, list[ScanEvent]] = {}
        secrets: dict[str, list[tuple[str, str, str, str]]] = {}
        for line, code, event, personal, late in parsed:
            fp = event.fingerprint()
            digests = _digests(cipher, personal) if personal else _NO_DIGESTS
            earlier = stored.get(event.event_id) or seen.get(event.event_id)
            if earlier is not None:
                before = stored_personal.get(event.event_id) or seen_personal.get(
                    event.event_id, {}
                )
                if earlier == fp and _same_personal(digests, before):
                    result.duplicates += 1
                else:
                    refuse(
                        line,
                        f"event_id {event.event_id} conflicts: already recorded with other "
                        "content (send a new event to correct it)",
                    )
                continue
            if late is not None:
                refuse(line, late)
                continue
            parcels = known[code]  # (a county whose events are all late has none)
            if by is not None or parcels.carrier.get(event.waybill_no) != event.carrier:
                why = _refusal(by, event, parcels)  # (else: as this batch's carrier)
                if why is not None:
                    refuse(line, why)
                    continue
            seen[event.event_id] = fp
            if digests:
                seen_personal[event.event_id] = digests
            parcels.carrier[event.waybill_no] = event.carrier
            if code in fresh:
                fresh[code].append(event)
            else:
                fresh[code] = [event]
            for path, value in personal.items():
                assert cipher is not None
                secrets.setdefault(code, []).append(
                    (event.event_id, path, cipher.encrypt(value), digests[path])
                )
            result.accepted += 1
        for code, events in fresh.items():
            parcels = known[code]
            after = append_events(uow, code, events, received, seen, parcels.summaries)
            uow.ledger.add_personal(code, secrets.get(code, []), received)
            _release(uow, code, after, parcels.waiting)
        uow.commit()
    result.rejected.sort(key=lambda r: r.line)
    return result


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector held off while a batch is parsed and written: the
    batch makes tens of thousands of objects and no reference cycles, and each collection
    in between would walk them all again (about a tenth of an ingest's time). Reference
    counting frees them as usual; the collector runs again afterwards, as it was."""
    paused = gc.isenabled()
    if paused:
        gc.disable()
    try:
        yield
    finally:
        if paused:
            gc.enable()


def _release(
    uow: UnitOfWork, code: str, after: Sequence[ParcelSummary], waiting: Mapping[str, Any]
) -> None:
    """Close the shelf slot (or free the locker compartment) of each parcel that the scans
    took away from it: by its events, no longer stored there."""
    closing: list[tuple[str, dt.datetime]] = []
    for s in after:
        hold = waiting.get(s.waybill_no)
        if hold is None or (s.state is ParcelState.STORED and s.place == hold["facility"]):
            continue
        if hold["compartment"] is None:
            closing.append((s.waybill_no, s.last_at or dt.datetime.now(dt.UTC)))
        else:
            uow.ops.release(code, hold["facility"], hold["compartment"])
    uow.ops.close_slots(code, closing, "scan")


def new_event(
    waybill: str,
    carrier: str,
    kind: ScanKind,
    facility: str,
    at: dt.datetime,
    actor: str,
    **payload: Any,
) -> ScanEvent:
    """A scan event a service records, under a fresh UUID."""
    return ScanEvent(event_id(), waybill, carrier, kind, facility, at, actor, payload)


def event_id() -> str:
    """A fresh time-ordered UUID (version 7, RFC 9562: the Unix time in milliseconds, then 74
    random bits) as text, the form `str(uuid.UUID(...))` gives. The ids the platform's
    services make thus arrive in order, so the ledger's index on them grows at its end
    instead of touching a random page for every event (a device's own ids stay whatever
    UUID it made); made from bytes, without the UUID object."""
    b = bytearray((time.time_ns() // 1_000_000).to_bytes(6, "big") + os.urandom(10))
    b[6] = b[6] & 0x0F | 0x70  # version 7
    b[8] = b[8] & 0x3F | 0x80  # the RFC 9562 variant
    h = b.hex()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def append_events(
    uow: UnitOfWork,
    county: str,
    events: Sequence[ScanEvent],
    received: dt.datetime,
    fingerprints: Mapping[str, str] | None = None,
    summaries: Mapping[str, ParcelSummary] | None = None,
) -> list[ParcelSummary]:
    """Inside an open unit of work: add new events and bring their parcels' projection up
    to date.

    A parcel's stored summary is continued with its new events when they all come after
    its latest one (the common case: `lifecycle.advance`); a parcel with a late upload
    among its new events is replayed from all its stored events; a parcel new to the
    ledger is derived from the events in hand, which are all it has. `summaries`: the
    stored summaries of (at least) these parcels when the caller has read them already."""
    by_parcel: dict[str, list[ScanEvent]] = {}
    for e in events:
        by_parcel.setdefault(e.waybill_no, []).append(e)
    stored = (
        {w: summaries[w] for w in by_parcel if w in summaries}
        if summaries is not None
        else uow.ledger.summaries(county, sorted(by_parcel))
    )
    uow.ledger.append(county, events, received, fingerprints)
    out: list[ParcelSummary] = []
    replay: list[str] = []
    for waybill, evs in by_parcel.items():
        after = advance(stored.get(waybill) or ParcelSummary.unseen(waybill), evs)
        if after is None:
            replay.append(waybill)
        else:
            out.append(after)
    if replay:
        for waybill, evs in uow.ledger.events_of(county, sorted(replay)).items():
            out.append(ParcelSummary.of(derive(waybill, evs)))
    uow.ledger.save_summaries(county, out, stored.keys())
    return out


@dataclass(frozen=True)
class ParcelView:
    """A parcel as the ledger tells it, with when each event reached the server."""

    county_code: str
    status: ParcelStatus
    received_at: Mapping[str, dt.datetime]
    carrier: str


def parcel_status(
    uow: UnitOfWork, waybill_no: str, county: str | None = None, by: Principal | None = None
) -> ParcelView:
    """A parcel's derived state, place and history; NotFound if no event names it, or if
    the caller may not see it (a station keeper sees only parcels that passed its station)."""
    waybill = normalise_waybill(waybill_no)
    with uow:
        codes = [county_code6(county)] if county else uow.counties.codes()
        for code in codes:
            events = uow.ledger.events_of(code, [waybill])[waybill]
            if events:
                places = {e.facility for e in events}
                station = by.station if by is not None and by.station in places else None
                where = Where(code, station=station, carrier=events[0].carrier)
                if not may(by, Action.READ, Resource.PARCEL, where):
                    break
                status = derive(waybill, events)
                received = uow.ledger.received_at([e.event_id for e in status.events])
                return ParcelView(code, status, received, status.events[-1].carrier)
    raise NotFound(f"no scan of waybill {waybill} is recorded")


def counts_by_state(uow: UnitOfWork, county: str, by: Principal | None = None) -> dict[str, int]:
    """Parcels per state in a county, from the projection."""
    check(by, Action.READ, Resource.COUNTY, Where(county_code6(county)))
    with uow:
        return uow.ledger.counts_by_state(county_code6(county))
