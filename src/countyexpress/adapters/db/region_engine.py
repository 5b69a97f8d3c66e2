"""An engine for a region worker that writes beside others (issue 17, `region simulate`).

On PostgreSQL it is the usual engine. On SQLite several worker processes write the one
file at once: each transaction there starts with `BEGIN IMMEDIATE`, so it takes the write
lock before it reads and waits for it (up to `BUSY_TIMEOUT_MS`) instead of failing when
another process committed between its read and its write, as a deferred transaction would.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, event
from sqlalchemy.engine import make_url

from countyexpress.adapters.db.engine import Synchronous, make_engine

__all__ = ["BUSY_TIMEOUT_MS", "worker_engine"]

BUSY_TIMEOUT_MS = 300_000


def worker_engine(url: str, sqlite_synchronous: Synchronous = "NORMAL") -> Engine:
    """An engine on `url` that waits its turn to write when the database is SQLite."""
    engine = make_engine(url, sqlite_synchronous=sqlite_synchronous)
    if make_url(url).get_backend_name() != "sqlite":
        return engine

    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # the driver begins nothing by itself
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    return engine
