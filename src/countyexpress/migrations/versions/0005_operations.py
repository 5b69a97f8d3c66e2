"""Operations: manifests, consent, station shelves, hand-over attempts, lockers, outbox

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-28 16:04:59.594035
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "consents",
        sa.Column("county_code", sa.String(length=6), nullable=False),
        sa.Column("phone_hash", sa.String(length=64), nullable=False),
        sa.Column("choice", sa.String(length=10), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("source", sa.String(length=40), nullable=False),
        sa.PrimaryKeyConstraint("county_code", "phone_hash", name=op.f("pk_consents")),
    )
    op.create_table(
        "handover_attempts",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("county_code", sa.String(length=6), nullable=False),
        sa.Column("facility", sa.String(length=40), nullable=False),
        sa.Column("waybill_no", sa.String(length=32), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ok", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_handover_attempts")),
    )
    with op.batch_alter_table("handover_attempts", schema=None) as batch_op:
        batch_op.create_index(
            "ix_handover_attempts_parcel", ["county_code", "waybill_no"], unique=False
        )
        batch_op.create_index(
            "ix_handover_attempts_station", ["county_code", "facility", "at"], unique=False
        )

    op.create_table(
        "locker_compartments",
        sa.Column("county_code", sa.String(length=6), nullable=False),
        sa.Column("facility", sa.String(length=40), nullable=False),
        sa.Column("compartment", sa.String(length=10), nullable=False),
        sa.Column("size", sa.String(length=1), nullable=False),
        sa.Column("waybill_no", sa.String(length=32), nullable=True),
        sa.Column("pickup_code", sa.String(length=20), nullable=True),
        sa.Column("deposited_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint(
            "county_code", "facility", "compartment", name=op.f("pk_locker_compartments")
        ),
    )
    op.create_table(
        "manifest_items",
        sa.Column("county_code", sa.String(length=6), nullable=False),
        sa.Column("waybill_no", sa.String(length=32), nullable=False),
        sa.Column("carrier", sa.String(length=20), nullable=False),
        sa.Column("manifest_id", sa.String(length=64), nullable=False),
        sa.Column("receiver_name_enc", sa.Text(), nullable=False),
        sa.Column("receiver_name_masked", sa.String(length=100), nullable=False),
        sa.Column("receiver_phone_enc", sa.Text(), nullable=False),
        sa.Column("receiver_phone_hash", sa.String(length=64), nullable=False),
        sa.Column("receiver_phone_masked", sa.String(length=32), nullable=False),
        sa.Column("phone_tail_hash", sa.String(length=64), nullable=False),
        sa.Column("address_enc", sa.Text(), nullable=False),
        sa.Column("address_masked", sa.String(length=300), nullable=False),
        sa.Column("division_code", sa.String(length=12), nullable=True),
        sa.Column("township_code", sa.String(length=12), nullable=True),
        sa.Column("resolution", sa.String(length=200), nullable=False),
        sa.Column("delivery_mode", sa.String(length=10), nullable=False),
        sa.Column("delivery_flagged", sa.Boolean(), nullable=False),
        sa.Column("delivery_reason", sa.String(length=200), nullable=False),
        sa.Column("target_facility", sa.String(length=40), nullable=True),
        sa.Column("route_bag", sa.String(length=40), nullable=True),
        sa.Column("vehicle", sa.String(length=40), nullable=True),
        sa.Column("weight_kg", sa.Float(), nullable=True),
        sa.Column("size", sa.String(length=1), nullable=False),
        sa.Column("cold", sa.Boolean(), nullable=False),
        sa.Column("fee", sa.String(length=12), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("county_code", "waybill_no", name=op.f("pk_manifest_items")),
    )
    with op.batch_alter_table("manifest_items", schema=None) as batch_op:
        batch_op.create_index(
            "ix_manifest_items_county_division", ["county_code", "division_code"], unique=False
        )
        batch_op.create_index(
            "ix_manifest_items_county_received", ["county_code", "received_at"], unique=False
        )

    op.create_table(
        "outbox",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("county_code", sa.String(length=6), nullable=False),
        sa.Column("channel", sa.String(length=10), nullable=False),
        sa.Column("to_enc", sa.Text(), nullable=False),
        sa.Column("to_masked", sa.String(length=32), nullable=False),
        sa.Column("template", sa.String(length=40), nullable=False),
        sa.Column("params", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox")),
    )
    op.create_table(
        "station_slots",
        sa.Column("county_code", sa.String(length=6), nullable=False),
        sa.Column("waybill_no", sa.String(length=32), nullable=False),
        sa.Column("facility", sa.String(length=40), nullable=False),
        sa.Column("shelf", sa.String(length=10), nullable=False),
        sa.Column("pickup_code", sa.String(length=20), nullable=False),
        sa.Column("stored_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_by", sa.String(length=10), nullable=True),
        sa.PrimaryKeyConstraint("county_code", "waybill_no", name=op.f("pk_station_slots")),
    )
    with op.batch_alter_table("station_slots", schema=None) as batch_op:
        batch_op.create_index(
            "ix_station_slots_open", ["county_code", "facility", "closed_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("station_slots", schema=None) as batch_op:
        batch_op.drop_index("ix_station_slots_open")

    op.drop_table("station_slots")
    op.drop_table("outbox")
    with op.batch_alter_table("manifest_items", schema=None) as batch_op:
        batch_op.drop_index("ix_manifest_items_county_received")
        batch_op.drop_index("ix_manifest_items_county_division")

    op.drop_table("manifest_items")
    op.drop_table("locker_compartments")
    with op.batch_alter_table("handover_attempts", schema=None) as batch_op:
        batch_op.drop_index("ix_handover_attempts_station")
        batch_op.drop_index("ix_handover_attempts_parcel")

    op.drop_table("handover_attempts")
    op.drop_table("consents")
