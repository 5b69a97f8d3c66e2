"""Staff: couriers and station keepers, training, insurance (issue 14, tasks 19-20)

A placeholder reserved for this work so that parallel work keeps one chain of
revisions; it changes nothing until the work fills it in.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-06 00:40:00
"""

from __future__ import annotations

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
