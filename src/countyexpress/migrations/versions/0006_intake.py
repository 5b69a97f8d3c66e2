"""Outbound intake: real-name intake records (ID and name encrypted) and carrier confirmations

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-28 16:10:22.149807
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "carrier_confirmations",
        sa.Column("county_code", sa.String(length=6), nullable=False),
        sa.Column("shape", sa.String(length=40), nullable=False),
        sa.Column("carrier", sa.String(length=20), nullable=False),
        sa.Column("times", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint(
            "county_code", "shape", "carrier", name=op.f("pk_carrier_confirmations")
        ),
    )
    op.create_table(
        "intake_records",
        sa.Column("county_code", sa.String(length=6), nullable=False),
        sa.Column("waybill_no", sa.String(length=32), nullable=False),
        sa.Column("carrier", sa.String(length=20), nullable=False),
        sa.Column("facility", sa.String(length=40), nullable=False),
        sa.Column("id_type", sa.String(length=40), nullable=False),
        sa.Column("id_number_enc", sa.Text(), nullable=False),
        sa.Column("id_number_hash", sa.String(length=64), nullable=False),
        sa.Column("sender_name_enc", sa.Text(), nullable=False),
        sa.Column("sender_name_masked", sa.String(length=100), nullable=False),
        sa.Column("category", sa.String(length=40), nullable=False),
        sa.Column("description", sa.String(length=200), nullable=False),
        sa.Column("inspected_by", sa.String(length=100), nullable=False),
        sa.Column("screening_place", sa.String(length=40), nullable=False),
        sa.Column("security_mark", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("county_code", "waybill_no", name=op.f("pk_intake_records")),
    )
    with op.batch_alter_table("intake_records", schema=None) as batch_op:
        batch_op.create_index(
            "ix_intake_records_county_created", ["county_code", "created_at"], unique=False
        )
        batch_op.create_index(
            "ix_intake_records_county_id_hash", ["county_code", "id_number_hash"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("intake_records", schema=None) as batch_op:
        batch_op.drop_index("ix_intake_records_county_id_hash")
        batch_op.drop_index("ix_intake_records_county_created")

    op.drop_table("intake_records")
    op.drop_table("carrier_confirmations")
