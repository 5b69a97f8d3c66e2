"""Personal data by its marks: the one purge of every personal column of the schema.

A column holding personal data carries `info={"personal": KIND}` and its table names the
moment retention counts from, `info={"personal_clock": COLUMN}` (docs/operations.md,
"Personal data"). The purge walks the marks, so a table added later with marks is purged
without a change here:

- every personal column of a row whose clock is older than the cut-off becomes NULL, or ''
  where the column is NOT NULL;
- a row whose primary key holds a personal column (a consent is keyed by the phone's hash) is
  deleted instead, since it means nothing without it.

On SQLite the purge runs with `PRAGMA secure_delete=ON`, so the freed cells are zeroed, and
`wipe_free_space` then rebuilds the file (VACUUM) and truncates the write-ahead log, so no copy
of a purged value is left in the database's files (an earlier update leaves old copies of a
row in the pages' free space, which only a rebuild removes).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Column, ColumnElement, Connection, Engine, Table, and_, delete, or_, update

from countyexpress.adapters.db.schema import full_metadata

PERSONAL = "personal"
CLOCK = "personal_clock"
SEALED = "sealed"
"""A Vault ciphertext that is not personal (a webhook's signing secret): re-encrypted by a key
rotation like a personal one, never cleared by the purge."""


def personal_columns(table: Table) -> list[Column[Any]]:
    """The columns of `table` marked personal, in table order."""
    return [c for c in table.columns if PERSONAL in c.info]


def personal_tables() -> list[Table]:
    """Every table of the schema with at least one personal column, in dependency order."""
    return [t for t in full_metadata().sorted_tables if personal_columns(t)]


def sealed_columns(table: Table) -> list[Column[Any]]:
    """The columns of `table` marked sealed (Vault ciphertext that is not personal)."""
    return [c for c in table.columns if SEALED in c.info]


def vault_tables() -> list[Table]:
    """Every table with a personal or a sealed column: what a key rotation rewrites."""
    return [t for t in full_metadata().sorted_tables if personal_columns(t) or sealed_columns(t)]


def cleared(column: Column[Any]) -> Any:
    """What a purged value becomes: NULL, or '' where the column may not be NULL."""
    return None if column.nullable else ""


def _still_personal(column: Column[Any]) -> ColumnElement[bool]:
    if column.nullable:
        return and_(column.is_not(None), column != "")
    return column != ""


def _utc(value: dt.datetime) -> dt.datetime:
    return value.astimezone(dt.UTC) if value.tzinfo is not None else value


def purge(connection: Connection, county: str, before: dt.datetime) -> dict[str, int]:
    """Clear the personal columns of `county`'s rows older than `before`, in every table that
    has them, in the caller's transaction. Rows touched (or deleted) per table."""
    counts: dict[str, int] = {}
    sqlite = connection.dialect.name == "sqlite"
    if sqlite:
        connection.exec_driver_sql("PRAGMA secure_delete=ON")
    try:
        for table in personal_tables():
            columns = personal_columns(table)
            clock = table.c[table.info[CLOCK]]
            old = and_(table.c.county_code == county, clock < _utc(before))
            if any(c.primary_key for c in columns):
                done = connection.execute(delete(table).where(old))
            else:
                done = connection.execute(
                    update(table)
                    .where(old, or_(*(_still_personal(c) for c in columns)))
                    .values({c.name: cleared(c) for c in columns})
                )
            counts[table.name] = int(done.rowcount or 0)
    finally:
        if sqlite:
            connection.exec_driver_sql("PRAGMA secure_delete=OFF")
    return counts


def wipe_free_space(engine: Engine) -> bool:
    """After a purge: on SQLite, rebuild the file and truncate the write-ahead log so that
    no freed page or old log frame keeps a purged value; True when done. PostgreSQL keeps
    dead row versions until its (auto)vacuum reuses the space: nothing is done there (see
    docs/operations.md)."""
    if engine.dialect.name != "sqlite":
        return False
    with engine.connect() as conn:
        conn = conn.execution_options(isolation_level="AUTOCOMMIT")
        conn.exec_driver_sql("PRAGMA secure_delete=ON")
        conn.exec_driver_sql("VACUUM")
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        conn.exec_driver_sql("PRAGMA secure_delete=OFF")
    return True
