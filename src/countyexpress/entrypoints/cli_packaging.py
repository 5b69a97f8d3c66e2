"""`countyexpress packaging …`: carriers' green packaging reports (task 17, docs/packaging.md).

`import` stores a report file (xlsx or CSV) whole or refuses it with every problem by file,
line and field; `report` prints the task's indicators against the pack's targets, broken
down by carrier, outlet or month.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Column, Table

from countyexpress import bootstrap
from countyexpress.adapters.packs.packaging import report_rows
from countyexpress.entrypoints.presenters_plan import indicator_json
from countyexpress.errors import CountyExpressError, PackInvalid
from countyexpress.services import packaging as service
from countyexpress.settings import get_settings

packaging_app = typer.Typer(help="Green packaging: carriers' monthly reports and indicators.",
                            no_args_is_help=True)  # fmt: skip

out = Console()
err = Console(stderr=True)

County = Annotated[str, typer.Option("--county", help="The county's code")]
AsJson = Annotated[bool, typer.Option("--json", help="Print JSON")]


def _uow() -> Any:
    return bootstrap.uow_factory(bootstrap.open_engine(get_settings()))()


def _fail(exc: CountyExpressError) -> typer.Exit:
    if isinstance(exc, PackInvalid):
        err.print(f"[red]refused, nothing was stored: {len(exc.problems)} problem(s)[/red]")
        for p in exc.problems:
            err.print(f"  {p}", highlight=False, markup=False)
    else:
        err.print(f"[red]refused: {exc}[/red]", highlight=False)
    return typer.Exit(2)


@packaging_app.command("import")
def import_file(
    path: Annotated[Path, typer.Argument(help="A report file, xlsx or CSV (docs/packaging.md)")],
    county: County,
    as_json: AsJson = False,
) -> None:
    """Store a file of carriers' monthly packaging reports: every row or none; a report
    replaces the one of the same carrier, outlet and month."""
    try:
        rows, problems = report_rows(path.read_bytes(), path.name)
        if problems:
            raise PackInvalid(problems)
        stored = service.import_reports(_uow(), county, rows, path.name)
    except OSError as exc:
        err.print(f"[red]refused: cannot read {path}: {exc.strerror}[/red]", highlight=False)
        raise typer.Exit(2) from exc
    except CountyExpressError as exc:
        raise _fail(exc) from None
    if as_json:
        out.print_json(json.dumps({"stored": stored, "file": path.name}))
        return
    out.print(f"stored {stored} packaging reports from {path.name}", highlight=False)


_SHORT = {"slim_tape_share": "tape", "not_reboxed_share": "orig", "e_waybill_share": "e-wb",
          "reusable_transit_bag_share": "bags", "prohibited_bag_share": "banned",
          "reusable_boxes_in_use": "boxes", "cartons_reused": "cartons"}  # fmt: skip


def _pct(value: float | None, unit: str) -> str:
    if value is None:
        return "-"
    return f"{value:.1%}" if unit == "share" else f"{value:g}"


@packaging_app.command("report")
def report(
    county: County,
    month: Annotated[str | None, typer.Option("--month", help="One month (YYYY-MM)")] = None,
    year: Annotated[int | None, typer.Option("--year", help="A year (default: the latest)")] = None,
    by: Annotated[str, typer.Option("--by", help="carrier, outlet or month")] = "carrier",
    as_json: AsJson = False,
) -> None:
    """The task's indicators against the pack's targets, and each carrier's, outlet's or
    month's values."""
    try:
        b = service.breakdown_of(_uow(), county, year=year, month=month, level=by)
    except CountyExpressError as exc:
        raise _fail(exc) from None
    indicators = [indicator_json(v) for v in b.indicators]
    if as_json:
        out.print_json(json.dumps({"county": b.county, "period": b.period, "by": b.level,
                                   "indicators": indicators, "rows": b.rows,
                                   "rules_source": b.rules.source},
                                  ensure_ascii=False))  # fmt: skip
        return
    out.print(f"Green packaging, county {b.county}, {b.period} ({len(b.reports)} reports)")
    summary = Table("indicator", "value", "target", "status")
    for v in b.indicators:
        target = "-" if v.target is None else f"{_pct(v.target, v.unit)} ({v.target_year or ''})"
        summary.add_row(v.title_en, _pct(v.value, v.unit), target, v.status.value)
    out.print(summary)
    out.print(f"targets: {b.rules.source}", highlight=False, markup=False)
    units = {v.indicator: v.unit for v in b.indicators}
    table = Table(Column(b.level, no_wrap=True), "parcels", *(_SHORT[n] for n in service.NAMES))
    for row in b.rows:
        table.add_row(row["key"], str(row["parcels"]),
                      *(_pct(row.get(n), units[n]) for n in service.NAMES))  # fmt: skip
    out.print(table)
