"""Carriers' webhooks (`webhooks`) and the outbox of their deliveries (`webhook_deliveries`).

A webhook is a carrier's URL with its own signing secret (Vault-encrypted at rest). A
delivery is one ledger event for one webhook: its body (no personal data), its tries and
its state (domain.webhooks.DeliveryState). One row per (webhook, event): enqueuing twice
is a no-op, so the sweep that fills it may run any number of times.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    DateTime,
    ForeignKeyConstraint,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from countyexpress.adapters.db.tables import metadata

webhooks = Table(
    "webhooks",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("county_code", String(6), nullable=False),
    Column("carrier", String(20), nullable=False),
    Column("url", String(500), nullable=False),
    # the signing secret, Vault ciphertext: re-encrypted by `keys rotate`, never purged
    Column("secret_enc", Text, nullable=False, info={"sealed": True}),
    Column("active", Boolean, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Index("ix_webhooks_county_carrier", "county_code", "carrier"),
)

webhook_deliveries = Table(
    "webhook_deliveries",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("webhook_id", Integer, nullable=False),
    Column("county_code", String(6), nullable=False),
    Column("event_id", String(36), nullable=False),  # the ledger's event id: the dedup key
    Column("event", String(40), nullable=False),
    Column("payload", JSON, nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("next_try_at", DateTime(timezone=True)),
    Column("last_status", Integer),
    Column("last_error", Text, nullable=False),
    Column("state", String(12), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("delivered_at", DateTime(timezone=True)),
    ForeignKeyConstraint(["webhook_id"], ["webhooks.id"], ondelete="CASCADE"),
    UniqueConstraint("webhook_id", "event_id", name="uq_webhook_deliveries_webhook_event"),
    Index("ix_webhook_deliveries_state_next", "state", "next_try_at"),
)
