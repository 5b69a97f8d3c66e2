"""Region benchmark (issue 17): `region plan` for 20 synthetic counties, 1 worker vs 2.

    uv run python benchmarks/region/run.py                  # 20 counties, local and tcp
    uv run python benchmarks/region/run.py --counties 4 --iterations 200   # a quick look

Starts from an empty SQLite file in a temporary folder: `region synth --counties N`, then
`region simulate --days 1 --morning` (so every county has its morning's bags at the centre),
both through the CLI. Then the same day is planned (`services.region.plan_region`, what
`region plan` runs) on
- a LocalCluster of 1 worker process, then of 2;
- a real `dask scheduler` on 127.0.0.1 with 1 `dask worker`, then with a second one;
each fan-out timed on its own (the cluster's start is not counted). Every plan uses the same
seed and iterations, so the figures must agree between all four runs (checked). Results go
to results/<name>.json with the machine, `uptime` before and after each run (this 2-core
machine is shared with other engineers); README.md quotes them.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from machine import machine

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"
BIN = Path(sys.executable).parent
DAY = dt.date(2026, 11, 21)


def uptime() -> str:
    return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()


def cli(*args: str) -> Any:
    done = subprocess.run([str(BIN / "countyexpress"), *args, "--json"], capture_output=True,
                          text=True, check=False)  # fmt: skip
    if done.returncode not in (0, 3):
        raise SystemExit(f"countyexpress {' '.join(args)} failed:\n{done.stderr}")
    return json.loads(done.stdout)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def plan_once(fanout: Any, iterations: int, seed: int) -> dict[str, Any]:
    """One timed fan-out of every county's plan of DAY on `fanout`."""
    from countyexpress import bootstrap
    from countyexpress.planning.routing import PyVRPPlanner
    from countyexpress.services import region
    from countyexpress.services.vehicles import registry_fleet
    from countyexpress.settings import get_settings

    get_settings.cache_clear()
    engine = bootstrap.open_engine(get_settings(), migrate=False)
    uow = bootstrap.uow_factory(engine)
    chosen = region.loaded_counties(uow())
    planner = PyVRPPlanner(seconds=600, seed=seed, max_iterations=iterations)
    before = uptime()
    t0 = time.perf_counter()
    result = region.plan_region(uow, fanout, chosen, DAY, registry_fleet(uow()), planner)
    wall = time.perf_counter() - t0
    engine.dispose()
    data = result.as_dict()
    solve = [c["seconds"] for c in data["counties"]]
    cpu = [c["cpu_seconds"] for c in data["counties"]]
    return {
        "workers": fanout.workers,
        "wall_s": round(wall, 2),
        "solve_s_sum": round(sum(solve), 2),
        "solve_s_per_county": round(sum(solve) / max(1, len(solve)), 2),
        "solve_cpu_s_sum": round(sum(cpu), 2),
        "solve_cpu_s_per_county": round(sum(cpu) / max(1, len(cpu)), 2),
        "planned": len(data["counties"]),
        "failed": data["failed"],
        "uptime_before": before,
        "uptime_after": uptime(),
        "figures": [
            {k: v for k, v in c.items() if k not in ("plan_id", "seconds", "cpu_seconds")}
            for c in data["counties"]
        ],
    }


def local_runs(iterations: int, seed: int) -> list[dict[str, Any]]:
    from countyexpress.adapters.dask_cluster import cluster

    runs = []
    for n in (1, 2):
        with cluster("local", n) as fanout:
            runs.append({"scheduler": "local"} | plan_once(fanout, iterations, seed))
            print(f"local, {n} worker(s): {runs[-1]['wall_s']} s", flush=True)
    return runs


def tcp_runs(iterations: int, seed: int) -> list[dict[str, Any]]:
    """A `dask scheduler` and `dask worker` processes started here, then stopped."""
    from countyexpress.adapters.dask_cluster import cluster

    port = free_port()
    address = f"tcp://127.0.0.1:{port}"
    quiet: dict[str, Any] = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
    procs = [subprocess.Popen([str(BIN / "dask"), "scheduler", "--host", "127.0.0.1", "--port",
                               str(port), "--no-dashboard"], **quiet)]  # fmt: skip
    runs = []
    try:
        for n in (1, 2):
            procs.append(subprocess.Popen([str(BIN / "dask"), "worker", address, "--nthreads",
                                           "1", "--no-dashboard", "--host", "127.0.0.1"],
                                          **quiet))  # fmt: skip
            with cluster(address) as fanout:
                fanout.client.wait_for_workers(n, timeout=120)
                runs.append({"scheduler": "tcp (dask scheduler + dask worker)"}
                            | plan_once(fanout, iterations, seed))  # fmt: skip
            print(f"tcp, {n} worker(s): {runs[-1]['wall_s']} s", flush=True)
    finally:
        for p in reversed(procs):
            p.terminate()
            p.wait(timeout=60)
    return runs


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--counties", type=int, default=20)
    ap.add_argument("--iterations", type=int, default=1000)
    ap.add_argument("--scale", type=float, default=0.1)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--name", default=None)
    ap.add_argument("--postgresql", action="store_true",
                    help="on a private PostgreSQL cluster, as the tests start one")  # fmt: skip
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="cx-region-bench-") as tmp, ExitStack() as stack:
        url = f"sqlite:///{Path(tmp) / 'region.db'}"
        if args.postgresql:
            sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "tests"))
            from support.postgres import PostgresServer

            url = stack.enter_context(PostgresServer()).create_database("region")
            subprocess.run([str(BIN / "countyexpress"), "db", "upgrade"], check=True,
                           env={**os.environ, "COUNTYEXPRESS_DATABASE_URL": url})  # fmt: skip
        os.environ["COUNTYEXPRESS_DATABASE_URL"] = url
        os.environ["COUNTYEXPRESS_DATA_DIR"] = str(Path(tmp) / "data")
        t0 = time.perf_counter()
        synth = cli("region", "synth", "--counties", str(args.counties), "--seed", "1")
        t_synth = time.perf_counter() - t0
        t0 = time.perf_counter()
        sim = cli("region", "simulate", "--days", "1", "--end", str(DAY - dt.timedelta(days=1)),
                  "--scale", str(args.scale), "--morning", "--workers", "2")  # fmt: skip
        t_sim = time.perf_counter() - t0
        print(f"synth {t_synth:.1f} s, simulate {t_sim:.1f} s", flush=True)
        runs = local_runs(args.iterations, args.seed) + tcp_runs(args.iterations, args.seed)
    same = all(r["figures"] == runs[0]["figures"] for r in runs)
    result = {
        "benchmark": "region plan",
        "database": "postgresql" if args.postgresql else "sqlite",
        "counties": args.counties,
        "iterations": args.iterations,
        "scale": args.scale,
        "day": DAY.isoformat(),
        "synth_s": round(t_synth, 1),
        "simulate_1day_morning_2workers_s": round(t_sim, 1),
        "synth_failed": synth["failed"],
        "simulate_failed": sim["failed"],
        "parcels_planned": sum(f["parcels"] for f in runs[0]["figures"]),
        "same_figures_in_every_run": same,
        "runs": [{k: v for k, v in r.items() if k != "figures"} for r in runs],
        "figures": runs[0]["figures"],
        "machine": machine(("countyexpress", "dask", "distributed", "pyvrp")),
    }
    for sched in ("local", "tcp (dask scheduler + dask worker)"):
        one, two = (r["wall_s"] for r in runs if r["scheduler"] == sched)
        result[f"ratio_2_to_1_{sched.split()[0]}"] = round(two / one, 3)
    name = args.name or f"plan-{args.counties}counties-{dt.datetime.now(dt.UTC):%Y%m%d-%H%M}"
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"{name}.json").write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n",
                                          encoding="utf-8")  # fmt: skip
    print(json.dumps({k: v for k, v in result.items() if k not in ("figures", "machine")},
                     ensure_ascii=False, indent=1))  # fmt: skip


if __name__ == "__main__":
    main()
