"""Licences and credit events fed by the ledger (issue 13's remainder)

A placeholder reserved for this work so that parallel work keeps one chain of
revisions; it changes nothing until the work fills it in.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-06 00:40:00
"""

from __future__ import annotations

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
