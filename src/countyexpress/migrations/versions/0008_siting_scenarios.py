"""Siting scenarios (issue 5): a siting result kept under a name, per county

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-28 18:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "siting_scenarios",
        sa.Column("county_code", sa.String(length=6), nullable=False),
        sa.Column("name", sa.String(length=60), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("objective", sa.String(length=20), nullable=False),
        sa.Column("p", sa.Integer(), nullable=True),
        sa.Column("radius_km", sa.Float(), nullable=True),
        sa.Column("sites", sa.JSON(), nullable=False),
        sa.Column("explanation", sa.Text(), nullable=False),
        sa.Column("optimal", sa.Boolean(), nullable=False),
        sa.Column("figures", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.PrimaryKeyConstraint("county_code", "name", name=op.f("pk_siting_scenarios")),
    )


def downgrade() -> None:
    op.drop_table("siting_scenarios")
