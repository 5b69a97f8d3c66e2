"""`countyexpress plan kpis|coverage`: the plan's indicators and the network's coverage.

The command line acts as the local operator (`domain.access.SYSTEM`).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from countyexpress import bootstrap
from countyexpress.adapters.packs.roads import road_distances_at
from countyexpress.domain.access import SYSTEM
from countyexpress.domain.coverage import Reach
from countyexpress.domain.facilities import FacilityKind
from countyexpress.entrypoints.presenters_plan import coverage_json, indicator_json
from countyexpress.errors import CountyExpressError, PackInvalid
from countyexpress.services import counties
from countyexpress.services import indicators as service
from countyexpress.settings import get_settings

plan_app = typer.Typer(help="The plan: indicators against targets, coverage.",
                       no_args_is_help=True)  # fmt: skip

out = Console()
err = Console(stderr=True)

CountyOpt = Annotated[str, typer.Option("--county", "-c", help="County code, e.g. 652828.")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]


def _uow() -> Any:
    return bootstrap.uow_factory(bootstrap.open_engine(get_settings()))()


def _print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


def _fail(exc: CountyExpressError) -> typer.Exit:
    err.print(f"[red]{exc}[/red]", highlight=False)
    if isinstance(exc, PackInvalid):
        for p in exc.problems:
            err.print(f"  {p}", markup=False, highlight=False)
    return typer.Exit(1)


def _fmt(x: float | None, unit: str) -> str:
    if x is None:
        return "—"
    if unit == "share":
        return f"{x:.1%}"
    return f"{x:g}" if float(x).is_integer() else f"{x:.2f}"


@plan_app.command("kpis")
def kpis(
    county: CountyOpt,
    year: Annotated[
        int | None, typer.Option(min=1990, max=2100, help="Targets of this year (default: now)")
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """The plan's indicators, computed from the county's data, against the pack's targets."""
    try:
        values = service.plan_kpis(_uow(), county, year, by=SYSTEM)
    except CountyExpressError as exc:
        raise _fail(exc) from exc
    if as_json:
        _print_json([indicator_json(v) for v in values])
        return
    table = Table("task", "indicator", "value", "target", "target year", "lead unit", "status")
    for v in values:
        table.add_row(
            str(v.task or ""), v.indicator, _fmt(v.value, v.unit), _fmt(v.target, v.unit),
            str(v.target_year or ""), v.lead_unit, v.status.value,
        )  # fmt: skip
    out.print(table)


def _reach_cell(r: Reach) -> str:
    """A place's nearest facility of one kind: km, ✗ beyond the radius; · when the kind does
    not cover the place (a village station and a community)."""
    if not r.judged:
        return "·"
    if r.km is None:
        return "—"
    return f"{r.km:.1f} km{'' if r.within else ' ✗'} {r.code}"


@plan_app.command("coverage")
def coverage(
    county: CountyOpt,
    radius_km: Annotated[
        float | None,
        typer.Option("--radius-km", min=0.001, help="Radius (default: the pack's, else 5 km)"),
    ] = None,
    kind: Annotated[
        list[FacilityKind] | None,
        typer.Option("--kind", help="Facility kinds (repeat; default outlet, locker, station)"),
    ] = None,
    roads: Annotated[
        Path | None,
        typer.Option(help="road_distances.csv (from_code,to_code,km), or a pack folder with one"),
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Nearest facility of each kind from every village and community; who is outside."""
    try:
        matrix = None
        if roads is not None:
            c = counties.get_county(_uow(), county)
            known = {d.code for d in c.divisions} | {f.code for f in c.facilities}
            matrix = road_distances_at(roads, known)
        report = service.coverage(_uow(), county, radius_km, by=SYSTEM, kinds=kind, roads=matrix)
    except CountyExpressError as exc:
        raise _fail(exc) from exc
    if as_json:
        _print_json(coverage_json(report))
        return
    basis = f"road matrix ({report.road_pairs} pairs) else " if report.road_pairs else ""
    out.print(
        f"within {report.radius_km:g} km ({basis}great-circle × {report.circuity:g})",
        highlight=False,
    )
    summary = Table("kind", "open", "places within", "residents within", "outside")
    for s in report.summary:
        share = s.population_share
        summary.add_row(
            s.kind.value, str(s.facilities), f"{s.places_within}/{s.places}",
            f"{share:.1%}" if share is not None else "—", str(len(s.outside)),
        )  # fmt: skip
    out.print(summary)
    table = Table("code", "name", *(k.value for k in report.kinds))
    for p in report.places:
        table.add_row(p.code, p.name, *(_reach_cell(r) for r in p.nearest))
    out.print(table)
