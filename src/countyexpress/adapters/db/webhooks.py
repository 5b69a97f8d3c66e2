"""Carriers' webhooks and their deliveries on SQL (tables_webhooks)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, and_, exists, insert, select, update

from countyexpress.adapters.db.operations import _record, _utc
from countyexpress.adapters.db.tables_ledger import scan_events
from countyexpress.adapters.db.tables_webhooks import webhook_deliveries, webhooks

Record = dict[str, Any]


class SqlWebhooks:
    """Webhooks, the ledger events not yet enqueued for them, and the deliveries."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection

    def add(self, county: str, carrier: str, url: str, secret_enc: str, at: dt.datetime) -> int:
        result = self.connection.execute(
            insert(webhooks).values(
                county_code=county,
                carrier=carrier,
                url=url,
                secret_enc=secret_enc,
                active=True,
                created_at=_utc(at),
            )
        )
        key = result.inserted_primary_key
        assert key is not None
        return int(key[0])

    def get(self, webhook_id: int) -> Record | None:
        row = self.connection.execute(select(webhooks).where(webhooks.c.id == webhook_id)).first()
        return None if row is None else _record(row)

    def all(self, county: str, carrier: str | None = None) -> list[Record]:
        query = select(webhooks).where(webhooks.c.county_code == county)
        if carrier is not None:
            query = query.where(webhooks.c.carrier == carrier)
        return [_record(r) for r in self.connection.execute(query.order_by(webhooks.c.id))]

    def active(self) -> list[Record]:
        query = select(webhooks).where(webhooks.c.active.is_(True)).order_by(webhooks.c.id)
        return [_record(r) for r in self.connection.execute(query)]

    def set_active(self, webhook_id: int, active: bool) -> None:
        self.connection.execute(
            update(webhooks).where(webhooks.c.id == webhook_id).values(active=active)
        )

    def unsent_events(self, hook: Record, kinds: Sequence[str], limit: int) -> list[Record]:
        """The ledger events of the hook's carrier and county, of `kinds`, received since the
        hook was registered, that have no delivery row for it yet (an anti-join, not a
        cursor: an event committed late with an earlier time is still found)."""
        e, d = scan_events.c, webhook_deliveries.c
        done = exists().where(and_(d.webhook_id == hook["id"], d.event_id == e.event_id))
        query = (
            select(e.event_id, e.waybill_no, e.carrier, e.kind, e.facility, e.at, e.payload)
            .where(
                e.county_code == hook["county_code"],
                e.carrier == hook["carrier"],
                e.kind.in_(list(kinds)),
                e.received_at >= _utc(hook["created_at"]),
                ~done,
            )
            .order_by(e.received_at, e.event_id)
            .limit(limit)
        )
        return [_record(r) for r in self.connection.execute(query)]

    def enqueue(self, rows: Sequence[Record]) -> None:
        if rows:
            self.connection.execute(
                insert(webhook_deliveries),
                [
                    {
                        **r,
                        "created_at": _utc(r["created_at"]),
                        "next_try_at": _utc(r["next_try_at"]),
                    }
                    for r in rows
                ],
            )

    def due(self, now: dt.datetime, limit: int) -> list[Record]:
        """Pending deliveries whose next try is due, oldest first, with their hook."""
        d, w = webhook_deliveries.c, webhooks.c
        query = (
            select(webhook_deliveries, w.url, w.secret_enc)
            .join(webhooks, w.id == d.webhook_id)
            .where(d.state == "pending", d.next_try_at <= _utc(now), w.active.is_(True))
            .order_by(d.next_try_at, d.id)
            .limit(limit)
        )
        return [_record(r) for r in self.connection.execute(query)]

    def record_try(self, delivery_id: int, **values: Any) -> None:
        for key in ("next_try_at", "delivered_at"):
            if isinstance(values.get(key), dt.datetime):
                values[key] = _utc(values[key])
        self.connection.execute(
            update(webhook_deliveries)
            .where(webhook_deliveries.c.id == delivery_id)
            .values(**values)
        )

    def deliveries(
        self, county: str, state: str | None = None, carrier: str | None = None
    ) -> list[Record]:
        d, w = webhook_deliveries.c, webhooks.c
        query = (
            select(webhook_deliveries, w.carrier, w.url)
            .join(webhooks, w.id == d.webhook_id)
            .where(d.county_code == county)
        )
        if state is not None:
            query = query.where(d.state == state)
        if carrier is not None:
            query = query.where(w.carrier == carrier)
        return [_record(r) for r in self.connection.execute(query.order_by(d.id))]

    def delivery(self, delivery_id: int) -> Record | None:
        d, w = webhook_deliveries.c, webhooks.c
        row = self.connection.execute(
            select(webhook_deliveries, w.carrier)
            .join(webhooks, w.id == d.webhook_id)
            .where(d.id == delivery_id)
        ).first()
        return None if row is None else _record(row)
