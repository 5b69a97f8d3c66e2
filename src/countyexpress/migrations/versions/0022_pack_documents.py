"""Pack documents: a county's rule files as loaded from its pack (issue 14 follow-up)

One row a county and file (`health`, `packaging`, `emergency`, `policy`): the TOML parsed as
read (`content`, JSON) and its text (`source`), so a county loaded from its own pack folder
keeps its own rules instead of the built-in pack's.

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-06 04:20:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "pack_documents",
        sa.Column("county_code", sa.String(length=6), nullable=False),
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("content", sa.JSON(), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("loaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("county_code", "name", name=op.f("pk_pack_documents")),
    )


def downgrade() -> None:
    op.drop_table("pack_documents")
