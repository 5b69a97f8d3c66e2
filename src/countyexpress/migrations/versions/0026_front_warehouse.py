"""Front warehouse (issue 16): `front_warehouse`, each county's last forecast and stocking
list as shown on its 前置仓 page (one row per county, replaced by the next upload)

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-06 09:20:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0026"
down_revision = "0025"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "front_warehouse",
        sa.Column("county_code", sa.String(length=6), nullable=False),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column("document", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.PrimaryKeyConstraint("county_code"),
    )


def downgrade() -> None:
    op.drop_table("front_warehouse")
