"""The scan ledger's id index on PostgreSQL (issue 17): `ledger.scan_event_ids`; nothing on
SQLite

The partitioned `scan_events` (0029) can only be keyed by (event_id, at) per partition;
this table holds every stored event's id once (PRIMARY KEY event_id, with its time `at`),
so that an ingest's dedupe lookup is one index probe per id, however many monthly
partitions there are (adapters/db/pg_ledger.py). Filled from the stored events; a BRIN
index on `at` finds a month's ids when its partition is archived. The embedded default
(SQLite) keeps its plain table keyed by event_id. Downgrade: the table goes.

Revision ID: 0031
Revises: 0030
Create Date: 2026-12-06 18:30:00
"""

from __future__ import annotations

from alembic import op

from countyexpress.adapters.db import pg_ledger

revision = "0031"
down_revision = "0030"
branch_labels = None
depends_on = None


def upgrade() -> None:
    conn = op.get_bind()
    if conn.dialect.name != "postgresql" or not pg_ledger.is_partitioned(conn):
        return
    pg_ledger.create_id_index(conn)


def downgrade() -> None:
    conn = op.get_bind()
    if conn.dialect.name != "postgresql":
        return
    op.execute(f"DROP TABLE IF EXISTS {pg_ledger.SCHEMA}.{pg_ledger.IDS}")
