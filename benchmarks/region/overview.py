"""Region screen benchmark (issue 17, item 5): the region overview over 100 counties' year.

    uv run python benchmarks/region/overview.py                       # SQLite, 100 counties
    uv run python benchmarks/region/overview.py --per-day 5 --name quick
    uv run python benchmarks/region/overview.py --postgres     # its own PostgreSQL cluster

Synthesises, set-based (INSERT … SELECT over a generated series, no ORM), on an empty
database: N synthetic counties (99PPCC codes) with a plan of 8 targets, 200 villages and 20
communities with people and coordinates, 120 village stations; twelve monthly assessment
snapshots of 40 indicators; a year of parcels in the projection (`parcels`, 2 % of them in
a non-final state) and their station scans in the ledger (`scan_events`: stored, then
picked up or — one in twenty — sent back unclaimed); a few credit events. Then times 20
requests of the region screen as an administrator (every county): the service alone
(`services.region_overview.region`) and the whole page (`GET /region`, rendered), each
after one warm-up. Aim (issue 17): p95 ≤ 200 ms. Results: results/<name>.json and .md, with
the machine and `uptime` before and after (the machine is shared).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import Connection, text

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from machine import machine

from countyexpress import bootstrap
from countyexpress.adapters.db.uow import SqlUnitOfWork
from countyexpress.domain.access import SYSTEM, Role
from countyexpress.entrypoints.api.app import create_app
from countyexpress.services import accounts, region_overview
from countyexpress.settings import Settings

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"
PASSWORD = "a long benchmark password"
INDICATORS = [f"indicator_{i:02d}" for i in range(32)] + [
    "village_coverage_rate", "blacklisted_subjects", "urban_outlets", "outlets_filed_rate",
    "stations_five_haves_rate", "lockers_per_community", "administrative_villages",
    "placeholder_divisions",
]  # fmt: skip
TARGETS = [
    {"indicator": n, "value": v, "year": 2026, "task": None, "unit": "", "note": "",
     "note_en": ""}
    for n, v in [("village_coverage_rate", 0.9), ("stations_five_haves_rate", 0.8),
                 ("urban_outlets", 10), ("outlets_filed_rate", 1.0),
                 ("lockers_per_community", 1.0), ("indicator_01", 0.5),
                 ("indicator_02", 0.5), ("blacklisted_subjects", 0)]
]  # fmt: skip
PLAN = {
    "title": "模拟规划", "title_en": "Synthetic plan", "issued_on": None, "issuer": "",
    "units": [], "tasks": [], "targets": TARGETS,
    "standards": {"five_haves": [], "extra": {"coverage_radius_km": 3}},
}  # fmt: skip


def uptime() -> str:
    return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()


def _series(c: Connection, n: int) -> str:
    """A table expression `s(i)` of 0..n-1 on either engine."""
    if c.dialect.name == "postgresql":
        return f"generate_series(0, {n - 1}) AS s(i)"
    c.execute(text("DROP TABLE IF EXISTS temp.seq"))
    c.execute(text("CREATE TEMP TABLE seq (i INTEGER PRIMARY KEY)"))
    c.execute(text(
        f"INSERT INTO seq WITH RECURSIVE r(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM r "
        f"WHERE i < {n - 1}) SELECT i FROM r"
    ))  # fmt: skip
    return "seq AS s"


def _ts(c: Connection, start: str, seconds: str) -> str:
    """SQL of the instant `seconds` after `start` (UTC), in the engine's column form."""
    if c.dialect.name == "postgresql":
        return f"(TIMESTAMPTZ '{start}+00' + ({seconds}) * INTERVAL '1 second')"
    return f"(strftime('%Y-%m-%d %H:%M:%S', '{start}', ({seconds}) || ' seconds') || '.000000')"


def _pad(c: Connection, expr: str, width: int) -> str:
    """SQL of `expr` zero-padded to `width` digits."""
    if c.dialect.name == "postgresql":
        return f"lpad(({expr})::text, {width}, '0')"
    return f"substr('{'0' * width}' || ({expr}), -{width})"


def synthesise(c: Connection, counties: int, per_day: int, now: dt.datetime) -> dict[str, int]:
    """Every table the region screen reads, set-based; the row counts."""
    year_ago = (now - dt.timedelta(days=365)).strftime("%Y-%m-%d %H:%M:%S")
    codes = [f"99{(k // 99):02d}{k % 99 + 1:02d}" for k in range(counties)]
    plan = json.dumps(PLAN, ensure_ascii=False)
    as_json = "CAST(:plan AS JSON)" if c.dialect.name == "postgresql" else ":plan"
    c.execute(
        text(
            "INSERT INTO counties (code, name, name_en, province, prefecture, population, "
            "population_source, population_source_en, seat_lat, seat_lon, sources, plan, "
            "operations, loaded_at) VALUES (:code, :name, :en, '模拟', '模拟', 200000, '', '', "
            f":lat, :lon, '[]', {as_json}, '{{}}', :at)"
        ),
        [{"code": k, "name": f"模拟县 {i + 1:02d}", "en": f"Synthetic county {i + 1:02d}",
          "lat": 40 + i * 0.5, "lon": 80 + i * 0.5, "plan": plan, "at": now}
         for i, k in enumerate(codes)],
    )  # fmt: skip
    places = 220
    c.execute(text(
        f"INSERT INTO divisions (county_code, code, seq, name, level, parent_code, population, "
        f"lat, lon, quality, coord_quality, note) "
        f"SELECT k.code, k.code || '1' || {_pad(c, 's.i', 5)}, s.i, "
        f"'村' || s.i, CASE WHEN s.i < 200 THEN 'village' ELSE 'community' END, "
        f"k.code || '100000', 300 + (s.i * 37) % 900, k.seat_lat + (s.i % 15) * 0.02, "
        f"k.seat_lon + (s.i / 15) * 0.02, 'estimate', 'estimate', '' "
        f"FROM counties k CROSS JOIN {_series(c, places)} WHERE k.code LIKE '99%'"
    ))  # fmt: skip
    c.execute(text(
        "INSERT INTO facilities (county_code, code, seq, name, kind, division_code, lat, lon, "
        "operator, status, quality, carriers, details, note) "
        "SELECT d.county_code, 'ST-' || d.seq, d.seq, '站' || d.seq, 'station', d.code, "
        "d.lat, d.lon, '', 'open', 'estimate', '[]', '{}', '' FROM divisions d "
        "WHERE d.level = 'village' AND d.seq < 120 AND d.county_code LIKE '99%'"
    ))  # fmt: skip
    c.execute(text(
        "INSERT INTO assessment_snapshots (county_code, month, indicator, value, taken_at) "
        "VALUES (:k, :m, :n, :v, :at)"
    ), [{"k": k, "m": f"{(now - dt.timedelta(days=30 * j)):%Y-%m}", "n": n,
         "v": (hash((k, n, j)) % 100) / 100, "at": now}
        for k in codes for j in range(12) for n in INDICATORS])  # fmt: skip
    per_county = 365 * per_day
    at = _ts(c, year_ago, f"s.i * {86400 // per_day}")
    state = (
        "CASE WHEN s.i % 50 = 0 THEN 'stored' WHEN s.i % 20 = 0 THEN 'returned' "
        "ELSE 'delivered' END"
    )
    c.execute(text(
        f"INSERT INTO parcels (county_code, waybill_no, carrier, state, place, last_at, events, "
        f"anomalies, open_exception, updated_at) "
        f"SELECT k.code, 'ZT' || k.code || {_pad(c, 's.i', 7)}, 'zto', {state}, "
        f"'ST-' || (s.i % 120), {at}, 2, 0, false, {at} "
        f"FROM counties k CROSS JOIN {_series(c, per_county)} WHERE k.code LIKE '99%'"
    ))  # fmt: skip
    for kind, offset, where in (("store", 0, "1 = 1"),
                                ("pickup", 3600, "s.i % 20 <> 0 AND s.i % 50 <> 0"),
                                ("return", 7200, "s.i % 20 = 0 AND s.i % 50 <> 0")):  # fmt: skip
        when = _ts(c, year_ago, f"s.i * {86400 // per_day} + {offset}")
        c.execute(text(
            f"INSERT INTO scan_events (event_id, county_code, waybill_no, carrier, kind, "
            f"facility, actor, at, at_text, received_at, payload, fingerprint) "
            f"SELECT '{kind}-' || k.code || '-' || s.i, k.code, "
            f"'ZT' || k.code || {_pad(c, 's.i', 7)}, 'zto', '{kind}', "
            f"'ST-' || (s.i % 120), '', {when}, '', {when}, '{{}}', '{kind}' "
            f"FROM counties k CROSS JOIN {_series(c, per_county)} "
            f"WHERE k.code LIKE '99%' AND {where}"
        ))  # fmt: skip
    c.execute(text(
        "INSERT INTO credit_events (county_code, subject, type, on_day, note, ref, recorded_at, "
        "recorded_by) VALUES (:k, :s, 'late_filing', :d, '', '', :at, 'bench')"
    ), [{"k": k, "s": f"carrier:c{j}", "d": (now - dt.timedelta(days=40 * j)).date(), "at": now}
        for k in codes for j in range(5)])  # fmt: skip
    count = {t: int(c.execute(text(f"SELECT count(*) FROM {t}")).scalar_one())
             for t in ("counties", "divisions", "facilities", "assessment_snapshots", "parcels",
                       "scan_events", "credit_events")}  # fmt: skip
    if c.dialect.name == "postgresql":
        c.execute(text("ANALYZE"))
    return count


def p95(ms: list[float]) -> float:
    return statistics.quantiles(ms, n=20, method="inclusive")[-1]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--counties", type=int, default=100)
    ap.add_argument("--per-day", type=int, default=20, help="parcels a county a day")
    ap.add_argument("--requests", type=int, default=20)
    ap.add_argument("--postgres", action="store_true", help="on a PostgreSQL of its own")
    ap.add_argument("--name", default="")
    args = ap.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="region-overview-"))
    if args.postgres:
        sys.path.insert(0, str(HERE.parents[1] / "tests"))
        from support.postgres import PostgresServer

        with PostgresServer() as server:
            run(args, server.create_database("region_overview"), folder)
    else:
        run(args, f"sqlite:///{folder / 'region.db'}", folder)


def run(args: argparse.Namespace, url: str, folder: Path) -> None:
    """Synthesise, time and write the results, on the database at `url`."""
    settings = Settings(database_url=url, data_dir=folder)
    engine = bootstrap.open_engine(settings)
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    before = uptime()
    t0 = time.perf_counter()
    with engine.begin() as c:
        rows = synthesise(c, args.counties, args.per_day, now)
    built = time.perf_counter() - t0
    print(f"synthesised in {built:.1f} s: {rows}", flush=True)
    accounts.create_user(SqlUnitOfWork(engine), SYSTEM, "bench", PASSWORD, Role.ADMIN)
    service: list[float] = []
    region = region_overview.region(SqlUnitOfWork(engine), SYSTEM)  # warm-up
    assert len(region.rows) == args.counties, len(region.rows)
    for _ in range(args.requests):
        t = time.perf_counter()
        region_overview.region(SqlUnitOfWork(engine), SYSTEM)
        service.append((time.perf_counter() - t) * 1000)
    page: list[float] = []
    with TestClient(create_app(settings, engine)) as client:
        form = client.get("/login").text
        token = form.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
        client.post("/login", data={"username": "bench", "password": PASSWORD,
                                    "csrf_token": token})  # fmt: skip
        assert client.get("/region").status_code == 200  # warm-up
        for _ in range(args.requests):
            t = time.perf_counter()
            r = client.get("/region?sort=stuck")
            page.append((time.perf_counter() - t) * 1000)
            assert r.status_code == 200 and r.text.count("<tr data-county=") == args.counties
    after = uptime()
    backend = engine.dialect.name
    result: dict[str, Any] = {
        "benchmark": "region overview (issue 17, item 5)",
        "backend": backend,
        "counties": args.counties,
        "parcels_per_county_day": args.per_day,
        "rows": rows,
        "synthesis_s": round(built, 1),
        "requests": args.requests,
        "service_ms": {"p50": round(statistics.median(service), 1),
                       "p95": round(p95(service), 1), "max": round(max(service), 1)},
        "page_ms": {"p50": round(statistics.median(page), 1), "p95": round(p95(page), 1),
                    "max": round(max(page), 1)},
        "aim_p95_ms": 200,
        "uptime_before": before,
        "uptime_after": after,
        "machine": machine(("countyexpress", "sqlalchemy", "fastapi", "psycopg")),
    }  # fmt: skip
    print(json.dumps(result, indent=2, ensure_ascii=False))
    name = args.name or f"overview-{backend}-{args.counties}counties"
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"{name}.json").write_text(
        json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    s, p = result["service_ms"], result["page_ms"]
    (RESULTS / f"{name}.md").write_text(
        f"# Region overview, {backend} ({name})\n\n"
        f"{args.counties} synthetic counties, a year at {args.per_day} parcels a county a day: "
        + ", ".join(f"{v:,} {k}" for k, v in rows.items())
        + f" (synthesised in {built:.0f} s).\n\n"
        f"| {args.requests} requests | p50 | p95 | max |\n|---|---|---|---|\n"
        f"| service (`region_overview.region`) | {s['p50']} ms | {s['p95']} ms | {s['max']} ms |\n"
        f"| page (`GET /region`, rendered) | {p['p50']} ms | {p['p95']} ms | {p['max']} ms |\n\n"
        f"Aim: p95 ≤ 200 ms. Machine: {result['machine']['cpu']}, "
        f"{result['machine']['cores']} cores, SQLite {result['machine']['sqlite']}, "
        f"{result['machine']['date']}.\n\n"
        f"`uptime` before: `{before}`  \n`uptime` after: `{after}`\n",
        encoding="utf-8",
    )


if __name__ == "__main__":
    main()
