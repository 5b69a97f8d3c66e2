"""scan_events partitioned by month on PostgreSQL (issue 17); nothing on SQLite

On PostgreSQL the plain `scan_events` becomes a table partitioned by RANGE on `at`: one
partition a month (UTC) for every month its rows cover, plus the current month and a
default partition, all in the schema `ledger`; the rows move over, the names swap, the
indexes are made again on the parent (and so on every partition) and the primary key
becomes (event_id, at) — a partitioned table's key must hold the partition key; see
adapters/db/pg_ledger.py for how event ids stay unique. The embedded default (SQLite)
keeps its plain table. Downgrade: back to one plain table keyed by event_id.

Revision ID: 0029
Revises: 0028
Create Date: 2026-12-06 09:50:00
"""

from __future__ import annotations

import datetime as dt

from alembic import op
from sqlalchemy import text

from countyexpress.adapters.db import pg_ledger

revision = "0029"
down_revision = "0028"
branch_labels = None
depends_on = None


def _indexes(table: str) -> None:
    for name, columns in pg_ledger.INDEXES:
        op.execute(f"CREATE INDEX {name} ON {table} ({columns})")


def upgrade() -> None:
    conn = op.get_bind()
    if conn.dialect.name != "postgresql" or pg_ledger.is_partitioned(conn):
        return
    op.execute(f"CREATE SCHEMA IF NOT EXISTS {pg_ledger.SCHEMA}")
    op.execute(
        "CREATE TABLE scan_events_partitioned (LIKE scan_events INCLUDING DEFAULTS)"
        " PARTITION BY RANGE (at)"
    )
    op.execute("ALTER TABLE scan_events RENAME TO scan_events_plain")
    op.execute("ALTER TABLE scan_events_partitioned RENAME TO scan_events")
    found = conn.execute(
        text("SELECT DISTINCT date_trunc('month', at AT TIME ZONE 'UTC') FROM scan_events_plain")
    ).scalars()
    wanted = {pg_ledger.month_of(m) for m in found} | {pg_ledger.month_of(dt.datetime.now(dt.UTC))}
    pg_ledger.create_partitions(conn, wanted)
    pg_ledger.create_default(conn)
    op.execute("INSERT INTO scan_events SELECT * FROM scan_events_plain")
    op.execute("DROP TABLE scan_events_plain")
    op.execute("ALTER TABLE scan_events ADD CONSTRAINT pk_scan_events PRIMARY KEY (event_id, at)")
    _indexes("scan_events")


def downgrade() -> None:
    conn = op.get_bind()
    if conn.dialect.name != "postgresql" or not pg_ledger.is_partitioned(conn):
        return
    op.execute("CREATE TABLE scan_events_plain (LIKE scan_events INCLUDING DEFAULTS)")
    op.execute("INSERT INTO scan_events_plain SELECT * FROM scan_events")
    op.execute("DROP TABLE scan_events")  # its partitions with it
    op.execute(f"DROP SCHEMA IF EXISTS {pg_ledger.SCHEMA}")  # refuses if a detached one is left
    op.execute("ALTER TABLE scan_events_plain RENAME TO scan_events")
    op.execute("ALTER TABLE scan_events ADD CONSTRAINT pk_scan_events PRIMARY KEY (event_id)")
    _indexes("scan_events")
