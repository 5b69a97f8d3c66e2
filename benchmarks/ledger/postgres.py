"""Ledger benchmark on PostgreSQL (issue 17): the region's batch ingest against a raw COPY
of the same rows, and a year of monthly partitions against one partition.

    uv run python benchmarks/ledger/postgres.py [EVENTS] [PREFILL_PER_MONTH]
    # writes results/ledger_postgres.json and .md; defaults 1,000,000 and 20,000

Starts its own PostgreSQL (like the tests: tests/support/postgres.py, as the `postgres`
user when run as root). The events: 100 counties, one batch of EVENTS/100 events per
county (six scans a parcel), all in November 2026, each batch in its own transaction.

- ours: the ingest's storage path per batch — the dedupe lookup of the batch's ids
  (`fingerprints`: the id index), then `append_events`: COPY into a staging table,
  partitions on demand, the ids claimed in the id index and the events inserted (one
  statement each), every touched parcel's state derived and the projection written by
  COPY + one `INSERT … ON CONFLICT DO UPDATE`. Not timed: parsing and validating the JSON
  records (the same on both engines, measured in run.py), so the figure is the database's
  part.
- raw: `COPY scan_events FROM STDIN` of the same rows, in the same batches.
- year: 12 monthly partitions (Dec 2025 – Nov 2026) + this month's + default, each past
  month prefilled with PREFILL_PER_MONTH events; one: the same rows in the default
  partition alone (no monthly partition).
- before: the lookup and insert of revision 0030, before the id index (the lookup over
  every partition's (event_id, at) key, one insert skipping repeats by that key; the same
  staging as ours), with a year and with one partition: the baseline of the same run.

The five runs go batch by batch in turn (the order rotating from batch to batch), each on
its own database, so that the load of the shared machine weighs on all of them alike; the
figures are the sums over the batches, and the median of the batches' year ÷ one ratios is
given too.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import statistics
import sys
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, text

from countyexpress.adapters.db import pg_ledger
from countyexpress.adapters.db.engine import make_engine
from countyexpress.adapters.db.migrate import upgrade
from countyexpress.adapters.db.uow import SqlUnitOfWork
from countyexpress.domain.scans import ScanEvent, ScanKind
from countyexpress.services.scans import append_events

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT / "tests"))
from machine import machine  # noqa: E402

from support.postgres import PostgresServer  # noqa: E402

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"
COUNTIES = [f"65{i:04d}" for i in range(100)]
T0 = dt.datetime(2026, 11, 10, 0, 0, tzinfo=dt.UTC)
RECEIVED = dt.datetime(2026, 11, 28, tzinfo=dt.UTC)
DOWN = ["arrive", "sort", "depart", "arrive", "store", "pickup"]


def batch(county: str, n: int, seed: int, t0: dt.datetime = T0) -> list[ScanEvent]:
    """A county's batch: n // 6 parcels down the network, six scans each."""
    rnd = random.Random(seed)
    out = []
    for p in range(n // len(DOWN)):
        waybill = f"ZT{county}{p:09d}"
        start = t0 + dt.timedelta(minutes=rnd.randint(0, 60 * 24 * 15))
        station = f"S{rnd.randint(1, 20):02d}"
        for i, kind in enumerate(DOWN):
            out.append(ScanEvent(
                str(uuid.UUID(int=rnd.getrandbits(128))), waybill, "zto", ScanKind(kind),
                "CENTER" if i < 3 else station, start + dt.timedelta(minutes=30 * i), "", {},
            ))  # fmt: skip
    return out


def rows(county: str, events: list[ScanEvent]) -> Iterator[tuple[Any, ...]]:
    for e in events:
        at_text, _ = e.texts()
        yield (e.event_id, county, e.waybill_no, e.carrier, e.kind.value, e.facility, "",
               e.at, at_text, RECEIVED, "{}", e.fingerprint())  # fmt: skip


def copy(engine: Engine, rows_: Iterator[tuple[Any, ...]]) -> None:
    with engine.begin() as conn:
        raw = conn.connection.driver_connection
        assert raw is not None
        with raw.cursor() as cur, cur.copy("COPY scan_events FROM STDIN") as cp:
            for r in rows_:
                cp.write_row(r)


def template(server: PostgresServer, name: str, year: bool, prefill: int) -> str:
    """A migrated database with a year of prefilled events, in monthly partitions or in
    the default partition alone."""
    url = server.create_database(name)
    engine = make_engine(url)
    upgrade(engine)
    with engine.begin() as conn:
        for part in pg_ledger.partitions(conn):
            if part != pg_ledger.DEFAULT:
                conn.execute(text(f"DROP TABLE {pg_ledger.SCHEMA}.{part}"))
        if year:
            first = dt.date(2025, 12, 1)
            pg_ledger.create_partitions(conn, [pg_ledger.add_months(first, i) for i in range(13)])
    for i in range(12):
        month = dt.datetime(2025, 12, 1, tzinfo=dt.UTC) + dt.timedelta(days=31 * i)
        month = month.replace(day=1)
        copy(engine, rows("659999", batch("659999", prefill, 1000 + i, month)))
    with engine.begin() as conn:  # the raw COPY left the id index (0031) to be filled
        conn.execute(
            text(
                f"INSERT INTO {pg_ledger.SCHEMA}.{pg_ledger.IDS} (event_id, at)"
                " SELECT event_id, at FROM scan_events"
            )
        )
        conn.execute(text("ANALYZE scan_events"))
        conn.execute(text(f"ANALYZE {pg_ledger.SCHEMA}.{pg_ledger.IDS}"))
    engine.dispose()
    return name


Step = Callable[[Engine, str, Any], None]


def _ours(engine: Engine, county: str, events: list[ScanEvent]) -> None:
    uow = SqlUnitOfWork(engine)
    with uow:
        fps = {e.event_id: e.fingerprint() for e in events}
        assert not uow.ledger.fingerprints(list(fps))
        append_events(uow, county, events, RECEIVED, fps)
        uow.commit()


def _raw(engine: Engine, _: str, ready: list[tuple[Any, ...]]) -> None:
    copy(engine, iter(ready))


def _stage_unsorted(conn: Connection, rows_: Sequence[tuple[Any, ...]]) -> None:
    pg_ledger._stage(conn, "_scan_stage", "scan_events")
    raw = conn.connection.driver_connection
    assert raw is not None
    with raw.cursor() as cur, cur.copy("COPY _scan_stage FROM STDIN") as cp:
        for r in rows_:
            cp.write_row(r)


def _insert_before(conn: Connection) -> list[str]:
    conn.execute(text("INSERT INTO scan_events SELECT * FROM _scan_stage ON CONFLICT DO NOTHING"))
    return []


def _before(engine: Engine, county: str, events: list[ScanEvent]) -> None:
    """The path before the id index (revision 0030's lookup and insert; the staging table
    as ours, emptied by TRUNCATE): the lookup probes every partition's (event_id, at) key,
    the staged batch in its own order, one insert that skips repeats by that key (no repeat
    in this benchmark: its conflict check never ran)."""
    saved = pg_ledger.stage_events, pg_ledger.append_staged
    pg_ledger.stage_events, pg_ledger.append_staged = _stage_unsorted, _insert_before
    try:
        uow = SqlUnitOfWork(engine)
        with uow:
            fps = {e.event_id: e.fingerprint() for e in events}
            found = uow.ledger.connection.execute(
                text("SELECT event_id, fingerprint FROM scan_events WHERE event_id = ANY(:ids)"),
                {"ids": list(fps)},
            ).all()
            assert not found
            append_events(uow, county, events, RECEIVED, fps)
            uow.commit()
    finally:
        pg_ledger.stage_events, pg_ledger.append_staged = saved


RUNS: dict[str, tuple[Callable[[str, list[ScanEvent]], Any], Step]] = {
    # label: (prepare, off the clock; step, timed)
    "raw_copy_year": (lambda county, events: list(rows(county, events)), _raw),
    "ours_year": (lambda _, events: events, _ours),
    "ours_one": (lambda _, events: events, _ours),
    "before_year": (lambda _, events: events, _before),
    "before_one": (lambda _, events: events, _before),
}


def interleaved(urls: dict[str, str], per_county: int) -> dict[str, list[float]]:
    """The seconds each run's step takes for each county's batch, the runs in turn."""
    engines = {label: make_engine(url) for label, url in urls.items()}
    labels = list(urls)
    out: dict[str, list[float]] = {label: [] for label in labels}
    for k, county in enumerate(COUNTIES):
        events = batch(county, per_county, k)
        for label in labels[k % len(labels) :] + labels[: k % len(labels)]:
            prepare, step = RUNS[label]
            ready = prepare(county, events)
            t = time.perf_counter()
            step(engines[label], county, ready)
            out[label].append(time.perf_counter() - t)
    for engine in engines.values():
        engine.dispose()
    return out


def count(url: str) -> int:
    engine = make_engine(url)
    with engine.connect() as conn:
        n = int(conn.scalar(text("SELECT count(*) FROM scan_events")) or 0)
    engine.dispose()
    return n


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    prefill = int(sys.argv[2]) if len(sys.argv) > 2 else 20_000
    per_county = n // len(COUNTIES) // len(DOWN) * len(DOWN)
    events = per_county * len(COUNTIES)
    RESULTS.mkdir(exist_ok=True)
    started = machine(("countyexpress", "sqlalchemy", "psycopg"))
    uptime = Path("/proc/loadavg").read_text().split()[:3]
    with PostgresServer() as server:
        version = server.database_url("postgres")
        template(server, "tpl_year", True, prefill)
        template(server, "tpl_one", False, prefill)
        urls = {
            label: server.create_database(label, template="tpl_" + label.rsplit("_", 1)[1])
            for label in RUNS
        }
        per_batch = interleaved(urls, per_county)
        for label, url in urls.items():
            assert count(url) == events + 12 * (prefill // 6 * 6), label
            server.drop_database(label)
        engine = make_engine(version)
        with engine.connect() as conn:
            pg_version = str(conn.scalar(text("SHOW server_version")))
        engine.dispose()
    runs = {label: sum(v) for label, v in per_batch.items()}
    ratios = [y / o for y, o in zip(per_batch["ours_year"], per_batch["ours_one"], strict=True)]
    out = {
        "machine": {**started, "postgresql": pg_version, "loadavg_at_start": uptime,
                    "loadavg_at_end": [round(x, 2) for x in os.getloadavg()]},
        "events": events, "counties": len(COUNTIES), "batch_events": per_county,
        "prefill_per_month": prefill // 6 * 6,
        "seconds": {k: round(v, 2) for k, v in runs.items()},
        "events_per_second": {k: round(events / v) for k, v in runs.items()},
        "ratio_to_raw_copy": round(runs["raw_copy_year"] / runs["ours_year"], 3),
        "year_vs_one_partition": round(runs["ours_year"] / runs["ours_one"], 3),
        "year_vs_one_partition_median_of_batches": round(statistics.median(ratios), 3),
        "before_year_vs_one_partition": round(runs["before_year"] / runs["before_one"], 3),
        "ours_vs_before_year": round(runs["ours_year"] / runs["before_year"], 3),
    }  # fmt: skip
    (RESULTS / "ledger_postgres.json").write_text(json.dumps(out, indent=2) + "\n")
    m = out["machine"]
    eps = out["events_per_second"]
    md = [
        "# Ledger on PostgreSQL: batch ingest (issue 17)",
        "",
        f"Machine: {m['cpu']}, {m['cores']} cores, Python {m['python']}, PostgreSQL "
        f"{pg_version} (a private cluster tuned for speed, fsync off, as the tests start it), "
        f"psycopg {m['packages']['psycopg']}, {m['date']}; load average at start "
        f"{' '.join(uptime)}, at end {' '.join(map(str, m['loadavg_at_end']))}: the 2 cores "
        "were shared with the other engineers' jobs (tests, benchmarks) throughout; the five "
        "runs went batch by batch in turn, so that the load weighed on them alike.",
        "",
        f"{events:,} events of {len(COUNTIES)} counties, one batch of {per_county:,} per "
        f"county, on a ledger already holding {12 * out['prefill_per_month']:,} events of "
        "the past year.",
        "",
        "| run | seconds | events/s |",
        "|---|---|---|",
        *(f"| {k} | {v} | {eps[k]:,} |" for k, v in out["seconds"].items()),
        "",
        f"- ours / raw COPY (throughput): **{out['ratio_to_raw_copy']}** (aim ≥ 0.3)",
        f"- ours: **{eps['ours_year']:,} events/s** with a year of partitions (aim ≥ 20,000)",
        f"- a year of partitions / one partition (time): **{out['year_vs_one_partition']}** "
        f"(aim ≤ 1.10); median of the {len(ratios)} batches' ratios "
        f"{out['year_vs_one_partition_median_of_batches']}",
        "- before the id index (revision 0030's lookup over every partition and its insert, "
        f"the same staging, in the same run): a year / one "
        f"**{out['before_year_vs_one_partition']}**; ours ÷ before with a year (time): "
        f"{out['ours_vs_before_year']}",
        "",
        "ours = the ingest's storage path (the batch's ids looked up in the id index in one "
        "statement, COPY to staging, partitions on demand, the ids claimed and the events "
        "inserted in one statement each — the conflict check runs only when an id was "
        "taken —, states derived, projection upserted set-based); "
        "raw = COPY of the same rows into the same partitioned table; parsing and validating "
        "the JSON records is not timed (benchmarks/ledger/run.py measures it on SQLite).",
    ]
    path = RESULTS / "ledger_postgres.md"
    earlier = path.read_text() if path.exists() else ""
    kept = earlier[earlier.find("\n## Other runs") :] if "\n## Other runs" in earlier else ""
    path.write_text("\n".join(md) + "\n" + kept)  # the earlier runs and the reading stay
    print("\n".join(md))


if __name__ == "__main__":
    main()
