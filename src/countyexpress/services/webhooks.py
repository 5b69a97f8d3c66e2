"""Carriers' webhooks: register, fill the delivery outbox from the ledger, deliver, replay.

Filling the outbox is a sweep, not a hook in every scan path: for each active webhook, the
ledger events of its carrier (stored, handed over, delivered at the door, returned) that
have no delivery row for it yet are enqueued. It is an anti-join, not a cursor, so an event
whose transaction commits late (with an earlier time) is still found, and a crash between
the sweep and its commit only means the next sweep finds the same events again: at least
once, and the unique (webhook, event id) row keeps it to one delivery row each.

Delivering holds no transaction during the HTTP request: the due rows are read, each is
POSTed, and its outcome written in its own short transaction. A crash after the POST and
before the write sends it again; the receiver deduplicates by the event id.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import random
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol
from urllib.parse import urlsplit

from countyexpress.domain import webhooks as rules
from countyexpress.domain.access import Action, Principal, Resource, Role, Where
from countyexpress.errors import N_, InvalidValue, NotFound, said
from countyexpress.services.authz import check
from countyexpress.services.ports import Cipher

SWEEP_LIMIT = 1000
DELIVER_LIMIT = 200


@dataclass(frozen=True)
class RetryPolicy:
    """Exponential backoff with full jitter (settings: webhook_retry_*)."""

    base_seconds: float = 30.0
    cap_seconds: float = 3600.0
    max_attempts: int = 16


@dataclass(frozen=True)
class Answer:
    """What the receiver said: an HTTP status, or None and the error when none came."""

    status: int | None
    error: str = ""

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


class Poster(Protocol):
    """POSTs a body with headers to a URL (adapters.webhook_http.post)."""

    def __call__(self, url: str, body: bytes, headers: dict[str, str]) -> Answer: ...


def _check_url(url: str, outside: bool) -> str:
    """The URL stripped; InvalidValue unless http(s) with a host, and, when `outside`, unless
    its host is a name or a public address (not this machine or a private network)."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InvalidValue("url", f"webhook URL {url!r} must be an http(s) address")
    if outside:
        host = parts.hostname
        try:
            inside = not ipaddress.ip_address(host).is_global
        except ValueError:
            inside = host == "localhost" or host.endswith(".localhost")
        if inside:
            raise InvalidValue(
                "url", f"webhook URL {url!r} points inside the platform's network: give "
                "the carrier's public address"
            )  # fmt: skip
    return url.strip()


def add(
    uow: Any,
    cipher: Cipher,
    by: Principal | None,
    county: str,
    carrier: str,
    url: str,
    now: dt.datetime,
) -> tuple[int, str]:
    """Register `carrier`'s webhook; its id and its signing secret (shown once, kept
    encrypted). Events from now on are sent to it."""
    check(by, Action.EDIT, Resource.WEBHOOK, Where(county, carrier=carrier))
    url = _check_url(url, outside=by is not None and by.role is Role.CARRIER)
    secret = "whsec_" + secrets.token_urlsafe(32)
    with uow:
        found = uow.counties.get(county)
        if found is None:
            raise NotFound(f"county {county} is not loaded")
        if not any(c.code == carrier for c in found.carriers):
            raise NotFound(f"carrier {carrier} is not registered in county {county}")
        hook_id = uow.webhooks.add(county, carrier, url, cipher.encrypt(secret), now)
        uow.commit()
    return hook_id, secret


def _public(hook: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in hook.items() if k != "secret_enc"}


def listing(uow: Any, by: Principal | None, county: str) -> list[dict[str, Any]]:
    """The county's webhooks (a carrier's key: its own), without secrets."""
    carrier = by.carrier if by is not None else None
    check(by, Action.READ, Resource.WEBHOOK, Where(county, carrier=carrier))
    with uow:
        return [_public(h) for h in uow.webhooks.all(county, carrier)]


def deliveries(
    uow: Any, by: Principal | None, county: str, state: str | None = None
) -> list[dict[str, Any]]:
    """The county's deliveries in `state` (e.g. the dead letters); a carrier's key: its own."""
    carrier = by.carrier if by is not None else None
    check(by, Action.READ, Resource.WEBHOOK, Where(county, carrier=carrier))
    with uow:
        found: list[dict[str, Any]] = uow.webhooks.deliveries(county, state, carrier)
        return found


def replay(
    uow: Any, by: Principal | None, delivery_id: int, now: dt.datetime, county: str | None = None
) -> None:
    """A dead (or any) delivery back to pending, due now, its tries counted afresh; with
    `county`, only one of that county's."""
    with uow:
        row = uow.webhooks.delivery(delivery_id)
        if row is None or (county is not None and row["county_code"] != county):
            raise said(NotFound, N_("webhook delivery %(id)s does not exist"), id=delivery_id)
        check(by, Action.EDIT, Resource.WEBHOOK, Where(row["county_code"], carrier=row["carrier"]))
        uow.webhooks.record_try(
            delivery_id,
            state=rules.DeliveryState.PENDING.value,
            attempts=0,
            next_try_at=now,
        )
        uow.commit()


def sweep(uow: Any, now: dt.datetime) -> int:
    """Enqueue the ledger's new events for every active webhook; how many were enqueued."""
    kinds = [str(k) for k in rules.WATCHED_KINDS]
    added = 0
    with uow:
        for hook in uow.webhooks.active():
            rows = []
            for e in uow.webhooks.unsent_events(hook, kinds, SWEEP_LIMIT):
                event = rules.event_of(e["kind"], e["payload"] or {})
                if event is None:
                    continue
                body = rules.body_of(
                    e["event_id"], event, e["waybill_no"], e["carrier"], e["facility"], e["at"]
                )
                rows.append(
                    {
                        "webhook_id": hook["id"],
                        "county_code": hook["county_code"],
                        "event_id": e["event_id"],
                        "event": str(event),
                        "payload": body,
                        "attempts": 0,
                        "next_try_at": now,
                        "last_status": None,
                        "last_error": "",
                        "state": rules.DeliveryState.PENDING.value,
                        "created_at": now,
                    }
                )
            uow.webhooks.enqueue(rows)
            added += len(rows)
        uow.commit()
    return added


@dataclass(frozen=True)
class Pass:
    """What one delivery pass did."""

    enqueued: int
    delivered: int
    failed: int
    dead: int


def deliver(
    new_uow: Callable[[], Any],
    cipher: Cipher,
    post: Poster,
    now: dt.datetime,
    policy: RetryPolicy = RetryPolicy(),
    draw: Callable[[], float] = random.random,
) -> Pass:
    """One pass: sweep, then POST every due delivery, signed, and record each outcome."""
    enqueued = sweep(new_uow(), now)
    with new_uow() as uow:
        due = uow.webhooks.due(now, DELIVER_LIMIT)
    delivered = failed = dead = 0
    for row in due:
        body = rules.encode(row["payload"])
        stamp = str(int(now.timestamp()))
        secret = cipher.decrypt(row["secret_enc"])
        headers = {
            "Content-Type": "application/json",
            "X-CountyExpress-Event-Id": row["event_id"],
            "X-CountyExpress-Event": row["event"],
            "X-CountyExpress-Timestamp": stamp,
            "X-CountyExpress-Signature": rules.signature(secret, stamp, body),
        }
        answer = post(row["url"], body, headers)
        attempts = row["attempts"] + 1
        values: dict[str, Any] = {
            "attempts": attempts,
            "last_status": answer.status,
            "last_error": answer.error[:500],
        }
        if answer.ok:
            delivered += 1
            values |= {"state": "delivered", "delivered_at": now, "next_try_at": None}
        else:
            again = rules.next_try(
                attempts,
                now,
                draw(),
                policy.base_seconds,
                policy.cap_seconds,
                policy.max_attempts,
            )
            if again is None:
                dead += 1
                values |= {"state": "dead", "next_try_at": None}
            else:
                failed += 1
                values |= {"next_try_at": again}
        with new_uow() as uow:
            uow.webhooks.record_try(row["id"], **values)
            uow.commit()
    return Pass(enqueued, delivered, failed, dead)
