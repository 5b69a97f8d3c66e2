"""Emergency resources: teams, members, materials, communications, funds (issue 14, task 13)

`emergency_teams` (a county's support teams: leader and members by staff number, vehicles by
unified number, equipment, availability) and `emergency_resources` (stocks of materials,
communications, funds and vehicles at a facility, with availability); docs/emergency.md.

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-06 03:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "emergency_teams",
        sa.Column("county_code", sa.String(length=6), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("leader", sa.String(length=32), nullable=False),
        sa.Column("members", sa.JSON(), nullable=False),
        sa.Column("vehicles", sa.JSON(), nullable=False),
        sa.Column("equipment", sa.JSON(), nullable=False),
        sa.Column("availability", sa.String(length=12), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("county_code", "code", name=op.f("pk_emergency_teams")),
    )
    op.create_table(
        "emergency_resources",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("county_code", sa.String(length=6), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("quantity", sa.Float(), nullable=False),
        sa.Column("unit", sa.String(length=20), nullable=False),
        sa.Column("location", sa.String(length=40), nullable=False),
        sa.Column("availability", sa.String(length=12), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_emergency_resources")),
    )
    with op.batch_alter_table("emergency_resources", schema=None) as batch_op:
        batch_op.create_index(
            "ix_emergency_resources_county_kind", ["county_code", "kind"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("emergency_resources", schema=None) as batch_op:
        batch_op.drop_index("ix_emergency_resources_county_kind")
    op.drop_table("emergency_resources")
    op.drop_table("emergency_teams")
