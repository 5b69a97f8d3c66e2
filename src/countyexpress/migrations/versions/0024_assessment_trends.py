"""Assessment trends: each indicator's value per county month (issue 15)

The indicators measure today's data; a snapshot keeps what they said in a month (taken by
`assess snapshot`, and upserted for the current month whenever a report is run).

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-06 05:15:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0024"
down_revision = "0023"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "assessment_snapshots",
        sa.Column("county_code", sa.String(length=6), nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("indicator", sa.String(length=80), nullable=False),
        sa.Column("value", sa.Float(), nullable=True),
        sa.Column("taken_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint(
            "county_code", "month", "indicator", name=op.f("pk_assessment_snapshots")
        ),
    )


def downgrade() -> None:
    op.drop_table("assessment_snapshots")
