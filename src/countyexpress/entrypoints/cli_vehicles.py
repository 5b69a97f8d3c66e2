"""`countyexpress vehicle …`: the county's vehicle registry (issue 14, task 18)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from countyexpress import bootstrap
from countyexpress.domain.vehicles import RegisteredVehicle
from countyexpress.errors import CountyExpressError, PackInvalid
from countyexpress.services import vehicles as service
from countyexpress.settings import get_settings

vehicle_app = typer.Typer(help="The county's vehicle registry (task 18).", no_args_is_help=True)
out = Console()
err = Console(stderr=True)

CountyOpt = Annotated[str, typer.Option("--county", help="County code, e.g. 652828")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]


def _uow() -> Any:
    return bootstrap.uow_factory(bootstrap.open_engine(get_settings()))()


def vehicle_json(v: RegisteredVehicle) -> dict[str, Any]:
    """A vehicle as the CLI and the API show it (no personal data: a staff number only)."""
    return {
        "unified_no": v.unified_no, "plate": v.plate, "kind": v.kind, "owner": v.owner,
        "new_energy": v.new_energy,
        "insured_until": v.insured_until.isoformat() if v.insured_until else None,
        "marked": v.marked, "courier_staff_no": v.courier_staff_no,
        "priority_permit": v.priority_permit, "routing": v.routing,
    }  # fmt: skip


@vehicle_app.command("import")
def vehicle_import(
    file: Annotated[Path, typer.Argument(help="A vehicles .csv or .xlsx (pack columns)")],
    county: CountyOpt,
    by: Annotated[str, typer.Option("--by", help="Who imports (audit)")] = "cli",
) -> None:
    """Replace the county's fleet with the file's vehicles, all or nothing (exit 2 if refused)."""
    try:
        count = service.import_fleet(_uow(), county, file, service.rules(_uow(), county), who=by)
    except PackInvalid as exc:
        err.print(f"[red]{file.name} refused: {len(exc.problems)} problem(s); nothing was "
                  "stored[/red]")  # fmt: skip
        for p in exc.problems:
            err.print(f"  {p}", markup=False, highlight=False)
        raise typer.Exit(2) from exc
    except CountyExpressError as exc:
        err.print(f"[red]{exc}[/red]", highlight=False)
        raise typer.Exit(2) from exc
    out.print(f"{county}: {count} vehicles registered from {file.name}")


@vehicle_app.command("list")
def vehicle_list(county: CountyOpt, as_json: JsonOpt = False) -> None:
    """The county's registered vehicles, with insurance, marking and new-energy flags."""
    vehicles = service.list_fleet(_uow(), county)
    if as_json:
        sys.stdout.write(json.dumps([vehicle_json(v) for v in vehicles], ensure_ascii=False,
                                    indent=2) + "\n")  # fmt: skip
        return
    table = Table("unified no", "plate", "kind", "owner", "new energy", "insured until",
                  "marked", "courier")  # fmt: skip
    for v in vehicles:
        table.add_row(v.unified_no, v.plate, v.kind, v.owner, "yes" if v.new_energy else "no",
                      str(v.insured_until or "-"), "yes" if v.marked else "no",
                      v.courier_staff_no or "-")  # fmt: skip
    out.print(table)


@vehicle_app.command("show")
def vehicle_show(
    key: Annotated[str, typer.Argument(help="Unified number or plate")], county: CountyOpt
) -> None:
    """One vehicle, as JSON."""
    try:
        vehicle = service.show_vehicle(_uow(), county, key)
    except CountyExpressError as exc:
        err.print(f"[red]{exc}[/red]", highlight=False)
        raise typer.Exit(1) from exc
    sys.stdout.write(json.dumps(vehicle_json(vehicle), ensure_ascii=False, indent=2) + "\n")
