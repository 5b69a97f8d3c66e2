"""Index scan events by device time: the overview counts scans per day they happened

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-28 18:40:00
"""

from __future__ import annotations

from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("scan_events", schema=None) as batch_op:
        batch_op.create_index("ix_scan_events_county_at", ["county_code", "at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("scan_events", schema=None) as batch_op:
        batch_op.drop_index("ix_scan_events_county_at")
