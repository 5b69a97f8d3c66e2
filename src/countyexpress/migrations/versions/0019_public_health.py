"""Public health: township risk levels and daily measure logs (issue 14, tasks 15-16)

Reserved; filled by the capability's change.

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-06 03:30:00
"""

from __future__ import annotations

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
