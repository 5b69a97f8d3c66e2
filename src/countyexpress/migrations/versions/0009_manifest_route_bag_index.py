"""Index manifest items by route bag: dispatch reads a bag's undispatched parcels

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-28 17:36:00
"""

from __future__ import annotations

from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("manifest_items", schema=None) as batch_op:
        batch_op.create_index(
            "ix_manifest_items_county_bag", ["county_code", "route_bag", "vehicle"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("manifest_items", schema=None) as batch_op:
        batch_op.drop_index("ix_manifest_items_county_bag")
