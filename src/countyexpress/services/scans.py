"""Scan ingest and parcel look-up: the ledger's use cases."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from countyexpress.domain.access import Action, Principal, Resource, Where, scope_of
from countyexpress.domain.geography import county_code6
from countyexpress.domain.lifecycle import ParcelStatus, ParcelSummary, advance, derive
from countyexpress.domain.scans import ScanEvent, ScanKind, normalise_waybill
from countyexpress.errors import Forbidden, InvalidValue, NotFound
from countyexpress.services.authz import check, may
from countyexpress.services.unit_of_work import UnitOfWork

REQUIRED = ("event_id", "waybill_no", "carrier", "kind", "facility", "at")


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


def event_from_record(record: Mapping[str, Any]) -> ScanEvent:
    """A ScanEvent from a JSON object; InvalidValue names the first bad field."""
    if not isinstance(record, Mapping):
        raise InvalidValue("record", "each record must be a JSON object")
    for name in REQUIRED:
        if record.get(name) in (None, ""):
            raise InvalidValue(name, f"{name} is missing")
    try:
        kind = ScanKind(str(record["kind"]).lower())
    except ValueError:
        allowed = ", ".join(k.value for k in ScanKind)
        raise InvalidValue("kind", f"kind {record['kind']!r} is not one of: {allowed}") from None
    try:
        at = dt.datetime.fromisoformat(str(record["at"]))
    except ValueError:
        raise InvalidValue("at", f"at {record['at']!r} is not an ISO 8601 time") from None
    payload = record.get("payload") or {}
    if not isinstance(payload, Mapping):
        raise InvalidValue("payload", "payload must be a JSON object")
    return ScanEvent(
        event_id=str(record["event_id"]).lower(),
        waybill_no=normalise_waybill(str(record["waybill_no"])),
        carrier=str(record["carrier"]).lower(),
        kind=kind,
        facility=str(record["facility"]),
        at=at,
        actor=str(record.get("actor") or ""),
        payload=dict(payload),
    )


def _resolve_county(facility: str, index: Mapping[str, set[str]], county: str | None) -> str:
    counties = index.get(facility, set())
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


def ingest(
    uow: UnitOfWork,
    records: Sequence[tuple[int, Mapping[str, Any]]],
    county: str | None = None,
    received_at: dt.datetime | None = None,
    by: Principal | None = None,
) -> IngestResult:
    """Append a batch of scan events; repeats are counted, conflicts and bad records refused.

    `records` pairs each JSON object with its line number (or position) for the report.
    The states of the parcels touched are derived again from all their events.
    """
    if by is not None and scope_of(by, Action.SCAN, Resource.PARCEL) is None:
        raise Forbidden(f"a {by.role.value} does not scan parcels")
    result = IngestResult()
    received = received_at or dt.datetime.now(dt.UTC)
    key = county_code6(county) if county else None
    with uow:
        index = uow.counties.facility_counties()
        carriers: dict[str, set[str]] = {}
        parsed: list[tuple[int, str, ScanEvent]] = []
        for line, record in records:
            try:
                event = event_from_record(record)
                code = _resolve_county(event.facility, index, key)
                if code not in carriers:
                    carriers[code] = uow.counties.carrier_codes(code)
                if carriers[code] and event.carrier not in carriers[code]:
                    raise InvalidValue("carrier", f"unknown carrier {event.carrier!r}")
                if by is not None and not may(
                    by,
                    Action.SCAN,
                    Resource.PARCEL,
                    Where(code, station=event.facility, carrier=event.carrier),
                ):
                    raise InvalidValue("facility", f"not allowed to scan at {event.facility}")
            except InvalidValue as exc:
                result.rejected.append(Rejection(line, str(exc)))
                continue
            parsed.append((line, code, event))
        stored = uow.ledger.fingerprints([e.event_id for _, _, e in parsed])
        seen: dict[str, str] = {}
        fresh: dict[str, list[ScanEvent]] = {}
        for line, code, event in parsed:
            fp = event.fingerprint()
            earlier = stored.get(event.event_id) or seen.get(event.event_id)
            if earlier is None:
                seen[event.event_id] = fp
                fresh.setdefault(code, []).append(event)
                result.accepted += 1
            elif earlier == fp:
                result.duplicates += 1
            else:
                result.rejected.append(
                    Rejection(
                        line,
                        f"event_id {event.event_id} conflicts: already recorded with other "
                        "content (send a new event to correct it)",
                    )
                )
        for code, events in fresh.items():
            append_events(uow, code, events, received, seen)
        uow.commit()
    result.rejected.sort(key=lambda r: r.line)
    return result


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
    return ScanEvent(str(uuid.uuid4()), waybill, carrier, kind, facility, at, actor, payload)


def append_events(
    uow: UnitOfWork,
    county: str,
    events: Sequence[ScanEvent],
    received: dt.datetime,
    fingerprints: Mapping[str, str] | None = None,
) -> list[ParcelSummary]:
    """Inside an open unit of work: add new events and bring their parcels' projection up
    to date.

    A parcel's stored summary is continued with its new events when they all come after
    its latest one (the common case: `lifecycle.advance`); a parcel with a late upload
    among its new events is replayed from all its stored events; a parcel new to the
    ledger is derived from the events in hand, which are all it has."""
    by_parcel: dict[str, list[ScanEvent]] = {}
    for e in events:
        by_parcel.setdefault(e.waybill_no, []).append(e)
    stored = uow.ledger.summaries(county, sorted(by_parcel))
    uow.ledger.append(county, events, received, fingerprints)
    out: list[ParcelSummary] = []
    replay: list[str] = []
    for waybill, evs in by_parcel.items():
        before = stored.get(waybill)
        after = ParcelSummary.of(derive(waybill, evs)) if before is None else advance(before, evs)
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
