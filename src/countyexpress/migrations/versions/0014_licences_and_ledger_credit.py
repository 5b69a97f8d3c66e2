"""Licences and credit events fed by the ledger (issue 13's remainder)

No schema change: a licence is a supervision record (kind `licence`, facts in JSON,
migration 0013) and the ledger's credit events are derived when credit is read, never
stored. The revision stays so that the chain 0013 → 0017 is the same everywhere.

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
