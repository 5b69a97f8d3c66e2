"""Siting benchmarks: OR-Library pmed, a county-sized p-median, a 10,000 × 1,000 MCLP, spopt.

    uv run --group bench python benchmarks/siting/run.py pmed --first 1 --last 20 --time-limit 60
    uv run --group bench python benchmarks/siting/run.py county --time-limit 120
    uv run --group bench python benchmarks/siting/run.py spopt-pmed --first 1 --last 10

Each part writes results/<part>.json; report.py turns them into results/README tables.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # benchmarks/machine.py
sys.path.insert(0, str(Path(__file__).parent))

from instances import county
from machine import machine as _machine_record
from orlib import ORLIB, optima, read_instance

from countyexpress.planning.siting import (
    CandidateSite,
    DemandPoint,
    Objective,
    SitingProblem,
    SitingRequest,
    SolveLimits,
    solve,
)

RESULTS = Path(__file__).parent / "results"
PACKAGES = ("countyexpress", "highspy", "numpy", "spopt", "pulp")


def machine() -> dict[str, Any]:
    """The shared machine record (benchmarks/machine.py) with the siting packages."""
    return _machine_record(PACKAGES)


COUNTY = {"n_demand": 700, "n_candidates": 160, "p": 12, "seed": 2026}
MCLP = {"n_demand": 10_000, "n_candidates": 1_000, "p": 50, "radius_km": 5.0, "seed": 2027}


def pmed_problem(name: str) -> tuple[SitingProblem, int]:
    d, p = read_instance(ORLIB / f"{name}.txt")
    ids = [str(i + 1) for i in range(len(d))]
    problem = SitingProblem(
        tuple(DemandPoint(i) for i in ids), tuple(CandidateSite(i) for i in ids), d
    )
    problem.distances_km  # noqa: B018  (computed before the clock starts, as for spopt)
    return problem, p


def ours(problem: SitingProblem, request: SitingRequest, limit: float) -> dict[str, Any]:
    began = time.perf_counter()
    result = solve(problem, request, SolveLimits(time_limit_s=limit))
    return {
        "objective": result.objective,
        "optimal": result.optimal,
        "gap": result.gap if np.isfinite(result.gap) else None,
        "seconds": round(time.perf_counter() - began, 3),
        "chosen": len(result.chosen),
        "explanation": result.explain(),
    }


def theirs(problem: SitingProblem, request: SitingRequest, limit: float) -> dict[str, Any]:
    """spopt 0.7 (PySAL) on the same matrix, through PuLP with HiGHS, clock from the matrix.

    PuLP's HiGHS interface reports LpStatusOptimal also when HiGHS stops at the time limit with
    a feasible solution (its solution status is then "Solution Found", not "Optimal Solution
    Found"), so the row records the solution status and HiGHS's own gap. The objective is
    re-evaluated from spopt's chosen sites with ours (weighted distance to the nearest chosen
    site; weight within the radius of a chosen site), so both columns measure the same thing.
    """
    import pulp
    from spopt.locate import MCLP as SpoptMCLP
    from spopt.locate import PMedian

    km = np.asarray(problem.distances_km)
    w = problem.weights
    began = time.perf_counter()
    if request.objective == Objective.PMEDIAN:
        model = PMedian.from_cost_matrix(km, w, p_facilities=request.p)
    else:
        model = SpoptMCLP.from_cost_matrix(
            km, w, service_radius=request.radius_km, p_facilities=request.p
        )
    try:
        model.solve(pulp.HiGHS(msg=False, timeLimit=limit), results=False)
    except RuntimeError:  # spopt raises when HiGHS stops at the limit with no solution at all
        return {
            "objective": None,
            "pulp_objective": None,
            "status": pulp.LpStatus[model.problem.status],
            "solution_status": pulp.LpSolution[model.problem.sol_status],
            "proven": False,
            "gap": None,
            "chosen": 0,
            "seconds": round(time.perf_counter() - began, 3),
        }
    seconds = time.perf_counter() - began
    chosen = [j for j, x in enumerate(model.fac_vars) if (x.value() or 0.0) > 0.5]
    if request.objective == Objective.PMEDIAN:
        ours_value = float(w @ km[:, chosen].min(axis=1))
    else:
        assert request.radius_km is not None
        ours_value = float(w @ (km[:, chosen] <= request.radius_km).any(axis=1))
    info = model.problem.solverModel.getInfo()
    gap = float(info.mip_gap)
    return {
        "objective": ours_value,
        "pulp_objective": pulp.value(model.problem.objective),
        "status": pulp.LpStatus[model.problem.status],
        "solution_status": pulp.LpSolution[model.problem.sol_status],
        "proven": model.problem.sol_status == pulp.LpSolutionOptimal,
        "gap": gap if np.isfinite(gap) else None,
        "chosen": len(chosen),
        "seconds": round(seconds, 3),
    }


def _load_spopt() -> None:
    """Import spopt and PuLP before the first instance: a `uv sync` elsewhere in the checkout
    (another session's test run) removes the bench group's packages while a run goes on."""
    import pulp  # noqa: F401
    import spopt.locate  # noqa: F401


def _write(part: str, rows: list[dict[str, Any]], extra: dict[str, Any]) -> None:
    RESULTS.mkdir(exist_ok=True)
    data = {"part": part, "machine": machine(), **extra, "rows": rows}
    (RESULTS / f"{part}.json").write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n")


def run_pmed(first: int, last: int, limit: float, part: str) -> None:
    best = optima()
    rows = []
    started = machine()
    for k in range(first, last + 1):
        name = f"pmed{k}"
        problem, p = pmed_problem(name)
        row = {"instance": name, "n": len(problem.demand), "p": p, "optimum": best[name]}
        row |= ours(problem, SitingRequest(Objective.PMEDIAN, p=p), limit)
        row["reached_optimum"] = abs(row["objective"] - best[name]) < 0.5
        print(json.dumps(row), flush=True)
        rows.append(row)
    _write(part, rows, {"time_limit_s": limit, "machine_at_start": started})


def run_spopt_pmed(first: int, last: int, limit: float, part: str) -> None:
    _load_spopt()
    rows = []
    started = machine()
    for k in range(first, last + 1):
        name = f"pmed{k}"
        problem, p = pmed_problem(name)
        req = SitingRequest(Objective.PMEDIAN, p=p)
        row = {"instance": name, "n": len(problem.demand), "p": p}
        row["ours"] = ours(problem, req, limit)
        row["spopt"] = theirs(problem, req, limit)
        print(json.dumps(row), flush=True)
        rows.append(row)
    _write(part, rows, {"time_limit_s": limit, "machine_at_start": started})


def run_county(limit: float, part: str, with_spopt: bool) -> None:
    if with_spopt:
        _load_spopt()
    rows = []
    started = machine()
    cases = [
        ("county 700 × 160 p-median p = 12", COUNTY, SitingRequest(Objective.PMEDIAN, p=12)),
        (
            "10,000 × 1,000 MCLP p = 50, 5 km",
            MCLP,
            SitingRequest(Objective.MCLP, p=50, radius_km=5.0),
        ),
    ]
    for label, spec, req in cases:
        began = time.perf_counter()
        problem = county(spec["n_demand"], spec["n_candidates"], spec["seed"])
        problem.distances_km  # noqa: B018
        row: dict[str, Any] = {"instance": label, **spec}
        row["matrix_seconds"] = round(time.perf_counter() - began, 3)
        row["ours"] = ours(problem, req, limit)
        if with_spopt:
            row["spopt"] = theirs(problem, req, limit)
        print(json.dumps(row, ensure_ascii=False), flush=True)
        rows.append(row)
    _write(part, rows, {"time_limit_s": limit, "machine_at_start": started})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("part", choices=["pmed", "spopt-pmed", "county"])
    parser.add_argument("--first", type=int, default=1)
    parser.add_argument("--last", type=int, default=40)
    parser.add_argument("--time-limit", type=float, default=60.0)
    parser.add_argument("--name", help="results file name (default: the part)")
    parser.add_argument("--no-spopt", action="store_true")
    args = parser.parse_args()
    name = args.name or args.part
    if args.part == "pmed":
        run_pmed(args.first, args.last, args.time_limit, name)
    elif args.part == "spopt-pmed":
        run_spopt_pmed(args.first, args.last, args.time_limit, name)
    else:
        run_county(args.time_limit, name, not args.no_spopt)


if __name__ == "__main__":
    main()
