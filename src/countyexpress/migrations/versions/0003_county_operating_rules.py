"""County operating rules (tariff, screening routes, stations, lockers) as JSON

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28 16:05:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("counties", schema=None) as batch_op:
        batch_op.add_column(sa.Column("operations", sa.JSON(), nullable=False, server_default="{}"))


def downgrade() -> None:
    with op.batch_alter_table("counties", schema=None) as batch_op:
        batch_op.drop_column("operations")
