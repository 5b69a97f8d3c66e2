"""Emergency support: teams, resources, events, priority parcels (issue 14, task 13)

`manifest_items.priority`: a parcel of emergency supplies (应急物资), whose route stop the
day's routing serves first (docs/emergency.md).

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-06 00:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("manifest_items", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("priority", sa.Boolean(), server_default=sa.false(), nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("manifest_items", schema=None) as batch_op:
        batch_op.drop_column("priority")
