"""Reserved for issue 18 (offline station)

A no-op placeholder so that concurrent work keeps one Alembic head; the work that owns it
fills it in (and renames the file to say what it does).

Revision ID: 0028
Revises: 0027
Create Date: 2026-12-06 09:20:00
"""

from __future__ import annotations

revision = "0028"
down_revision = "0027"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
