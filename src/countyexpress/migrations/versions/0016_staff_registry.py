"""Staff: couriers and station keepers, training, insurance (issue 14, tasks 19-20)

The `staff` table (docs/staff.md): a county's couriers and handlers by staff number, with
skill level, training and insurance days; name, ID number and phone encrypted.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-06 00:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "staff",
        sa.Column("county_code", sa.String(length=6), nullable=False),
        sa.Column("staff_no", sa.String(length=32), nullable=False),
        sa.Column("employer", sa.String(length=100), nullable=False),
        sa.Column("occupation", sa.String(length=12), nullable=False),
        sa.Column("level", sa.Integer(), nullable=True),
        sa.Column("pre_job_trained_on", sa.Date(), nullable=True),
        sa.Column("trained_on", sa.Date(), nullable=True),
        sa.Column("social_insurance_until", sa.Date(), nullable=True),
        sa.Column("injury_insurance_until", sa.Date(), nullable=True),
        sa.Column("account", sa.String(length=64), nullable=True),
        sa.Column("name_enc", sa.Text(), nullable=True),
        sa.Column("id_number_enc", sa.Text(), nullable=True),
        sa.Column("phone_enc", sa.Text(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("left_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("county_code", "staff_no"),
    )


def downgrade() -> None:
    op.drop_table("staff")
