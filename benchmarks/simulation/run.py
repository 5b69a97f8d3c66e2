"""Simulation benchmark (issue 7): simulated Heshuo days through the real services.

    uv run python benchmarks/simulation/run.py --days 30                # the 30-day month
    uv run python benchmarks/simulation/run.py --days 365 --scale 0.1   # a year at 1/10
    uv run python benchmarks/simulation/run.py --days 2 --profile       # where the time goes

Each run starts from an empty SQLite file (the embedded default) in a temporary folder,
loads the Heshuo pack and simulates the days ending on --end with a fixed seed. Results
go to results/<name>.json; results/simulation.md is rebuilt from all of them. Other
engineers share this machine: the load average before and after each run is recorded.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import json
import pstats
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from countyexpress.adapters.db.cached import CountyCachingUnitOfWork
from countyexpress.adapters.db.engine import make_engine
from countyexpress.adapters.db.migrate import upgrade
from countyexpress.adapters.db.tables_ledger import scan_events
from countyexpress.adapters.db.tables_ops import manifest_items
from countyexpress.adapters.packs import builtin_pack_path, read_pack
from countyexpress.adapters.packs.simulation import params_for
from countyexpress.adapters.vault import Vault
from countyexpress.domain.county import County
from countyexpress.services import counties, simulation

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from machine import load_average as load
from machine import machine

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"

# the service calls the simulation makes, for the per-call table of a profile run
SERVICES = (
    "centre.py:record_consents", "centre.py:add_manifest", "centre.py:resolve_manually_many",
    "centre.py:centre_inbound_many", "centre.py:dispatch_many",
    "stations.py:station_inbound_run", "stations.py:hand_over_at_stations",
    "stations.py:locker_deposit_many", "stations.py:locker_pickup_many",
    "stations.py:locker_deposit_run", "stations.py:locker_pickup_run",
    "stations.py:return_unclaimed", "scans.py:ingest", "scans.py:append_events",
    "intake.py:take_in_many", "intake.py:screen_many", "intake.py:depart_outbound_many",
    "demand.py:plan_day", "demand.py:__init__",
)  # fmt: skip

TOTALS = (
    "consents", "resolved_by_hand", "dispatched", "stored", "locker", "door", "picked_up",
    "locker_picked_up", "returned", "outbound_taken_in", "screened", "exceptions",
)  # fmt: skip


def run(
    days: int, end: dt.date, scale: float, seed: int, profile: bool, note: str = ""
) -> dict[str, Any]:
    county_pack = builtin_pack_path("heshuo")
    assert county_pack is not None
    county = read_pack(county_pack)
    params = params_for(county)
    start = end - dt.timedelta(days=days - 1)
    with tempfile.TemporaryDirectory(prefix="cx-sim-bench-") as tmp:
        engine = make_engine(f"sqlite:///{Path(tmp) / 'bench.db'}")
        upgrade(engine)
        cache: dict[str, County] = {}

        def factory() -> CountyCachingUnitOfWork:
            return CountyCachingUnitOfWork(engine, cache)

        counties.load_county(factory(), county)
        vault = Vault(b"benchmark-key-material-0123456789")

        def tick(done: int, total: int, s: simulation.DayStats) -> None:
            print(f"  {s.day} {s.planned:>6,} parcels {s.events:>7,} events "
                  f"{s.seconds:6.1f} s  ({done}/{total})", file=sys.stderr, flush=True)  # fmt: skip

        before = load()
        profiler = cProfile.Profile() if profile else None
        t0, cpu0 = time.perf_counter(), time.process_time()
        if profiler:
            profiler.enable()
        result = simulation.simulate(
            factory, vault, county.code, params, start, days, seed=seed, scale=scale, progress=tick
        )
        if profiler:
            profiler.disable()
        seconds = time.perf_counter() - t0
        cpu = time.process_time() - cpu0  # this process's CPU: other jobs move it less
        after = load()
        with engine.connect() as c:
            events = int(c.scalar(select(func.count()).select_from(scan_events)) or 0)
            parcels = int(c.scalar(select(func.count()).select_from(manifest_items)) or 0)
        db_mb = (Path(tmp) / "bench.db").stat().st_size / 1e6
        engine.dispose()
    out: dict[str, Any] = {
        "days": days,
        "start": start.isoformat(),
        "end": end.isoformat(),
        "scale": scale,
        "seed": seed,
        "profiled": profile,
        "note": note,
        "seconds": round(seconds, 1),
        "cpu_seconds": round(cpu, 1),
        "parcels_planned": result.total("planned"),
        "manifest_items": parcels,
        "events": events,
        "parcels_per_s": round(result.total("planned") / seconds, 1),
        "events_per_s": round(events / seconds, 1),
        "database_mb": round(db_mb, 1),
        "states": result.states,
        "totals": {n: result.total(n) for n in TOTALS},
        "slowest_day_s": round(max(s.seconds for s in result.stats), 1),
        "load_average_before": before,
        "load_average_after": after,
        "machine": machine(("countyexpress", "sqlalchemy")),
    }
    if profiler:
        out["per_call"] = per_call(profiler)
    return out


def per_call(profiler: cProfile.Profile) -> list[dict[str, Any]]:
    stats = pstats.Stats(profiler)
    rows = []
    for (filename, _line, name), (_cc, calls, _tt, cum, _callers) in stats.stats.items():  # type: ignore[attr-defined]
        key = f"{Path(filename).name}:{name}"
        if key in SERVICES and "countyexpress" in filename:
            rows.append({"call": key, "calls": calls, "seconds": round(cum, 2),
                         "ms_per_call": round(1000 * cum / calls, 2)})  # fmt: skip
    return sorted(rows, key=lambda r: -r["seconds"])


def report() -> None:
    """results/simulation.md from every results/*.json."""
    runs = [json.loads(p.read_text()) for p in sorted(RESULTS.glob("*.json"))]
    lines = ["# Simulation benchmark results", "",
             "Regenerated by `benchmarks/simulation/run.py` from `results/*.json`. Each run: an "
             "empty SQLite file, the Heshuo pack, the simulated days through the real services.",
             "Load average: other engineers' jobs share the machine (2 cores).", "",
             "| run | days | scale | parcels | events | seconds | CPU s | parcels/s | events/s | "
             "slowest day s | load before → after | machine | date |",
             "|---|---|---|---|---|---|---|---|---|---|---|---|---|"]  # fmt: skip
    for r in runs:
        m = r["machine"]
        name = f"{r['start']}…{r['end']}" + (" (profiled)" if r["profiled"] else "")
        name += f" — {r['note']}" if r.get("note") else ""
        lines.append(
            f"| {name} | {r['days']} | {r['scale']} | {r['parcels_planned']:,} | "
            f"{r['events']:,} | {r['seconds']:,} | {r.get('cpu_seconds', '')} | "
            f"{r['parcels_per_s']} | {r['events_per_s']} | "
            f"{r['slowest_day_s']} | {r['load_average_before']} → {r['load_average_after']} | "
            f"{m['cpu']}, {m['cores']} cores, Python {m['python']}, SQLite {m['sqlite']} | "
            f"{m['date']} |"
        )
    for r in runs:
        if r.get("per_call"):
            lines += ["", f"## Where the time goes ({r['days']} days, scale {r['scale']}, "
                      "under cProfile: absolute times ~1.5× the unprofiled run)", "",
                      "| call | calls | seconds | ms per call |", "|---|---|---|---|"]  # fmt: skip
            lines += [f"| `{c['call']}` | {c['calls']:,} | {c['seconds']} | {c['ms_per_call']} |"
                      for c in r["per_call"]]  # fmt: skip
    (RESULTS / "simulation.md").write_text("\n".join(lines) + "\n", encoding="utf-8")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--days", type=int, default=30)
    ap.add_argument("--end", type=dt.date.fromisoformat, default=dt.date(2026, 11, 28))
    ap.add_argument("--scale", type=float, default=1.0)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--profile", action="store_true")
    ap.add_argument("--name", default="")
    ap.add_argument("--report-only", action="store_true")
    ap.add_argument("--note", default="", help="what code ran (e.g. its commit), in the table")
    a = ap.parse_args()
    RESULTS.mkdir(parents=True, exist_ok=True)
    if not a.report_only:
        result = run(a.days, a.end, a.scale, a.seed, a.profile, a.note)
        name = a.name or f"days{a.days}-scale{a.scale:g}" + ("-profile" if a.profile else "")
        (RESULTS / f"{name}.json").write_text(json.dumps(result, indent=2, ensure_ascii=False))
        print(json.dumps({k: v for k, v in result.items() if k != "per_call"}, indent=2))
    report()


if __name__ == "__main__":
    main()
