"""Issue 6 acceptance on held-out county-like instances: `route solve` against long runs.

For each instance of `county_instances.py` (written to `instances/`):

- `countyexpress route solve FILE --seconds N --json`, run as a person runs it (the
  console script in a subprocess; wall time includes start-up, reading and translating);
  its routes are checked here from the file alone (every client once, capacity per route)
  and its cost recomputed with rounded EUC_2D, which must equal the printed cost;
- a long reference: raw PyVRP (`pyvrp.read(..., round_func="round")`) for `--ref-seconds`
  with several seeds other than the one `route solve` uses, the best kept. It is only an
  upper bound of the optimum, so a gap to it flatters any solver it is close to.

Targets (issue 6): 120 stops at 10 s within 0.5 %; 400 stops at 20 s within 2 %; a 2,000-stop
regional day in under 60 s (wall) within 2 %.

    uv run python benchmarks/routing/acceptance.py               # ~40 minutes
    uv run python benchmarks/routing/acceptance.py --quick       # ~1 minute, smoke only
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import json
import math
import os
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from machine import machine

HERE = Path(__file__).parent
INSTANCES = HERE / "instances"
CLI = Path(sys.executable).parent / "countyexpress"

PLAN = [
    # instance, route solve seconds, seeds of route solve, target gap %, wall limit s
    ("county-n121-s61", 10.0, (0, 1, 2), 0.5, None),
    ("county-n401-s62", 20.0, (0, 1, 2), 2.0, None),
    ("region-n2001-s63", 40.0, (0,), 2.0, 60.0),
]
REFERENCE = {"county-n121-s61": (90.0, (101, 102, 103)),
             "county-n401-s62": (240.0, (101, 102, 103)),
             "region-n2001-s63": (600.0, (101, 102))}  # fmt: skip


def read_instance(path: Path) -> tuple[dict[str, tuple[float, float]], dict[str, int], int]:
    """Coordinates and demand by node id, and the capacity, straight from the file."""
    coords: dict[str, tuple[float, float]] = {}
    demand: dict[str, int] = {}
    capacity, section = 0, ""
    for line in path.read_text().splitlines():
        parts = line.split()
        if not parts:
            continue
        if parts[0] == "CAPACITY":
            capacity = int(parts[-1])
        elif parts[0].endswith("_SECTION"):
            section = parts[0]
        elif parts[0] == "EOF":
            break
        elif section == "NODE_COORD_SECTION":
            coords[parts[0]] = (float(parts[1]), float(parts[2]))
        elif section == "DEMAND_SECTION":
            demand[parts[0]] = int(parts[1])
    return coords, demand, capacity


def verify(path: Path, routes: list[list[str]]) -> dict[str, object]:
    """Cost (rounded EUC_2D), and whether every client is served once within capacity."""
    coords, demand, capacity = read_instance(path)
    depot = "1"
    served = [n for r in routes for n in r]
    problems = []
    if sorted(served) != sorted(n for n in coords if n != depot):
        problems.append("clients not served exactly once")
    over = [i for i, r in enumerate(routes) if sum(demand[n] for n in r) > capacity]
    if over:
        problems.append(f"routes over capacity: {over[:5]}")
    cost = 0
    for r in routes:
        for a, b in itertools.pairwise([depot, *r, depot]):
            cost += int(math.dist(coords[a], coords[b]) + 0.5)
    return {"cost": cost, "feasible": not problems, "problems": problems, "routes": len(routes)}


def route_solve(path: Path, seconds: float, seed: int) -> dict[str, object]:
    """The command as a person runs it; wall time from start to exit."""
    t0 = time.perf_counter()
    done = subprocess.run(
        [str(CLI), "route", "solve", str(path), "--seconds", str(seconds), "--seed", str(seed),
         "--json"], capture_output=True, text=True, check=False,
    )  # fmt: skip
    wall = time.perf_counter() - t0
    if done.returncode != 0:
        return {"seed": seed, "error": done.stderr[-2000:], "wall_s": round(wall, 2)}
    answer = json.loads(done.stdout)
    check = verify(path, answer["routes"])
    return {"seed": seed, "printed_cost": answer["cost"], **check,
            "cost_matches": answer["cost"] == check["cost"], "wall_s": round(wall, 2)}  # fmt: skip


def reference(path: Path, seconds: float, seed: int) -> dict[str, object]:
    """A long raw PyVRP run; its routes (client k is node k + 2: the depot is node 1) verified
    the same way."""
    import pyvrp
    from pyvrp.stop import MaxRuntime

    t0 = time.perf_counter()
    data = pyvrp.read(path, round_func="round")
    result = pyvrp.solve(data, MaxRuntime(seconds), seed=seed, collect_stats=False)
    routes = [[str(a.idx + 2) for a in r if a.is_client()] for r in result.best.routes()]
    check = verify(path, routes)
    return {"seed": seed, "seconds": seconds, "pyvrp_cost": int(result.cost()), **check,
            "wall_s": round(time.perf_counter() - t0, 2)}  # fmt: skip


def uptime() -> str:
    try:
        return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()
    except OSError:
        return f"load average {os.getloadavg()}"


def markdown(results: dict[str, object]) -> str:
    m = results["machine"]
    assert isinstance(m, dict)
    out = [
        "# Issue 6 acceptance: `route solve` on held-out county-like instances",
        "",
        f"{results['started']} → {results['finished']}, on {m['cpu']}, {m['cores']} cores, "
        f"Python {m['python']}, " + ", ".join(f"{k} {v}" for k, v in m["packages"].items()),
        "",
        f"- `uptime` at the start: `{results['uptime_start']}`",
        f"- `uptime` at the end: `{results['uptime_end']}`",
        "",
        "Gap = (cost − reference) / reference; the reference is the best of long raw PyVRP "
        "runs with other seeds (an upper bound of the optimum). Wall s of `route solve` is "
        "the whole command: start-up, reading, translating, solving, printing.",
        "",
        "| instance | stops | limit | seed | cost | gap | target | wall s | feasible | "
        "cost printed = recomputed |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]  # fmt: skip
    for row in results["rows"]:  # type: ignore[attr-defined]
        for r in row["route_solve"]:
            gap = r.get("gap_pct")
            out.append(
                f"| {row['instance']} | {row['stops']} | {row['seconds']:g} s | {r['seed']} | "
                f"{r.get('cost', '—')} | "
                + (f"{gap:.2f} %" if gap is not None else "—")
                + f" | {row['target_pct']:g} %"
                + (f" (and < {row['wall_limit_s']:g} s)" if row["wall_limit_s"] else "")
                + f" | {r['wall_s']} | {r.get('feasible')} | {r.get('cost_matches')} |"
            )
    out += ["", "| instance | reference runs | costs | best |", "|---|---|---|---|"]
    for row in results["rows"]:  # type: ignore[attr-defined]
        refs = row["reference"]
        out.append(
            f"| {row['instance']} | {len(refs)} × {refs[0]['seconds']:g} s (seeds "
            + ", ".join(str(r["seed"]) for r in refs) + ") | "
            + ", ".join(str(r["cost"]) for r in refs) + f" | {row['reference_cost']} |"
        )  # fmt: skip
    return "\n".join(out) + "\n"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--quick", action="store_true", help="1 s runs, 2 s references")
    ap.add_argument("--out", type=Path, default=HERE / "results")
    args = ap.parse_args()
    results: dict[str, object] = {
        "started": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "uptime_start": uptime(), "rows": [],
        "machine": machine(("pyvrp", "numpy", "countyexpress")),
    }  # fmt: skip
    stem = "acceptance_quick" if args.quick else "acceptance"
    args.out.mkdir(parents=True, exist_ok=True)
    rows: list[dict[str, object]] = results["rows"]  # type: ignore[assignment]
    for name, seconds, seeds, target, wall_limit in PLAN:
        path = INSTANCES / f"{name}.vrp"
        ref_s, ref_seeds = REFERENCE[name]
        if args.quick:
            seconds, seeds, ref_s, ref_seeds = 1.0, seeds[:1], 2.0, ref_seeds[:1]
        solved = [route_solve(path, seconds, s) for s in seeds]
        print(name, json.dumps(solved), flush=True)
        refs = [reference(path, ref_s, s) for s in ref_seeds]
        print(name, json.dumps(refs), flush=True)
        best = min(int(r["cost"]) for r in refs if r["feasible"])  # type: ignore[call-overload]
        for r in solved:
            if "cost" in r:
                r["gap_pct"] = round(100 * (int(r["cost"]) - best) / best, 3)  # type: ignore[call-overload]
                r["meets_target"] = (
                    bool(r["feasible"])
                    and r["gap_pct"] <= target
                    and (
                        wall_limit is None or float(r["wall_s"]) < wall_limit  # type: ignore[arg-type]
                    )
                )
        rows.append({"instance": name, "stops": len(read_instance(path)[1]) - 1,
                     "seconds": seconds, "target_pct": target, "wall_limit_s": wall_limit,
                     "route_solve": solved, "reference": refs, "reference_cost": best})  # fmt: skip
        results["uptime_end"] = uptime()
        results["finished"] = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        (args.out / f"{stem}.json").write_text(json.dumps(results, indent=2) + "\n")
        (args.out / f"{stem}.md").write_text(markdown(results))
    print(markdown(results))


if __name__ == "__main__":
    main()
