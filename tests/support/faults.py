"""Real storage faults for the tests, no mocks: a SQLite database that is full or read-only.

* Full: SQLite's own page limit (`PRAGMA max_page_count`), set on every connection the engine
  hands out, makes SQLite itself answer SQLITE_FULL "database or disk is full" to a write
  that needs a new page, as a full disk does; raising the limit clears it.
* Read-only: as root, file modes do not stop writes (root passes every permission check), so
  the database file, its write-ahead log and their folder are made immutable (`chattr +i`,
  which stops root too): SQLite answers "disk I/O error" on a connection that was open, and
  "attempt to write a readonly database" on a new one. The shared-memory index (`-shm`) is
  left alone: SQLite maps it into memory, and an immutable mapping kills the process
  (SIGBUS) rather than failing a write. Not root: the modes are taken away instead.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import stat
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, event

NO_LIMIT = 2_147_483_646
"""Larger than any page limit SQLite keeps: the limit is as high as it goes."""


class SqliteDiskFull:
    """Switch a real SQLITE_FULL on and off for every connection of `engine`."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.limit = NO_LIMIT
        event.listen(engine, "checkout", self._apply)

    def _apply(self, dbapi_connection: Any, _record: Any, _proxy: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA max_page_count={self.limit}")
        cursor.close()

    def fill(self) -> None:
        """No page may be added from now on (free pages inside the file may still be used)."""
        with self.engine.connect() as conn:
            self.limit = int(conn.exec_driver_sql("PRAGMA page_count").scalar_one())

    def clear(self) -> None:
        """Room again."""
        self.limit = NO_LIMIT


def can_make_immutable(folder: Path) -> bool:
    """Whether `chattr +i` works here (root on a file system that keeps the attribute)."""
    if shutil.which("chattr") is None:
        return False
    probe = folder / ".immutable-probe"
    probe.touch()
    try:
        done = subprocess.run(["chattr", "+i", str(probe)], capture_output=True).returncode == 0
        if done:
            subprocess.run(["chattr", "-i", str(probe)], check=True, capture_output=True)
        return done
    finally:
        probe.unlink()


def read_only_supported(folder: Path) -> bool:
    """Whether `read_only` can really stop writes in `folder` for this user."""
    return os.geteuid() != 0 or can_make_immutable(folder)


@contextlib.contextmanager
def read_only(database: Path) -> Iterator[None]:
    """The SQLite file `database`, its log and its folder cannot be written while inside."""
    folder = database.parent
    paths = [p for p in (database, Path(f"{database}-wal")) if p.exists()] + [folder]
    if os.geteuid() == 0:
        subprocess.run(["chattr", "+i", *map(str, paths)], check=True, capture_output=True)
        try:
            yield
        finally:
            subprocess.run(["chattr", "-i", *map(str, paths)], check=True, capture_output=True)
        return
    modes = {p: p.stat().st_mode for p in paths}
    for p in paths:
        p.chmod(stat.S_IMODE(modes[p]) & ~(stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH))
    try:
        yield
    finally:
        for p in paths:
            p.chmod(stat.S_IMODE(modes[p]))
