"""`countyexpress site`: where to add outlets, lockers and stations."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from countyexpress.adapters.siting_files import SitingFileInvalid, read_candidates, read_demand
from countyexpress.errors import CountyExpressError
from countyexpress.planning.siting import (
    Objective,
    SitingProblem,
    SitingRequest,
    SolveLimits,
    solve,
)

site_app = typer.Typer(
    help="Siting: where to add outlets, lockers and stations (HiGHS).", no_args_is_help=True
)

out = Console()
err = Console(stderr=True)


@site_app.command("solve")
def site_solve(
    demand: Annotated[
        Path, typer.Option("--demand", help="CSV of demand points: id,lat,lon,weight")
    ],
    candidates: Annotated[
        Path, typer.Option("--candidates", help="CSV of candidate sites: id,lat,lon[,existing]")
    ],
    objective: Annotated[Objective, typer.Option("--objective", help="pmedian, mclp or setcover")],
    p: Annotated[
        int | None, typer.Option("--p", help="New sites to add, besides the existing ones")
    ] = None,
    radius_km: Annotated[
        float | None, typer.Option("--radius-km", help="Covering radius in km (mclp, setcover)")
    ] = None,
    time_limit: Annotated[
        float, typer.Option("--time-limit", help="Seconds the solver may run")
    ] = 60.0,
    kind: Annotated[str, typer.Option("--kind", help="What is sited, for the sentence")] = "site",
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of text.")] = False,
) -> None:
    """Choose new sites; existing candidates (existing=1) stay open and do not count in p."""
    try:
        problem = SitingProblem(read_demand(demand), read_candidates(candidates))
        request = SitingRequest(objective, p, radius_km)
        result = solve(problem, request, SolveLimits(time_limit_s=time_limit))
    except SitingFileInvalid as exc:
        for problem_ in exc.problems:
            err.print(str(problem_), markup=False, highlight=False)
        raise typer.Exit(1) from exc
    except CountyExpressError as exc:
        err.print(str(exc), markup=False, highlight=False)
        raise typer.Exit(1) from exc
    if as_json:
        data = result.as_dict() | {"explanation": result.explain(kind)}
        sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
        return
    out.print(result.explain(kind), highlight=False)
    out.print("chosen: " + ", ".join(result.chosen), highlight=False)
    proof = "proven optimal" if result.optimal else f"not proven optimal, gap {result.gap:.2%}"
    out.print(f"objective {result.objective:.6g}, {proof}, {result.seconds:.1f} s", highlight=False)
