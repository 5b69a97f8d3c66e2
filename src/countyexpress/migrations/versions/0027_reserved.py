"""Reserved for issue 17 (region: partitioned ledger)

A no-op placeholder so that concurrent work keeps one Alembic head; the work that owns it
fills it in (and renames the file to say what it does).

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-06 09:20:00
"""

from __future__ import annotations

revision = "0027"
down_revision = "0026"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
