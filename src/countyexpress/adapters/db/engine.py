"""Engines: SQLite in WAL mode with a busy timeout and foreign keys, or PostgreSQL.

SQLite's `synchronous` in WAL mode: NORMAL (the default) syncs the log at checkpoints only,
so a power cut or an OS crash may lose the last commits but never corrupts the file, and a
crash of the process alone loses nothing; FULL syncs the log at every commit (one fsync
each) and survives a power cut too (docs/operations.md, "Durability").
"""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import Any, Literal

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url

SQLITE_BUSY_TIMEOUT_MS = 5000
Synchronous = Literal["NORMAL", "FULL"]


def make_engine(url: str, sqlite_synchronous: Synchronous = "NORMAL", **kwargs: Any) -> Engine:
    """An engine for `url`; a SQLite file's folder is created if missing."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if sqlite_synchronous not in ("NORMAL", "FULL"):
            raise ValueError(f"sqlite_synchronous is NORMAL or FULL, not {sqlite_synchronous!r}")
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, **kwargs)
        event.listen(engine, "connect", partial(_sqlite_pragmas, sqlite_synchronous))
        return engine
    return create_engine(url, pool_pre_ping=True, **kwargs)


def _sqlite_pragmas(synchronous: Synchronous, dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA synchronous={synchronous}")
    cursor.close()
