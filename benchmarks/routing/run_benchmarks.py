"""Routing benchmarks: our `route solve` pipeline (PyVRP) against OR-Tools routing, and a
Heshuo-sized day. Writes results/results.json and results/results.md.

    uv run --group bench python benchmarks/routing/run_benchmarks.py            # ~5 minutes
    uv run --group bench python benchmarks/routing/run_benchmarks.py --quick    # smoke run

The CVRPLIB instances are read from /work/shared/benchmarks/cvrplib (not copied here).
Every cost is recomputed from the routes with the instance's convention (rounded EUC_2D).
One run per cell with seed 0: figures vary by a few tenths of a percent between runs.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
import time
from pathlib import Path

from countyexpress.adapters.routing.parcel_files import read_parcels, read_vehicles
from countyexpress.adapters.routing.vrplib_cvrp import CvrpInstance, read_cvrp
from countyexpress.planning.routing import PyVRPPlanner, RoutingProblem
from countyexpress.planning.routing.codelivery import ServiceTimes, stops_from, travel_for

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from machine import machine

HERE = Path(__file__).parent
ROOT = HERE.parents[1]
CVRPLIB = Path(os.environ.get("CVRPLIB_DIR", "/work/shared/benchmarks/cvrplib"))
INSTANCES = ["X-n101-k25", "X-n401-k29", "X-n1001-k43"]
LIMITS = [10.0, 30.0]
DEMO = ROOT / "tests" / "fixtures" / "routing"


def best_known(name: str) -> int:
    for line in (CVRPLIB / f"{name}.sol").read_text().splitlines():
        if line.lower().startswith("cost"):
            return int(float(line.split()[1]))
    raise ValueError(f"{name}.sol has no Cost line")


def run_ours(path: Path, seconds: float) -> dict[str, object]:
    """The `route solve` code path: read_cvrp → PyVRPPlanner → RoutePlan → route cost."""
    t0 = time.perf_counter()
    instance = read_cvrp(path)
    t1 = time.perf_counter()
    plan = PyVRPPlanner(seconds=seconds, seed=0)(instance.problem)
    t2 = time.perf_counter()
    routes = [list(r.stops) for r in plan.routes]
    cost = instance.route_cost(routes)
    check = plan.check(instance.problem)
    return {"cost": cost, "feasible": check.feasible, "routes": len(routes),
            "read_s": round(t1 - t0, 2), "wall_s": round(time.perf_counter() - t0, 2),
            "solve_and_translate_s": round(t2 - t1, 2)}  # fmt: skip


def run_raw_pyvrp(path: Path, seconds: float) -> dict[str, object]:
    """PyVRP on its own (pyvrp.read, rounded), to show what our pipeline costs in quality."""
    import pyvrp
    from pyvrp.stop import MaxRuntime

    t0 = time.perf_counter()
    data = pyvrp.read(path, round_func="round")
    result = pyvrp.solve(data, MaxRuntime(seconds), seed=0, collect_stats=False)
    return {"cost": int(result.cost()), "feasible": result.is_feasible(),
            "wall_s": round(time.perf_counter() - t0, 2)}  # fmt: skip


def run_ortools(instance: CvrpInstance, seconds: float) -> dict[str, object]:
    """OR-Tools routing: PATH_CHEAPEST_ARC then GUIDED_LOCAL_SEARCH for `seconds`."""
    from ortools.constraint_solver import pywrapcp, routing_enums_pb2

    problem = instance.problem
    ids = list(instance.node_ids)
    depot = ids.index(problem.depots[0].code)
    demand = [0] * len(ids)
    for s in problem.stops:
        demand[ids.index(s.code)] = s.delivery.parcels
    capacity = int(problem.vehicles[0].capacity.parcels or 0)
    k = int(instance.name.split("-k")[-1]) if "-k" in instance.name else 0
    vehicles = max(k, math.ceil(sum(demand) / capacity)) + 2  # a little slack over the minimum
    t0 = time.perf_counter()
    manager = pywrapcp.RoutingIndexManager(len(ids), vehicles, depot)
    routing = pywrapcp.RoutingModel(manager)
    arc = routing.RegisterTransitMatrix(instance.distances.tolist())
    routing.SetArcCostEvaluatorOfAllVehicles(arc)
    load = routing.RegisterUnaryTransitVector(demand)
    routing.AddDimensionWithVehicleCapacity(load, 0, [capacity] * vehicles, True, "load")
    params = pywrapcp.DefaultRoutingSearchParameters()
    params.first_solution_strategy = routing_enums_pb2.FirstSolutionStrategy.PATH_CHEAPEST_ARC
    params.local_search_metaheuristic = (
        routing_enums_pb2.LocalSearchMetaheuristic.GUIDED_LOCAL_SEARCH
    )
    params.time_limit.FromMilliseconds(int(seconds * 1000))
    solution = routing.SolveWithParameters(params)
    wall = time.perf_counter() - t0
    if solution is None:
        return {"cost": None, "feasible": False, "vehicles_offered": vehicles,
                "wall_s": round(wall, 2)}  # fmt: skip
    routes = []
    for v in range(vehicles):
        index, route = routing.Start(v), []
        while not routing.IsEnd(index):
            node = manager.IndexToNode(index)
            if node != depot:
                route.append(ids[node])
            index = solution.Value(routing.NextVar(index))
        if route:
            routes.append(route)
    return {"cost": instance.route_cost(routes), "feasible": True, "routes": len(routes),
            "vehicles_offered": vehicles, "wall_s": round(wall, 2)}  # fmt: skip


def heshuo_day(limits: list[float], reference_s: float) -> dict[str, object]:
    """The DEMO Heshuo day, all carriers together, at short limits against a longer run."""
    lines = read_parcels(DEMO / "heshuo_demo_parcels.csv")
    depots, fleet = read_vehicles(DEMO / "heshuo_demo_vehicles.csv")
    travel = travel_for(lines, depots, 1.3, 40.0)
    problem = RoutingProblem.of(depots, stops_from(lines, ServiceTimes()), fleet, travel)
    runs = []
    for seconds in [*limits, reference_s]:
        t0 = time.perf_counter()
        plan = PyVRPPlanner(seconds=seconds, seed=0)(problem)
        wall = time.perf_counter() - t0
        check = plan.check(problem)
        runs.append({"seconds": seconds, "cost": round(check.cost, 2),
                     "vehicle_km": round(check.distance_km, 1), "routes": len(plan.routes),
                     "feasible": check.feasible, "wall_s": round(wall, 2)})  # fmt: skip
    ref = runs[-1]["cost"]
    for r in runs:
        r["gap_to_reference_pct"] = round(100 * (r["cost"] - ref) / ref, 2)  # type: ignore[operator]
    parcels = sum(s.delivery.parcels for s in problem.stops)
    return {"stops": len(problem.stops), "parcels": parcels, "reference_s": reference_s,
            "vehicles": sum(v.count for v in fleet), "runs": runs}  # fmt: skip


def run_machine(load_at_start: tuple[float, ...]) -> dict[str, object]:
    """The shared machine record, with the load at the start and at the end of the run."""
    m = machine(("pyvrp", "ortools", "numpy", "vrplib", "countyexpress"))
    m["load_average_1_5_15_min"] = {"start": load_at_start, "end": os.getloadavg()}
    return m


def markdown(results: dict[str, object]) -> str:
    m = results["machine"]
    assert isinstance(m, dict)
    out = [
        "# Routing benchmark results",
        "",
        f"{m['date']} on {m['cpu']}, {m['cores']} cores, Python {m['python']}; "
        + ", ".join(f"{k} {v}" for k, v in m["packages"].items()) + ".",
        f"Load average (1 min) {m['load_average_1_5_15_min']['start'][0]:.1f} at the start, "
        f"{m['load_average_1_5_15_min']['end'][0]:.1f} at the end. "
        "One run per cell, seed 0. Gap = (cost − best known) / best known. "
        "Wall time includes reading the instance and translating in and out.",
        "",
        "| instance | best known | limit | ours: cost | gap | wall s "
        "| raw PyVRP: gap | wall s | OR-Tools GLS: cost | gap | wall s |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]  # fmt: skip
    for row in results["cvrplib"]:  # type: ignore[attr-defined]
        o, t = row["ours"], row["ortools"]
        out.append(
            f"| {row['instance']} | {row['best_known']} | {row['seconds']:g} s | {o['cost']} | "
            f"{o['gap_pct']:.2f} % | {o['wall_s']} | {row['raw_pyvrp']['gap_pct']:.2f} % | "
            f"{row['raw_pyvrp']['wall_s']} | {t['cost']} | "
            + (f"{t['gap_pct']:.2f} %" if t.get("gap_pct") is not None else "—")
            + f" | {t['wall_s']} |"
        )
    h = results["heshuo_day"]
    assert isinstance(h, dict)
    out += [
        "",
        f"## Heshuo DEMO day: {h['stops']} stops, {h['parcels']} parcels, {h['vehicles']} vehicles",
        "",
        "| limit | wall s | cost (yuan) | vehicle-km | routes | feasible | gap to the "
        f"{h['reference_s']:g} s run |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in h["runs"]:
        out.append(
            f"| {r['seconds']:g} s | {r['wall_s']} | {r['cost']:.2f} | {r['vehicle_km']} | "
            f"{r['routes']} | {r['feasible']} | {r['gap_to_reference_pct']:.2f} % |"
        )
    return "\n".join(out) + "\n"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--quick", action="store_true", help="1 s limits, smallest instance only")
    ap.add_argument("--out", type=Path, default=HERE / "results")
    args = ap.parse_args()
    instances, limits = (INSTANCES[:1], [1.0]) if args.quick else (INSTANCES, LIMITS)
    load_at_start = os.getloadavg()
    rows = []
    for name in instances:
        path = CVRPLIB / f"{name}.vrp"
        bks = best_known(name)
        instance = read_cvrp(path)
        for seconds in limits:
            ours = run_ours(path, seconds)
            raw = run_raw_pyvrp(path, seconds)
            ortools = run_ortools(instance, seconds)
            for r in (ours, raw, ortools):
                c = r["cost"]
                r["gap_pct"] = None if c is None else round(100 * (c - bks) / bks, 2)  # type: ignore[operator]
            rows.append({"instance": name, "best_known": bks, "seconds": seconds,
                         "ours": ours, "raw_pyvrp": raw, "ortools": ortools})  # fmt: skip
            print(json.dumps(rows[-1]), flush=True)
    heshuo = heshuo_day(
        [0.5, 1.0, 2.0] if not args.quick else [0.5], 10.0 if not args.quick else 1.0
    )
    print(json.dumps(heshuo), flush=True)
    results = {"machine": run_machine(load_at_start), "cvrplib": rows, "heshuo_day": heshuo}
    args.out.mkdir(parents=True, exist_ok=True)
    stem = "quick" if args.quick else "results"
    (args.out / f"{stem}.json").write_text(json.dumps(results, indent=2) + "\n")
    (args.out / f"{stem}.md").write_text(markdown(results))
    print(markdown(results))


if __name__ == "__main__":
    main()
