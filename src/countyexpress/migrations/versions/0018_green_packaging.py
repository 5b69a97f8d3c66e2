"""Green packaging records and carriers' packaging reports (issue 14, task 17)

The `packaging_reports` table (docs/packaging.md): a carrier's month at an outlet (or its
whole county) — parcels, slim tape, e-waybills, not re-boxed, reusable packaging, prohibited
bags, transit bags and reusable ones, reusable boxes in use, cartons reused.

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


def downgrade() -> None:
    op.drop_table("packaging_reports")
