"""Backups and restores of the platform's database (issue 17), each checked.

- SQLite (the embedded default): SQLite's online backup API copies a consistent snapshot
  page by page while the platform runs (WAL readers and writers go on).
- PostgreSQL: `pg_dump --format=custom`, restored with `pg_restore --clean --if-exists`.

Next to each backup file a manifest (`<file>.json`) records when it was taken, from which
engine, at which schema revision, and the row count of every table. A restore is checked
against it (every table's count) and by a replay of the ledger: every parcel's state is
derived again from its scan events and compared with the stored projection.

The backup holds personal data only as ciphertext; the keys are not in it (DATA_DIR/
keys.toml or the environment): keep them apart, or the restored personal data is unreadable.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Engine, func, select, text
from sqlalchemy.engine import make_url

from countyexpress.adapters.db.ledger import SqlLedger
from countyexpress.adapters.db.tables import metadata
from countyexpress.adapters.db.tables_ledger import parcels
from countyexpress.domain.lifecycle import derive
from countyexpress.errors import InvalidValue

__all__ = [
    "Backup",
    "Check",
    "check_restore",
    "replay_ledger",
    "restore_backup",
    "table_counts",
    "take_backup",
]

CHUNK = 500  # parcels replayed at a time


@dataclass(frozen=True)
class Backup:
    """A backup file and what its manifest says."""

    path: Path
    engine: str  # "sqlite" or "postgresql"
    revision: str
    taken_at: dt.datetime
    counts: dict[str, int]

    @property
    def manifest_path(self) -> Path:
        return manifest_of(self.path)


@dataclass
class Check:
    """What a check of a restored database found."""

    counts: dict[str, int] = field(default_factory=dict)
    count_differences: dict[str, tuple[int, int]] = field(default_factory=dict)  # want, got
    parcels: int = 0
    replay_differences: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.count_differences and not self.replay_differences


def manifest_of(path: Path) -> Path:
    return path.with_name(path.name + ".json")


def _backend(url: str) -> str:
    return make_url(url).get_backend_name()


def _sqlite_file(url: str) -> Path:
    database = make_url(url).database
    if not database or database == ":memory:":
        raise InvalidValue("database_url", "an in-memory SQLite database has no file to back up")
    return Path(database)


def _revision(engine: Engine) -> str:
    with engine.connect() as conn:
        found = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
    return str(found or "")


def table_counts(engine: Engine) -> dict[str, int]:
    """Rows in every table of the schema (and Alembic's version table)."""
    out: dict[str, int] = {}
    with engine.connect() as conn:
        for table in metadata.sorted_tables:
            out[table.name] = int(
                conn.execute(select(func.count()).select_from(table)).scalar_one()
            )
    return out


def _libpq(url: str) -> tuple[str, dict[str, str]]:
    """A libpq URL without the password, and the environment that carries it (a password
    on a command line is visible to every user of the machine)."""
    parsed = make_url(url)
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    if parsed.password:
        env["PGPASSWORD"] = str(parsed.password)
    plain = parsed.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), env


def pg_tool(name: str) -> str:
    """The newest installed `pg_dump`/`pg_restore`: on PATH, else under /usr/lib/postgresql."""
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"),
                        key=lambda p: int(p.parts[-3]) if p.parts[-3].isdigit() else 0)  # fmt: skip
    if not candidates:
        raise InvalidValue("database_url", f"{name} not found: install PostgreSQL's client tools")
    return str(candidates[-1])


def _run(args: list[str], env: dict[str, str]) -> None:
    done = subprocess.run(args, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise InvalidValue(
            "database_url", f"{Path(args[0]).name} failed: {done.stderr.strip()[-500:]}"
        )


def take_backup(engine: Engine, url: str, folder: Path, now: dt.datetime | None = None) -> Backup:
    """Back the database at `url` up into `folder`, with its manifest; the platform may go
    on running meanwhile."""
    now = now or dt.datetime.now(dt.UTC)
    folder.mkdir(parents=True, exist_ok=True)
    stamp = now.strftime("%Y%m%dT%H%M%SZ")
    backend = _backend(url)
    revision = _revision(engine)
    if backend == "sqlite":
        path = folder / f"countyexpress-{stamp}.db"
        source = sqlite3.connect(_sqlite_file(url))
        target = sqlite3.connect(path)
        try:
            with target:
                source.backup(target)  # one step: a snapshot, writers go on (WAL)
        finally:
            target.close()
            source.close()
        counts = _file_counts(path)
    elif backend == "postgresql":
        path = folder / f"countyexpress-{stamp}.dump"
        libpq, env = _libpq(url)
        # the counts first: rows added between them and the dump make the check say so
        counts = table_counts(engine)
        _run([pg_tool("pg_dump"), "--format=custom", "--no-owner", "--file", str(path), libpq],
             env)  # fmt: skip
    else:
        raise InvalidValue("database_url", f"no backup for a {backend} database")
    backup = Backup(path, backend, revision, now, counts)
    manifest = {
        "engine": backend, "revision": revision, "taken_at": now.isoformat(),
        "counts": counts, "file": path.name,
        "keys": "not in the backup: keep DATA_DIR/keys.toml or the environment's keys apart",
    }  # fmt: skip
    backup.manifest_path.write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return backup


def _file_counts(path: Path) -> dict[str, int]:
    """Every table's rows in a SQLite backup file, read with sqlite3 itself."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        if conn.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
            raise InvalidValue("backup", f"{path.name} fails SQLite's integrity check")
        return {
            t.name: int(conn.execute(f'SELECT count(*) FROM "{t.name}"').fetchone()[0])
            for t in metadata.sorted_tables
        }
    finally:
        conn.close()


def read_backup(path: Path) -> Backup:
    """The backup at `path` with its manifest; InvalidValue naming what is missing."""
    if not path.is_file():
        raise InvalidValue("backup", f"no backup file {path}")
    manifest = manifest_of(path)
    if not manifest.is_file():
        raise InvalidValue("backup", f"{path.name} has no manifest {manifest.name} beside it")
    data = json.loads(manifest.read_text(encoding="utf-8"))
    return Backup(path, data["engine"], data["revision"],
                  dt.datetime.fromisoformat(data["taken_at"]), dict(data["counts"]))  # fmt: skip


def restore_backup(backup: Backup, url: str) -> None:
    """Put `backup` in place of the database at `url` (stop the platform first)."""
    backend = _backend(url)
    if backend != backup.engine:
        raise InvalidValue(
            "backup", f"a {backup.engine} backup cannot be restored into a {backend} database"
        )
    if backend == "sqlite":
        target_file = _sqlite_file(url)
        target_file.parent.mkdir(parents=True, exist_ok=True)
        for suffix in ("-wal", "-shm"):  # a stale write-ahead log must not replay over it
            Path(f"{target_file}{suffix}").unlink(missing_ok=True)
        source = sqlite3.connect(f"file:{backup.path}?mode=ro", uri=True)
        target = sqlite3.connect(target_file)
        try:
            with target:
                source.backup(target)
        finally:
            target.close()
            source.close()
    else:
        libpq, env = _libpq(url)
        _run([pg_tool("pg_restore"), "--clean", "--if-exists", "--no-owner",
              "--exit-on-error", "--dbname", libpq, str(backup.path)], env)  # fmt: skip


def _waybills(engine: Engine) -> Iterator[tuple[str, list[str]]]:
    """Each county's parcels, CHUNK at a time."""
    c = parcels.c
    with engine.connect() as conn:
        query = select(c.county_code, c.waybill_no).order_by(c.county_code, c.waybill_no)
        rows = conn.execute(query).all()
    county, batch = "", list[str]()
    for code, waybill in rows:
        if (code != county or len(batch) >= CHUNK) and batch:
            yield county, batch
            batch = []
        county = code
        batch.append(waybill)
    if batch:
        yield county, batch


def replay_ledger(engine: Engine, check: Check | None = None, limit: int = 20) -> Check:
    """Derive every parcel's state from its events again and compare with the projection;
    the first `limit` differences are named."""
    check = check or Check()
    with engine.connect() as conn:
        ledger = SqlLedger(conn)
        for county, waybills in _waybills(engine):
            events = ledger.events_of(county, waybills)
            stored = ledger.summaries(county, waybills)
            for waybill in waybills:
                check.parcels += 1
                replayed = derive(waybill, events[waybill])
                kept = stored.get(waybill)
                same = kept is not None and (
                    (kept.state, kept.place, kept.events, kept.anomalies, kept.open_exception)
                    == (replayed.state, replayed.place, len(replayed.events),
                        len(replayed.anomalies), replayed.open_exception)
                )  # fmt: skip
                if not same and len(check.replay_differences) < limit:
                    got = f"{kept.state}@{kept.place}" if kept else "none"
                    check.replay_differences.append(
                        f"{county} {waybill}: stored {got}, replayed "
                        f"{replayed.state}@{replayed.place}"
                    )
    return check


def check_restore(engine: Engine, backup: Backup) -> Check:
    """The restored database against the backup's manifest, then the ledger's replay."""
    check = Check(counts=table_counts(engine))
    for name, want in backup.counts.items():
        got = check.counts.get(name, 0)
        if got != want:
            check.count_differences[name] = (want, got)
    return replay_ledger(engine, check)
