"""离线 The station screen's work done without a signal, uploaded when it returns.

The station's phone keeps its scans in a queue, each with the id (a UUID) the phone made
and the phone's clock, and sends them in order once the network is back. Here each is
shelved as a live scan would be (`stations.station_inbound_many`: a shelf, a pickup code,
the receiver told), dated by the phone's clock within the county's scan window; its arrival
event keeps the phone's id, so a repeat of an upload whose answer was lost is counted as a
duplicate and changes nothing.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from countyexpress.domain import offline_check
from countyexpress.domain.access import Principal
from countyexpress.domain.lifecycle import ParcelState
from countyexpress.domain.scans import ScanWindow, normalise_waybill
from countyexpress.domain.shelves import HandoverOutcome
from countyexpress.errors import N_, CountyExpressError, InvalidValue, said
from countyexpress.services import station_desk, stations
from countyexpress.services.ports import Cipher
from countyexpress.services.unit_of_work import UnitOfWork

MAX_UPLOAD = 100
"""Queued scans in one upload; the phone sends a longer queue in several."""


class Outcome(StrEnum):
    STORED = "stored"
    DUPLICATE = "duplicate"  # this event id is in the ledger already: nothing done again
    REFUSED = "refused"


@dataclass(frozen=True)
class Uploaded:
    """What became of one queued scan."""

    event_id: str
    waybill_no: str
    outcome: Outcome
    shelf: str = ""
    pickup_code: str = ""
    error: CountyExpressError | None = None


@dataclass(frozen=True)
class _Queued:
    line: int
    event_id: str
    waybill: str
    at: dt.datetime | None
    error: CountyExpressError | None


def _parse(line: int, record: Mapping[str, Any], window: ScanWindow, now: dt.datetime) -> _Queued:
    """One queued scan as the phone sent it, or its refusal (the first thing wrong)."""
    event_id = str(record.get("event_id", "")).strip().lower()
    raw = str(record.get("waybill", ""))
    try:
        if not _is_uuid(event_id):
            raise said(InvalidValue, N_("the scan has no valid event id (a UUID)"), "event_id")
        waybill = normalise_waybill(raw)
        try:
            at = dt.datetime.fromisoformat(str(record.get("occurred_at", "")))
        except ValueError:
            at = None
        if at is None or at.tzinfo is None:
            raise said(
                InvalidValue,
                N_("the scan's time is not an ISO 8601 time with its offset"),
                "occurred_at",
            )
        at = at.astimezone(dt.UTC)
        if window.refusal(at, now) is not None:
            raise said(
                InvalidValue,
                N_(
                    "scanned outside what the server takes (%(days)s days back, %(minutes)s "
                    "minutes ahead): check the phone's clock"
                ),
                "occurred_at",
                days=window.days_back,
                minutes=window.minutes_ahead,
            )
    except CountyExpressError as exc:
        return _Queued(line, event_id, raw.strip(), None, exc)
    return _Queued(line, event_id, waybill, at, None)


def _window(
    uow: UnitOfWork, county_code: str, what: str, records: Sequence[Mapping[str, Any]]
) -> ScanWindow:
    """The county's scan window, for an upload of at most MAX_UPLOAD `what`."""
    if len(records) > MAX_UPLOAD:
        raise InvalidValue(what, f"at most {MAX_UPLOAD} {what} in one upload: send the rest")
    with uow:
        county = uow.counties.get(county_code)
    return county.operations.scan_window if county else ScanWindow()


def _is_uuid(text: str) -> bool:
    """Whether `text` is a UUID as a device writes one (lower-case, with dashes)."""
    parts = text.split("-")
    return [len(p) for p in parts] == [8, 4, 4, 4, 12] and all(
        c in "0123456789abcdef" for p in parts for c in p
    )


def upload_scans(
    uow: UnitOfWork,
    cipher: Cipher,
    county_code: str,
    facility_code: str,
    records: Sequence[Mapping[str, Any]],
    actor: str = "",
    by: Principal | None = None,
    now: dt.datetime | None = None,
) -> list[Uploaded]:
    """入库 of a phone's queued scans at its station, in the order given; the answer for
    each, in the same order. A scan whose event id the ledger holds is a duplicate."""
    now = now or dt.datetime.now(dt.UTC)
    window = _window(uow, county_code, "scans", records)
    queued = [_parse(n, r, window, now) for n, r in enumerate(records, start=1)]
    ids = [q.event_id for q in queued if q.error is None]
    with uow:
        seen = set(uow.ledger.received_at(ids)) if ids else set()
    fresh = [q for q in queued if q.error is None and q.event_id not in seen]
    event_ids: dict[str, str] = {}
    for q in fresh:  # a waybill twice: the first is shelved, the second refused as shelved
        event_ids.setdefault(q.waybill, q.event_id)
    stored: dict[str, stations.Stored] = {}
    refused: dict[str, list[CountyExpressError]] = {}
    if fresh:
        result = stations.station_inbound_many(
            uow, cipher, county_code, facility_code, [(q.waybill, q.at) for q in fresh],
            actor, by=by, event_ids=event_ids,
        )  # fmt: skip
        stored = {s.waybill_no: s for s in result.stored}
        for (waybill, _), error in zip(result.refused, result.errors, strict=True):
            refused.setdefault(waybill, []).append(error)
    out: list[Uploaded] = []
    for q in queued:
        if q.error is not None:
            out.append(Uploaded(q.event_id, q.waybill, Outcome.REFUSED, error=q.error))
        elif q.event_id in seen:
            out.append(Uploaded(q.event_id, q.waybill, Outcome.DUPLICATE))
        elif event_ids.get(q.waybill) == q.event_id and q.waybill in stored:
            s = stored[q.waybill]
            out.append(Uploaded(q.event_id, q.waybill, Outcome.STORED, s.place, s.pickup_code))
        else:
            left = refused[q.waybill].pop(0) if refused.get(q.waybill) else None
            out.append(Uploaded(q.event_id, q.waybill, Outcome.REFUSED, error=left))
    return out


@dataclass(frozen=True)
class KeptParcel:
    """A waiting parcel as the station's phone keeps it: nothing personal in the clear."""

    waybill_no: str
    pickup_code: str
    shelf: str
    stored_at: dt.datetime
    salt: bytes
    check: bytes  # offline_check.device_hash of the code and the receiver's phone tail


def device_shelf(
    uow: UnitOfWork, cipher: Cipher, by: Principal, county_code: str, facility_code: str
) -> list[KeptParcel]:
    """The station's waiting parcels for its phone to keep, each with a fresh salt and the
    slow hash of its pickup code and phone tail (the tail is read from the encrypted phone
    number here and not sent)."""
    desk = station_desk.desk(uow, by, county_code, facility_code)
    with uow:
        items = uow.ops.manifest_items_for(
            desk.county_code, [w.waybill_no for w in desk.waiting], ("receiver_phone_enc",)
        )
    kept: list[KeptParcel] = []
    for w in desk.waiting:
        item = items.get(w.waybill_no)
        if item is None or not item.get("receiver_phone_enc"):
            continue  # no tail to check against: handed over only online
        tail = cipher.decrypt(item["receiver_phone_enc"])[-4:]
        salt = secrets.token_bytes(offline_check.SALT_BYTES)
        check = offline_check.device_hash(w.pickup_code, tail, salt)
        kept.append(KeptParcel(w.waybill_no, w.pickup_code, w.shelf, w.stored_at, salt, check))
    return kept


@dataclass(frozen=True)
class Confirmed:
    """What became of one hand-over made offline, on upload."""

    waybill_no: str
    outcome: str  # a HandoverOutcome value, or "duplicate"
    error: CountyExpressError | None = None


def upload_handovers(
    uow: UnitOfWork,
    cipher: Cipher,
    county_code: str,
    facility_code: str,
    records: Sequence[Mapping[str, Any]],
    actor: str,
    by: Principal,
    client: stations.Client,
    now: dt.datetime | None = None,
) -> list[Confirmed]:
    """The hand-overs a phone made offline ({waybill, pickup, tail, occurred_at}), each
    checked again as any hand-over (`stations.hand_over_many`, dated by the phone within
    the scan window). One the ledger shows handed over here already (an upload sent again)
    is a duplicate."""
    now = now or dt.datetime.now(dt.UTC)
    window = _window(uow, county_code, "handovers", records)
    out: list[Confirmed] = []
    for record in records:
        waybill = str(record.get("waybill", "")).strip().upper()
        timed = _parse(0, {**record, "event_id": _ANY_ID, "waybill": waybill}, window, now)
        if timed.error is not None:
            out.append(Confirmed(waybill, "refused", timed.error))
            continue
        pickup, tail = str(record.get("pickup", "")), str(record.get("tail", ""))
        (done,) = stations.hand_over_many(
            uow, cipher, county_code, facility_code, [(pickup, tail, timed.at)], actor,
            by=by, client=client,
        )  # fmt: skip
        if done.outcome is HandoverOutcome.NOT_HERE and _handed_over_here(
            uow, county_code, facility_code, timed.waybill
        ):
            out.append(Confirmed(timed.waybill, "duplicate"))
        else:
            out.append(Confirmed(done.waybill_no or timed.waybill, done.outcome.value))
    return out


_ANY_ID = "00000000-0000-4000-8000-000000000000"


def _handed_over_here(uow: UnitOfWork, county: str, facility: str, waybill: str) -> bool:
    with uow:
        summary = uow.ledger.summaries(county, [waybill]).get(waybill)
    return (
        summary is not None
        and summary.state is ParcelState.DELIVERED
        and (summary.place == facility)
    )
