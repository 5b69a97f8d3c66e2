"""Reserved for issue 17 (the ledger on PostgreSQL at region scale)

A no-op placeholder so that concurrent work keeps one Alembic head; the work that owns it
fills it in (and renames the file to say what it does).

Revision ID: 0029
Revises: 0028
Create Date: 2026-12-06 09:50:00
"""

from __future__ import annotations

revision = "0029"
down_revision = "0028"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
