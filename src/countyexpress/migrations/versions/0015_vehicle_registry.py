"""The vehicle registry (issue 14, task 18)

A placeholder reserved for this work so that parallel work keeps one chain of
revisions; it changes nothing until the work fills it in.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-06 00:40:00
"""

from __future__ import annotations

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
