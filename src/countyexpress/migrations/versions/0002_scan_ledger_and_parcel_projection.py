"""Scan ledger (append-only) and the parcel projection derived from it

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28 15:56:47.874174
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "parcels",
        sa.Column("county_code", sa.String(length=6), nullable=False),
        sa.Column("waybill_no", sa.String(length=32), nullable=False),
        sa.Column("carrier", sa.String(length=20), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("place", sa.String(length=40), nullable=False),
        sa.Column("last_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("events", sa.Integer(), nullable=False),
        sa.Column("anomalies", sa.Integer(), nullable=False),
        sa.Column("open_exception", sa.Boolean(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("county_code", "waybill_no", name=op.f("pk_parcels")),
    )
    with op.batch_alter_table("parcels", schema=None) as batch_op:
        batch_op.create_index("ix_parcels_county_place", ["county_code", "place"], unique=False)
        batch_op.create_index("ix_parcels_county_state", ["county_code", "state"], unique=False)

    op.create_table(
        "scan_events",
        sa.Column("event_id", sa.String(length=36), nullable=False),
        sa.Column("county_code", sa.String(length=6), nullable=False),
        sa.Column("waybill_no", sa.String(length=32), nullable=False),
        sa.Column("carrier", sa.String(length=20), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("facility", sa.String(length=40), nullable=False),
        sa.Column("actor", sa.String(length=100), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("at_text", sa.String(length=40), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("fingerprint", sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint("event_id", name=op.f("pk_scan_events")),
    )
    with op.batch_alter_table("scan_events", schema=None) as batch_op:
        batch_op.create_index(
            "ix_scan_events_county_received", ["county_code", "received_at"], unique=False
        )
        batch_op.create_index(
            "ix_scan_events_county_waybill", ["county_code", "waybill_no"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("scan_events", schema=None) as batch_op:
        batch_op.drop_index("ix_scan_events_county_waybill")
        batch_op.drop_index("ix_scan_events_county_received")

    op.drop_table("scan_events")
    with op.batch_alter_table("parcels", schema=None) as batch_op:
        batch_op.drop_index("ix_parcels_county_state")
        batch_op.drop_index("ix_parcels_county_place")

    op.drop_table("parcels")
