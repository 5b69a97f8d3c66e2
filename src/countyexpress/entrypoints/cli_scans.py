"""`countyexpress scans …` and `countyexpress parcel …`: the ledger from the command line."""

from __future__ import annotations

import json
import sys
from dataclasses import asdict
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from countyexpress import bootstrap
from countyexpress.adapters.vault import Vault
from countyexpress.entrypoints.presenters import parcel_json
from countyexpress.errors import CountyExpressError
from countyexpress.services import scans as service
from countyexpress.settings import get_settings

scans_app = typer.Typer(help="The scan ledger: ingest scan events.", no_args_is_help=True)
parcel_app = typer.Typer(help="Parcels, as the ledger tells them.", no_args_is_help=True)

out = Console()
err = Console(stderr=True)

CountyOpt = Annotated[str | None, typer.Option("--county", "-c", help="County code")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON")]


def _uow() -> Any:
    return bootstrap.uow_factory(bootstrap.open_engine(get_settings()))()


def read_jsonl(path: Path) -> tuple[list[tuple[int, Any]], list[service.Rejection]]:
    """JSON objects of a JSON Lines file with their line numbers, and the unreadable lines."""
    records: list[tuple[int, Any]] = []
    bad: list[service.Rejection] = []
    with path.open(encoding="utf-8-sig") as fh:
        for number, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            try:
                records.append((number, json.loads(line)))
            except json.JSONDecodeError as exc:
                bad.append(service.Rejection(number, f"not JSON: {exc.msg} at column {exc.colno}"))
    return records, bad


@scans_app.command("ingest")
def ingest(
    file: Annotated[Path, typer.Argument(help="JSON Lines file of scan events", exists=True)],
    county: CountyOpt = None,
    as_json: JsonOpt = False,
    window: Annotated[
        bool,
        typer.Option(
            "--window/--no-window",
            help="Refuse times outside the county's scan window around now (default); "
            "--no-window to import an archive of old device files",
        ),
    ] = True,
) -> None:
    """Add a device's scan events to the ledger, in batches; repeats are harmless, conflicts
    and times outside the county's window are refused line by line, the rest kept."""
    records, bad = read_jsonl(file)
    settings = get_settings()
    cipher = Vault(settings.data_key_bytes())
    result = service.IngestResult()
    step = service.MAX_BATCH
    try:
        for i in range(0, len(records), step):
            batch = records[i : i + step]
            result.add(service.ingest(_uow(), batch, county, cipher=cipher, window=window))
    except CountyExpressError as exc:
        err.print(f"[red]{exc}[/red]")
        raise typer.Exit(1) from exc
    result.rejected = sorted(result.rejected + bad, key=lambda r: r.line)
    if as_json:
        sys.stdout.write(json.dumps(asdict(result), ensure_ascii=False) + "\n")
        return
    out.print(
        f"accepted {result.accepted}, duplicates {result.duplicates}, "
        f"rejected {len(result.rejected)}"
    )
    for r in result.rejected:
        err.print(f"  {file.name} line {r.line}: {r.reason}", markup=False, highlight=False)


@parcel_app.command("show")
def show(
    waybill: Annotated[str, typer.Argument(help="Waybill number")],
    county: CountyOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """A parcel's state, place and event history, derived from the ledger."""
    try:
        view = service.parcel_status(_uow(), waybill, county)
    except CountyExpressError as exc:
        err.print(f"[red]{exc}[/red]")
        raise typer.Exit(1) from exc
    data = parcel_json(view)
    if as_json:
        sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
        return
    out.print(f"[bold]{data['waybill_no']}[/bold] ({data['carrier']}): "
              f"[bold]{data['state']}[/bold] at {data['place']}")  # fmt: skip
    table = Table("at (device)", "received", "kind", "facility", "actor")
    for e in data["events"]:
        table.add_row(e["at"], e["received_at"] or "", e["kind"], e["facility"], e["actor"])
    out.print(table)
    for a in data["anomalies"]:
        out.print(f"[yellow]anomaly[/yellow] {a['event_id']}: {a['reason']}")
