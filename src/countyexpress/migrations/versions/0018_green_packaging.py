"""Green packaging records and carriers' packaging reports (issue 14, task 17)

The `packaging_reports` table (docs/packaging.md): a carrier's month at an outlet (or its
whole county) — parcels, slim tape, e-waybills, not re-boxed, reusable packaging, prohibited
bags, transit bags and reusable ones, reusable boxes in use, cartons reused. And the
`parcel_packaging` table: what the intake desk recorded of a parcel's packaging.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-06 03:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "packaging_reports",
        sa.Column("county_code", sa.String(length=6), nullable=False),
        sa.Column("carrier", sa.String(length=40), nullable=False),
        sa.Column("outlet", sa.String(length=40), nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("parcels", sa.Integer(), nullable=False),
        sa.Column("slim_tape", sa.Integer(), nullable=False),
        sa.Column("e_waybill", sa.Integer(), nullable=False),
        sa.Column("not_reboxed", sa.Integer(), nullable=False),
        sa.Column("reusable_packaging", sa.Integer(), nullable=False),
        sa.Column("non_degradable_bags", sa.Integer(), nullable=False),
        sa.Column("transit_bags", sa.Integer(), nullable=False),
        sa.Column("reusable_transit_bags", sa.Integer(), nullable=False),
        sa.Column("reusable_boxes_in_use", sa.Integer(), nullable=False),
        sa.Column("cartons_reused", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=200), nullable=False),
        sa.Column("by", sa.String(length=100), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint(
            "county_code", "carrier", "outlet", "month", name=op.f("pk_packaging_reports")
        ),
    )
    op.create_table(
        "parcel_packaging",
        sa.Column("county_code", sa.String(length=6), nullable=False),
        sa.Column("waybill_no", sa.String(length=32), nullable=False),
        sa.Column("carrier", sa.String(length=20), nullable=False),
        sa.Column("facility", sa.String(length=40), nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("bag_type", sa.String(length=24), nullable=False),
        sa.Column("tape_width_mm", sa.Float(), nullable=True),
        sa.Column("filler", sa.String(length=16), nullable=False),
        sa.Column("e_waybill", sa.Boolean(), nullable=False),
        sa.Column("reboxed", sa.Boolean(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("county_code", "waybill_no", name=op.f("pk_parcel_packaging")),
    )
    op.create_index(op.f("ix_parcel_packaging_month"), "parcel_packaging", ["month"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_parcel_packaging_month"), table_name="parcel_packaging")
    op.drop_table("parcel_packaging")
    op.drop_table("packaging_reports")
