"""Yearly assessment: frozen reports, progress notes and evidence by task and year (issue 15)

Reserved; filled by the capability's change.

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-06 03:30:00
"""

from __future__ import annotations

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
