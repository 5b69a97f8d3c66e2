"""Whether the database can be written now: a cheap real write, and room to grow.

The probe commits a write that changes nothing: on SQLite it takes the write lock and sets
the header's `user_version` to what it is (a real page write through the write-ahead log, so
a read-only file, a failing disk or a lock held past the busy timeout shows); on PostgreSQL
it updates Alembic's version row to itself and rolls back (a read-only transaction, a
standby or a lost connection shows). SQLite also needs room: the pages it may still add
(`max_page_count`) and the free bytes of the file's disk must both leave `MIN_ROOM_BYTES`.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from sqlalchemy import Engine, text

MIN_ROOM_BYTES = 1 << 20
"""Less room than this (1 MiB) to write in counts as full."""


def write_problem(engine: Engine) -> str | None:
    """None when the database can be written now, else what stops it (no personal data).

    Raises the driver's error (wrapped by SQLAlchemy) when the write itself fails."""
    if engine.dialect.name == "sqlite":
        with engine.connect() as conn:
            version = int(conn.exec_driver_sql("PRAGMA user_version").scalar_one())
            conn.exec_driver_sql(f"PRAGMA user_version = {version}")  # autocommit: written
            page = int(conn.exec_driver_sql("PRAGMA page_size").scalar_one())
            pages = int(conn.exec_driver_sql("PRAGMA page_count").scalar_one())
            limit = int(conn.exec_driver_sql("PRAGMA max_page_count").scalar_one())
            free = int(conn.exec_driver_sql("PRAGMA freelist_count").scalar_one())
        if (limit - pages + free) * page < MIN_ROOM_BYTES:
            return "the database is full (its page limit is reached)"
        database = engine.url.database or ":memory:"
        on_disk = database != ":memory:" and not database.startswith("file:")
        if on_disk and shutil.disk_usage(Path(database).resolve().parent).free < MIN_ROOM_BYTES:
            return "the disk of the database is full"
        return None
    with engine.connect() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = version_num"))
        conn.rollback()
    return None
