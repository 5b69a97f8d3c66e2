"""The scan ledger on PostgreSQL at region scale: monthly partitions and the COPY ingest.

`scan_events` is partitioned by RANGE on the event time `at`, one partition a calendar
month in UTC (`ledger.scan_events_y2026m12`), plus a default partition
(`ledger.scan_events_default`) for the events of a month that has none. The partitions
live in the schema `ledger`, apart from the platform's tables.

Event-id uniqueness: a primary key of a partitioned table must hold the partition key,
so the partitions' key is (event_id, at), and PostgreSQL has no index across partitions.
The ledger's id index is the table `ledger.scan_event_ids` (event_id PRIMARY KEY, at): one
row per event of the attached months, written in the same transaction as the event. An
ingest claims its batch's ids there first (`INSERT … ON CONFLICT DO NOTHING`); when every
id was free — the common batch — the events are inserted at once; when some were taken, the
staged events that differ from the stored ones (another time, or the same time with other
content) are refused, and exact repeats are skipped. The dedupe lookup of a batch's ids is
one probe each in that one index, whatever the number of partitions (probing every
partition's (event_id, at) index cost a year of partitions 12–18 % of the ingest time). A
table partitioned by the same months could not hold the key: its unique index would again
be one per month. At retention, a month's ids leave the id index in the transaction that
detaches the month's partition (one set-based delete over the index's BRIN range on `at`);
the events themselves leave whole, with their partition.

Maintenance (`countyexpress db partitions`): create the coming months ahead; detach the
months older than the retention period, archive each with `pg_dump -t` and drop it —
never a row-by-row delete. An ingest creates a missing partition on demand for a month
between the oldest partition and `ON_DEMAND_AHEAD` months after now; other months (a
device's clock years off, a month already archived) land in the default partition, and so
do all events of a ledger that has no monthly partition at all.
"""

from __future__ import annotations

import datetime as dt
import re
import subprocess
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from operator import itemgetter
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, text
from sqlalchemy.exc import IntegrityError

from countyexpress.errors import InvalidValue

SCHEMA = "ledger"
PARENT = "scan_events"
DEFAULT = "scan_events_default"
IDS = "scan_event_ids"  # the ledger's id index: every event id of the attached months
ON_DEMAND_AHEAD = 2  # months after now an ingest may open a partition for
_LOCK = "countyexpress.scan_events.partitions"  # one advisory lock for partition DDL
_UNIQUE_VIOLATION = "23505"
_NAME = re.compile(r"^scan_events_y(\d{4})m(\d{2})$")
INDEXES = (
    ("ix_scan_events_county_waybill", "county_code, waybill_no"),
    ("ix_scan_events_county_received", "county_code, received_at"),
    ("ix_scan_events_county_at", "county_code, at"),
)


def month_of(t: dt.datetime | dt.date) -> dt.date:
    """The first day of `t`'s month (in UTC for a time)."""
    if isinstance(t, dt.datetime):
        t = t.astimezone(dt.UTC) if t.tzinfo else t
    return dt.date(t.year, t.month, 1)


def add_months(month: dt.date, n: int) -> dt.date:
    index = month.year * 12 + month.month - 1 + n
    return dt.date(index // 12, index % 12 + 1, 1)


def partition_name(month: dt.date) -> str:
    return f"scan_events_y{month.year:04d}m{month.month:02d}"


def month_of_name(name: str) -> dt.date | None:
    found = _NAME.match(name)
    return dt.date(int(found[1]), int(found[2]), 1) if found else None


def is_partitioned(conn: Connection) -> bool:
    """Whether this database's `scan_events` is the partitioned table."""
    return bool(
        conn.scalar(
            text(
                "SELECT count(*) FROM pg_partitioned_table p JOIN pg_class c"
                " ON c.oid = p.partrelid WHERE c.oid = to_regclass('public.scan_events')"
            )
        )
    )


def partitions(conn: Connection) -> list[str]:
    """The names of scan_events' attached partitions, oldest month first (default last)."""
    rows = conn.execute(
        text(
            "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid"
            " WHERE i.inhparent = to_regclass('public.scan_events')"
        )
    ).scalars()
    return sorted(rows, key=lambda n: (month_of_name(n) or dt.date.max, n))


def months(conn: Connection) -> list[dt.date]:
    """The months that have a partition, oldest first."""
    return [m for m in map(month_of_name, partitions(conn)) if m is not None]


def _bound(month: dt.date) -> str:
    return f"'{month.isoformat()} 00:00:00+00'"


def _lock(conn: Connection) -> None:
    conn.execute(text("SELECT pg_advisory_xact_lock(hashtext(:k))"), {"k": _LOCK})


def create_partitions(conn: Connection, wanted: Iterable[dt.date]) -> list[str]:
    """Give each of these months its partition (the events of those months already in the
    default partition move into it); the names of the partitions created."""
    todo = sorted({month_of(m) for m in wanted})
    if not todo:
        return []
    _lock(conn)
    have = set(partitions(conn))
    made: list[str] = []
    for month in todo:
        name = partition_name(month)
        if name in have:
            continue
        lo, hi = _bound(month), _bound(add_months(month, 1))
        moved = False
        if DEFAULT in have:  # a new partition may not cover rows the default one holds
            moved = bool(
                conn.scalar(
                    text(
                        f"SELECT EXISTS (SELECT 1 FROM {SCHEMA}.{DEFAULT}"
                        f" WHERE at >= {lo} AND at < {hi})"
                    )
                )
            )
        if moved:
            conn.execute(text("CREATE TEMP TABLE _scan_moving (LIKE scan_events) ON COMMIT DROP"))
            conn.execute(
                text(
                    f"WITH m AS (DELETE FROM {SCHEMA}.{DEFAULT} WHERE at >= {lo} AND at < {hi}"
                    " RETURNING *) INSERT INTO _scan_moving SELECT * FROM m"
                )
            )
        conn.execute(
            text(
                f"CREATE TABLE {SCHEMA}.{name} PARTITION OF scan_events"
                f" FOR VALUES FROM ({lo}) TO ({hi})"
            )
        )
        if moved:
            conn.execute(text("INSERT INTO scan_events SELECT * FROM _scan_moving"))
            conn.execute(text("DROP TABLE _scan_moving"))
        made.append(name)
    return made


def create_default(conn: Connection) -> None:
    conn.execute(
        text(f"CREATE TABLE IF NOT EXISTS {SCHEMA}.{DEFAULT} PARTITION OF scan_events DEFAULT")
    )


def on_demand(conn: Connection, wanted: Iterable[dt.date], now: dt.datetime) -> list[str]:
    """Open the partitions an ingest's months lack, within the on-demand range."""
    have = months(conn)
    if not have:  # a ledger kept in the default partition alone, as its operator chose
        return []
    latest = add_months(month_of(now), ON_DEMAND_AHEAD)
    missing = [m for m in set(wanted) if have[0] <= m <= latest and m not in have]
    return create_partitions(conn, missing) if missing else []


def _stage(conn: Connection, name: str, like: str) -> None:
    """The session's staging table `name`, empty: kept between transactions (made once per
    connection, not at every batch) and emptied by TRUNCATE — a DELETE would leave the last
    batch's rows dead in it, and no autovacuum reaches a temporary table: it grew by every
    batch (2 MB for 10,000 events), and every statement reading it slowed with it."""
    conn.execute(text(f"CREATE TEMP TABLE IF NOT EXISTS {name} (LIKE {like})"))
    conn.execute(text(f"TRUNCATE {name}"))


def stage_events(conn: Connection, rows: Sequence[tuple[Any, ...]]) -> None:
    """COPY rows (scan_events' columns in order) into the session's staging table, in the
    order of their event ids: the inserts then walk the (random) ids' indexes in order,
    which costs a third less than in the batch's order."""
    _stage(conn, "_scan_stage", "scan_events")
    raw = conn.connection.driver_connection
    assert raw is not None
    with raw.cursor() as cur, cur.copy("COPY _scan_stage FROM STDIN") as copy:
        for row in sorted(rows, key=itemgetter(0)):
            copy.write_row(row)


def create_id_index(conn: Connection) -> None:
    """The id index `ledger.scan_event_ids`, filled from the events stored (migration 0031):
    the table first, the key after, built once over the sorted ids. An id stored twice with
    different times (possible before this index, by two concurrent uploads) keeps its first."""
    conn.execute(
        text(
            f"CREATE TABLE {SCHEMA}.{IDS} (event_id varchar(36) NOT NULL,"
            " at timestamp with time zone NOT NULL)"
        )
    )
    conn.execute(
        text(
            f"INSERT INTO {SCHEMA}.{IDS} (event_id, at) SELECT DISTINCT ON (event_id)"
            " event_id, at FROM scan_events ORDER BY event_id, at"
        )
    )
    conn.execute(
        text(f"ALTER TABLE {SCHEMA}.{IDS} ADD CONSTRAINT pk_scan_event_ids PRIMARY KEY (event_id)")
    )
    conn.execute(text(f"CREATE INDEX ix_scan_event_ids_at ON {SCHEMA}.{IDS} USING brin (at)"))


def fingerprints(conn: Connection, event_ids: Sequence[str]) -> dict[str, str]:
    """The stored fingerprint of each of these ids that the ledger holds: one probe per id
    in the id index; only for ids found there (repeats: few), their events are read, from
    the partitions of their months alone."""
    if not event_ids:
        return {}
    found = conn.execute(  # LIMIT 1 keeps it a loop of index probes, the ids in key order:
        # as one `event_id = ANY(:ids)` the planner sought a batch of 10,000 ids by a scan
        # of the whole id index (2× slower at a million ids, and growing with the ledger)
        text(
            "SELECT x.event_id, x.at FROM unnest(CAST(:ids AS text[])) AS u(id) CROSS JOIN"
            f" LATERAL (SELECT event_id, at FROM {SCHEMA}.{IDS} i WHERE i.event_id = u.id"
            " LIMIT 1) x"
        ),
        {"ids": sorted(event_ids)},
    ).all()
    if not found:
        return {}
    rows = conn.execute(
        text(
            "SELECT event_id, at, fingerprint FROM scan_events"
            " WHERE event_id = ANY(:ids) AND at = ANY(:ats)"
        ),
        {"ids": [e for e, _ in found], "ats": sorted({at for _, at in found})},
    )
    pairs = {(e, at) for e, at in found}
    return {e: f for e, at, f in rows if (e, at) in pairs}


def append_staged(conn: Connection) -> list[str]:
    """Add the staged events: claim their ids in the id index, then insert them, each in one
    plain statement (no `ON CONFLICT`: the caller looked the batch's ids up before, so they
    are free but for a race). When an id was taken — by a concurrent upload of the same
    events, or one whose lookup the caller skipped — both go back to a savepoint, and
    nothing is inserted if a staged event differs from the stored one: those ids are
    returned (set-based); exact repeats are skipped."""
    try:
        with conn.begin_nested():
            conn.execute(text(f"INSERT INTO {SCHEMA}.{IDS} SELECT event_id, at FROM _scan_stage"))
            conn.execute(text("INSERT INTO scan_events SELECT * FROM _scan_stage"))
        return []
    except IntegrityError as exc:
        if getattr(exc.orig, "sqlstate", None) != _UNIQUE_VIOLATION:
            raise
    conn.execute(
        text(
            f"INSERT INTO {SCHEMA}.{IDS} SELECT event_id, at FROM _scan_stage"
            " ON CONFLICT DO NOTHING"
        )
    )
    clash = conflicts(conn)
    if not clash:
        conn.execute(
            text("INSERT INTO scan_events SELECT * FROM _scan_stage ON CONFLICT DO NOTHING")
        )
    return clash


def conflicts(conn: Connection) -> list[str]:
    """The staged event ids that the ledger holds with other content (set-based): another
    time in the id index, or the same time with another fingerprint. (The ids this
    transaction claimed have the staged time and no event yet: not conflicts.)"""
    return list(
        conn.execute(
            text(
                f"SELECT s.event_id FROM _scan_stage s JOIN {SCHEMA}.{IDS} i"
                " ON i.event_id = s.event_id WHERE i.at <> s.at OR EXISTS (SELECT 1"
                " FROM scan_events e WHERE e.event_id = s.event_id AND e.at = s.at"
                " AND e.fingerprint <> s.fingerprint) ORDER BY 1"
            )
        ).scalars()
    )


def unpartitioned_months(conn: Connection) -> list[dt.date]:
    """The staged events' months that have no partition of their own (one statement: the
    common batch, all in months that have one, costs nothing more)."""
    rows = conn.execute(
        text(
            "SELECT m FROM (SELECT DISTINCT date_trunc('month', at AT TIME ZONE 'UTC') AS m"
            f" FROM _scan_stage) s WHERE to_regclass('{SCHEMA}.scan_events_y'"
            " || to_char(m, 'YYYY') || 'm' || to_char(m, 'MM')) IS NULL"
        )
    ).scalars()
    return [month_of(m) for m in rows]


def upsert_parcels(
    conn: Connection, columns: Sequence[str], rows: Sequence[tuple[Any, ...]]
) -> None:
    """Write projection rows in one set-based statement: COPY into a staging table, then
    `INSERT … ON CONFLICT (county_code, waybill_no) DO UPDATE`."""
    _stage(conn, "_parcel_stage", "parcels")
    names = ", ".join(columns)
    raw = conn.connection.driver_connection
    assert raw is not None
    with raw.cursor() as cur, cur.copy(f"COPY _parcel_stage ({names}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)
    sets = ", ".join(
        f"{c} = EXCLUDED.{c}" for c in columns if c not in ("county_code", "waybill_no")
    )
    conn.execute(
        text(
            f"INSERT INTO parcels ({names}) SELECT {names} FROM _parcel_stage"
            f" ON CONFLICT (county_code, waybill_no) DO UPDATE SET {sets}"
        )
    )


# -- maintenance -------------------------------------------------------------------------


@dataclass
class Maintenance:
    """What `countyexpress db partitions` did."""

    created: list[str] = field(default_factory=list)
    archived: list[str] = field(default_factory=list)  # files written, one per partition
    dropped: list[str] = field(default_factory=list)
    partitions: list[str] = field(default_factory=list)  # attached after the run

    def as_dict(self) -> dict[str, list[str]]:
        return {
            "created": self.created,
            "archived": self.archived,
            "dropped": self.dropped,
            "partitions": self.partitions,
        }


def parse_month(value: str) -> dt.date:
    """A month written YYYY-MM (as `--from 2025-01`)."""
    try:
        return month_of(dt.datetime.strptime(value.strip(), "%Y-%m").date())
    except ValueError:
        raise InvalidValue("from", f"{value!r} is not a month written YYYY-MM") from None


def maintain(
    engine: Engine,
    url: str,
    ahead: int = 3,
    retain_months: int | None = None,
    archive: Path | None = None,
    now: dt.datetime | None = None,
    since: dt.date | None = None,
) -> Maintenance:
    """Create this month's and the next `ahead` months' partitions, and with `since` every
    month's from that one on (a history to import: its events then land in their months'
    partitions, and those already in the default partition move there); with
    `retain_months`, detach every partition whose month ended more than that many months
    before this month, take its ids out of the id index in the same transaction, dump it
    into `archive` (`pg_dump -t`, custom format) and drop it. A partition whose dump fails
    stays detached (`ledger.<name>`), not dropped."""
    from countyexpress.adapters.db.backup import _libpq, pg_tool

    if engine.dialect.name != "postgresql":
        raise InvalidValue("database_url", "partitions are for a PostgreSQL ledger only")
    if ahead < 0 or (retain_months is not None and retain_months < 1):
        raise InvalidValue("ahead", "--ahead is 0 or more, --retain-months 1 or more")
    if retain_months is not None and archive is None:
        raise InvalidValue("archive", "--retain-months needs --archive DIR for the dumps")
    this = month_of(now or dt.datetime.now(dt.UTC))
    first = this
    if since is not None:
        first = month_of(since)
        if first > this:
            raise InvalidValue("from", "--from is a past month (or this one)")
        if retain_months is not None and first < add_months(this, -retain_months):
            raise InvalidValue("from", "--from is older than --retain-months keeps")
    wanted = []
    month = first
    while month <= add_months(this, ahead):
        wanted.append(month)
        month = add_months(month, 1)
    out = Maintenance()
    with engine.begin() as conn:
        if not is_partitioned(conn):
            raise InvalidValue("database_url", "scan_events is not partitioned: db upgrade")
        out.created = create_partitions(conn, wanted)
        create_default(conn)
    if retain_months is not None and archive is not None:
        cutoff = add_months(this, -retain_months)
        with engine.connect() as conn:
            old = [n for n in partitions(conn) if (month_of_name(n) or dt.date.max) < cutoff]
        archive.mkdir(parents=True, exist_ok=True)
        libpq, env = _libpq(url)
        for name in old:
            lo = month_of_name(name)
            assert lo is not None
            with engine.begin() as conn:  # the month's events and their ids leave together
                conn.execute(text(f"ALTER TABLE scan_events DETACH PARTITION {SCHEMA}.{name}"))
                conn.execute(
                    text(
                        f"DELETE FROM {SCHEMA}.{IDS} WHERE at >= {_bound(lo)}"
                        f" AND at < {_bound(add_months(lo, 1))}"
                    )
                )
            path = archive / f"{name}.dump"
            done = subprocess.run(
                [pg_tool("pg_dump"), "--format=custom", "--no-owner", "-t", f"{SCHEMA}.{name}",
                 "--file", str(path), libpq],
                env=env, capture_output=True, text=True, check=False,
            )  # fmt: skip
            if done.returncode != 0:
                raise InvalidValue(
                    "archive",
                    f"pg_dump of {SCHEMA}.{name} failed (it stays detached, not dropped): "
                    f"{done.stderr.strip()[-300:]}",
                )
            out.archived.append(str(path))
            with engine.begin() as conn:
                conn.execute(text(f"DROP TABLE {SCHEMA}.{name}"))
            out.dropped.append(name)
    with engine.connect() as conn:
        out.partitions = partitions(conn)
    return out
