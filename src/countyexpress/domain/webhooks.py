"""Carriers' webhooks: which ledger events a carrier is told of, what it is sent, how the
body is signed, and when a failed delivery is tried again.

Pure: the caller gives the time and the random draw. The schedule is exponential backoff
with full jitter: the n-th retry waits a uniform draw in [0, min(cap, base * 2**(n-1))].
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
from collections.abc import Mapping
from enum import StrEnum
from typing import Any

from countyexpress.domain.county_time import county_clock
from countyexpress.domain.scans import ScanKind


class WebhookEvent(StrEnum):
    """What a carrier is told of its parcel."""

    STORED = "parcel.stored"  # 入库: on a station's shelf or in a locker
    HANDED_OVER = "parcel.handed_over"  # 签收: handed to the receiver at a station or locker
    DELIVERED_AT_DOOR = "parcel.delivered_at_door"  # 送货上门签收
    RETURNED = "parcel.returned"  # 退回


class DeliveryState(StrEnum):
    """Where one event's delivery to one webhook stands."""

    PENDING = "pending"  # waiting for its next try
    DELIVERED = "delivered"  # the receiver answered 2xx
    DEAD = "dead"  # the last try failed: in the dead-letter list until replayed


WATCHED_KINDS = (ScanKind.STORE, ScanKind.PICKUP, ScanKind.RETURN)


def event_of(kind: str, payload: Mapping[str, Any]) -> WebhookEvent | None:
    """The webhook event a ledger scan of `kind` is, or None when carriers are not told."""
    if kind == ScanKind.STORE:
        return WebhookEvent.STORED
    if kind == ScanKind.RETURN:
        return WebhookEvent.RETURNED
    if kind == ScanKind.PICKUP:
        door = payload.get("method") == "door"
        return WebhookEvent.DELIVERED_AT_DOOR if door else WebhookEvent.HANDED_OVER
    return None


def body_of(
    event_id: str,
    event: WebhookEvent,
    waybill: str,
    carrier: str,
    facility: str,
    at: dt.datetime,
) -> dict[str, Any]:
    """What is POSTed: the parcel's number, what happened, where and when (county time and
    UTC). Nothing personal: no receiver, phone, address or signer."""
    return {
        "event_id": event_id,
        "event": str(event),
        "waybill_no": waybill,
        "carrier": carrier,
        "facility": facility,
        "at": county_clock(at).isoformat(),
        "at_utc": at.astimezone(dt.UTC).isoformat(),
    }


def encode(body: Mapping[str, Any]) -> bytes:
    """The exact bytes sent (and signed): compact JSON, UTF-8, keys sorted."""
    return json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def signature(secret: str, timestamp: str, body: bytes) -> str:
    """`sha256=` + hex HMAC-SHA256 of `timestamp + "." + body` under the webhook's secret."""
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def verify(secret: str, timestamp: str, body: bytes, header: str) -> bool:
    """Whether `header` is the signature of `body` at `timestamp` (constant time)."""
    return hmac.compare_digest(signature(secret, timestamp, body), header)


def ceiling(retry: int, base: float, cap: float) -> float:
    """The longest wait before retry number `retry` (1 = the first retry):
    min(cap, base * 2**(retry-1)); never more than `cap`, never less as `retry` grows."""
    if retry < 1:
        raise ValueError("retry counts from 1")
    if retry > 64:  # 2**64 * base is past any cap: no float overflow
        return cap
    return min(cap, base * 2.0 ** (retry - 1))


def next_try(
    attempts: int, at: dt.datetime, draw: float, base: float, cap: float, max_attempts: int
) -> dt.datetime | None:
    """When to try again after `attempts` failed tries at `at`, with full jitter from
    `draw` in [0, 1); None when that was the last try (the delivery is dead)."""
    if attempts >= max_attempts:
        return None
    wait = min(max(draw, 0.0), 1.0) * ceiling(attempts, base, cap)
    return at + dt.timedelta(seconds=wait)
