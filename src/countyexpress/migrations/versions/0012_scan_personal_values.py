"""Personal values of device uploads kept apart from the ledger, encrypted: scan_personal;
the actor and payload of events stored before scrubbed of phone and ID numbers, their
personal fields replaced by "[encrypted]" (no key here to encrypt them: they are dropped,
as the purge would) and their fingerprints made again over what is kept

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-05 19:00:00
"""

from __future__ import annotations

import datetime as dt
import json

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

BATCH = 2_000


def upgrade() -> None:
    op.create_table(
        "scan_personal",
        sa.Column("event_id", sa.String(length=36), nullable=False),
        sa.Column("path", sa.String(length=200), nullable=False),
        sa.Column("county_code", sa.String(length=6), nullable=False),
        sa.Column("value_enc", sa.Text(), nullable=False),
        sa.Column("value_hash", sa.String(length=64), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("event_id", "path", name=op.f("pk_scan_personal")),
    )
    with op.batch_alter_table("scan_personal", schema=None) as batch_op:
        batch_op.create_index(
            "ix_scan_personal_county_received", ["county_code", "received_at"], unique=False
        )
    _scrub_stored_events()


def _scrub_stored_events() -> None:
    """Rewrite only the events whose actor or payload change when redacted."""
    from countyexpress.domain.scans import ScanEvent, ScanKind, redact

    bind = op.get_bind()
    if bind.dialect.name == "sqlite":  # the rewritten rows' old bytes overwritten, not freed
        bind.exec_driver_sql("PRAGMA secure_delete = ON")
    events = sa.table(
        "scan_events",
        sa.column("event_id", sa.String),
        sa.column("waybill_no", sa.String),
        sa.column("carrier", sa.String),
        sa.column("kind", sa.String),
        sa.column("facility", sa.String),
        sa.column("at_text", sa.String),
        sa.column("actor", sa.String),
        sa.column("payload", sa.JSON),
        sa.column("fingerprint", sa.String),
    )
    c = events.c
    rows = bind.execute(
        sa.select(
            c.event_id, c.waybill_no, c.carrier, c.kind, c.facility, c.at_text, c.actor, c.payload
        ),
        execution_options={"stream_results": True, "yield_per": 10_000},  # a big ledger
    )
    changed: list[dict[str, object]] = []
    for r in rows:
        payload = r.payload if isinstance(r.payload, dict) else json.loads(r.payload or "{}")
        kept = redact(r.actor or "", payload)
        if kept.actor == (r.actor or "") and kept.payload == payload:
            continue
        at = dt.datetime.fromisoformat(r.at_text)
        event = ScanEvent(r.event_id, r.waybill_no, r.carrier, ScanKind(r.kind), r.facility, at,
                          kept.actor, kept.payload)  # fmt: skip
        changed.append({"_id": r.event_id, "actor": kept.actor, "payload": kept.payload,
                        "fingerprint": event.fingerprint()})  # fmt: skip
    update = (
        sa.update(events)
        .where(c.event_id == sa.bindparam("_id"))
        .values(
            actor=sa.bindparam("actor"),
            payload=sa.bindparam("payload"),
            fingerprint=sa.bindparam("fingerprint"),
        )
    )
    for i in range(0, len(changed), BATCH):
        bind.execute(update, changed[i : i + BATCH])


def downgrade() -> None:
    with op.batch_alter_table("scan_personal", schema=None) as batch_op:
        batch_op.drop_index("ix_scan_personal_county_received")
    op.drop_table("scan_personal")
