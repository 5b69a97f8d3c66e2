"""The vehicle registry (issue 14, task 18): vehicles and the audit trail of imports

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-06 00:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "vehicles",
        sa.Column("county_code", sa.String(length=6), nullable=False),
        sa.Column("unified_no", sa.String(length=40), nullable=False),
        sa.Column("plate", sa.String(length=20), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("owner", sa.String(length=100), nullable=False),
        sa.Column("new_energy", sa.Boolean(), nullable=False),
        sa.Column("insured_until", sa.Date(), nullable=True),
        sa.Column("marked", sa.Boolean(), nullable=False),
        sa.Column("courier_staff_no", sa.String(length=40), nullable=True),
        sa.Column("priority_permit", sa.Boolean(), nullable=False),
        sa.Column("routing", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("county_code", "unified_no", name=op.f("pk_vehicles")),
    )
    op.create_table(
        "vehicle_imports",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("county_code", sa.String(length=6), nullable=False),
        sa.Column("by", sa.String(length=100), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("source", sa.String(length=200), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_vehicle_imports")),
    )


def downgrade() -> None:
    op.drop_table("vehicle_imports")
    op.drop_table("vehicles")
