"""`countyexpress site`: where to add outlets, lockers and stations."""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from countyexpress import bootstrap
from countyexpress.adapters.siting_files import SitingFileInvalid, read_candidates, read_demand
from countyexpress.adapters.siting_xlsx import write_comparison_xlsx
from countyexpress.domain.facilities import FacilityKind
from countyexpress.entrypoints.presenters_siting import figures_json, scenario_json, site_plan_json
from countyexpress.errors import CountyExpressError
from countyexpress.planning.siting import (
    Objective,
    SitingProblem,
    SitingRequest,
    SolveLimits,
    solve,
)
from countyexpress.services import siting as service
from countyexpress.settings import get_settings

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


class SitedKind(StrEnum):
    """The kinds `site plan` places."""

    LOCKER = "locker"
    STATION = "station"
    OUTLET = "outlet"


CountyOpt = Annotated[str, typer.Option("--county", "-c", help="County code, e.g. 652828.")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON instead of text.")]


def _uow() -> Any:
    return bootstrap.uow_factory(bootstrap.open_engine(get_settings()))()


def _print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


def _fail(exc: CountyExpressError) -> typer.Exit:
    if isinstance(exc, SitingFileInvalid):
        for problem in exc.problems:
            err.print(str(problem), markup=False, highlight=False)
    else:
        err.print(str(exc), markup=False, highlight=False)
    return typer.Exit(1)


def _pct(x: float | None) -> str:
    return "—" if x is None else f"{x:.0%}"


@site_app.command("plan")
def site_plan(
    county: CountyOpt,
    kind: Annotated[SitedKind, typer.Option("--kind", help="locker, station or outlet")],
    objective: Annotated[Objective, typer.Option("--objective", help="pmedian, mclp or setcover")],
    p: Annotated[
        int | None, typer.Option("--p", help="New sites to add, besides the open ones")
    ] = None,
    radius_km: Annotated[
        float | None, typer.Option("--radius-km", help="Covering radius in km (mclp, setcover)")
    ] = None,
    candidates: Annotated[
        Path | None,
        typer.Option(
            "--candidates",
            help="CSV of candidate sites id,lat,lon (default: the villages' and communities' "
            "points; for stations the villages' only, and a file names villages by code)",
        ),
    ] = None,
    save: Annotated[
        str | None, typer.Option("--save", help="Keep the result as the scenario of this name")
    ] = None,
    time_limit: Annotated[
        float, typer.Option("--time-limit", help="Seconds the solver may run")
    ] = 60.0,
    as_json: JsonOpt = False,
) -> None:
    """New sites of one kind for a county: demand from its villages and communities (by
    population), its open facilities of the kind kept open."""
    try:
        cands = read_candidates(candidates) if candidates is not None else None
        request = SitingRequest(objective, p, radius_km)
        plan = service.plan_sites(
            _uow(), county, FacilityKind(kind.value), request, by=None, candidates=cands,
            save=save, limits=SolveLimits(time_limit_s=time_limit),
        )  # fmt: skip
    except CountyExpressError as exc:
        raise _fail(exc) from exc
    if as_json:
        _print_json(site_plan_json(plan))
        return
    r = plan.result
    out.print(plan.explain(), highlight=False)
    for i in r.chosen:
        out.print(f"  + {i} {plan.names.get(i, '')}", highlight=False)
    out.print(
        f"open {kind.value}s {plan.before.open_sites} → {plan.after.open_sites}; within "
        f"{plan.radius_km:g} km {_pct(plan.before.covered_share)} → "
        f"{_pct(plan.after.covered_share)} of residents",
        highlight=False,
    )
    proof = "proven optimal" if r.optimal else f"not proven optimal, gap {r.gap:.2%}"
    out.print(f"objective {r.objective:.6g}, {proof}, {r.seconds:.1f} s", highlight=False)
    for note in plan.notes:
        out.print(f"[yellow]note:[/yellow] {note}", highlight=False)
    if plan.saved:
        out.print(f"saved as scenario {plan.saved}" + (" (replaced)" if plan.replaced else ""))


@site_app.command("scenarios")
def site_scenarios(county: CountyOpt, as_json: JsonOpt = False) -> None:
    """The county's saved siting scenarios."""
    try:
        found = service.list_scenarios(_uow(), county, by=None)
    except CountyExpressError as exc:
        raise _fail(exc) from exc
    if as_json:
        _print_json([scenario_json(s) for s in found])
        return
    if not found:
        out.print("no siting scenarios saved yet: `countyexpress site plan … --save NAME`")
        return
    table = Table("name", "kind", "objective", "p", "radius km", "new", "open", "saved")
    for s in found:
        table.add_row(
            s.name, s.kind.value, s.objective, "" if s.p is None else str(s.p),
            "" if s.radius_km is None else f"{s.radius_km:g}", str(len(s.new_sites)),
            str(len(s.sites)), s.created_at.strftime("%Y-%m-%d %H:%M"),
        )  # fmt: skip
    out.print(table)


@site_app.command("compare")
def site_compare(
    names: Annotated[list[str], typer.Argument(help="Scenario names")],
    county: CountyOpt,
    radius_km: Annotated[
        float | None, typer.Option("--radius-km", help="Radius of coverage (default: the pack's)")
    ] = None,
    xlsx: Annotated[Path | None, typer.Option("--xlsx", help="Also write an XLSX file")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Saved scenarios side by side: coverage within one radius, population-weighted distance,
    new facilities and their setup cost (an estimate unless the pack sets it)."""
    try:
        figures = service.compare_scenarios(_uow(), county, names, radius_km, by=None)
    except CountyExpressError as exc:
        raise _fail(exc) from exc
    rows = [figures_json(f) for f in figures]
    if xlsx is not None:
        write_comparison_xlsx(rows, xlsx)
    if as_json:
        _print_json(rows)
        return
    table = Table("", *[f.name for f in figures])
    table.add_row("kind", *[f.kind.value for f in figures])
    table.add_row("objective", *[f.objective for f in figures])
    table.add_row(
        f"coverage ≤ {figures[0].radius_km:g} km", *[_pct(f.coverage_share) for f in figures]
    )
    table.add_row(
        "mean km (weighted)", *["—" if f.mean_km is None else f"{f.mean_km:.2f}" for f in figures]
    )
    table.add_row("existing", *[str(f.existing) for f in figures])
    table.add_row("new", *[str(f.new) for f in figures])
    table.add_row(
        "cost CNY",
        *[f"{f.cost_cny:,.0f}" + (" (estimate)" if f.cost_is_estimate else "") for f in figures],
    )
    out.print(table)
    if xlsx is not None:
        out.print(f"wrote {xlsx}")
