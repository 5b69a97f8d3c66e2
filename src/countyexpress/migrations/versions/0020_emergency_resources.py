"""Emergency resources: teams, members, materials, communications, funds (issue 14, task 13)

Reserved; filled by the capability's change.

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-06 03:30:00
"""

from __future__ import annotations

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
