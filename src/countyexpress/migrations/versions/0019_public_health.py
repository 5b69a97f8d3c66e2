"""Public health: township risk levels and daily measure logs (issue 14, tasks 15-16)

`health_levels`: a township's risk level from a county day until changed; `health_logs`:
the measures a staffed facility did on a county day (docs/health.md).

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-06 03:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "health_levels",
        sa.Column("county_code", sa.String(length=6), nullable=False),
        sa.Column("township_code", sa.String(length=12), nullable=False),
        sa.Column("from_day", sa.Date(), nullable=False),
        sa.Column("level", sa.String(length=40), nullable=False),
        sa.Column("set_by", sa.String(length=100), nullable=False),
        sa.Column("set_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("county_code", "township_code", "from_day"),
    )
    op.create_table(
        "health_logs",
        sa.Column("county_code", sa.String(length=6), nullable=False),
        sa.Column("facility_code", sa.String(length=40), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("measures", sa.String(length=1000), nullable=False),
        sa.Column("logged_by", sa.String(length=100), nullable=False),
        sa.Column("logged_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("county_code", "facility_code", "day"),
    )


def downgrade() -> None:
    op.drop_table("health_logs")
    op.drop_table("health_levels")
