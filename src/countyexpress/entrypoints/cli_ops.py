"""Command-line tools of daily operations: ID checks at intake and carrier recognition.

Registered in `cli.py` as `countyexpress id …` and `countyexpress carrier …`. No full ID
number is ever printed: the JSON answer carries no number at all, the table a masked one.
`carrier detect` ranks with the county's stored confirmations, which `carrier confirm`
adds to.
"""

from __future__ import annotations

import json
import sys
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from countyexpress import bootstrap
from countyexpress.adapters.waybill_patterns import load_waybill_patterns
from countyexpress.domain.identity import validate_resident_id, validate_uscc
from countyexpress.domain.privacy import mask_id_number
from countyexpress.domain.waybills import normalise_waybill_no, shape
from countyexpress.errors import CountyExpressError, PackInvalid
from countyexpress.services import intake as intake_service
from countyexpress.settings import get_settings

__all__ = ["carrier_app", "id_app"]

id_app = typer.Typer(help="ID documents at real-name intake (实名收寄).", no_args_is_help=True)
carrier_app = typer.Typer(help="Carriers recognised from waybill numbers.", no_args_is_help=True)

_out = Console()
_err = Console(stderr=True)

JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]
CountyOpt = Annotated[
    str | None,
    typer.Option("--county", "-c", help="County code (default: the only loaded county)"),
]
PatternsOpt = Annotated[
    Path | None, typer.Option("--patterns", help="A patterns TOML file (default: built in)")
]


class IdKind(StrEnum):
    """Which rule `id validate` checks the numbers against."""

    RESIDENT = "resident"  # GB 11643 resident ID (居民身份证), 18 characters
    USCC = "uscc"  # GB 32100 unified social credit code (统一社会信用代码)


def _print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


def _fail(exc: CountyExpressError) -> typer.Exit:
    if isinstance(exc, PackInvalid):
        _err.print(f"[red]waybill patterns refused: {len(exc.problems)} problem(s)[/red]")
        for p in exc.problems:
            _err.print(f"  {p}", markup=False, highlight=False)
    else:
        _err.print(f"[red]{exc}[/red]", highlight=False)
    return typer.Exit(1)


@id_app.command("validate")
def id_validate(
    numbers: Annotated[list[str], typer.Argument(help="ID numbers to check, in order")],
    kind: Annotated[
        IdKind, typer.Option("--type", help="resident: GB 11643 ID; uscc: organisation code")
    ] = IdKind.RESIDENT,
    on: Annotated[
        str | None, typer.Option("--on", help="Check as of this date, YYYY-MM-DD (default today)")
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Check ID numbers: one {"valid", "reason"} per number, in order; exit 0 when checked."""
    try:
        today = date.fromisoformat(on) if on else date.today()
    except ValueError as exc:
        _err.print(f"[red]--on {on!r} is not a date: write YYYY-MM-DD[/red]", highlight=False)
        raise typer.Exit(2) from exc
    reasons = [
        validate_resident_id(n, today) if kind is IdKind.RESIDENT else validate_uscc(n)
        for n in numbers
    ]
    if as_json:
        _print_json([{"valid": r is None, "reason": r} for r in reasons])
        return
    table = Table("number", "valid", "reason")
    for n, r in zip(numbers, reasons, strict=True):
        shown = n if kind is IdKind.USCC else mask_id_number(n)
        table.add_row(shown, "yes" if r is None else "no", r or "")
    _out.print(table)


def _uow() -> Any:
    return bootstrap.uow_factory(bootstrap.open_engine(get_settings()))()


def _candidates_json(candidates: list[Any]) -> list[dict[str, Any]]:
    return [{"carrier": c.carrier, "score": round(c.score, 4)} for c in candidates]


@carrier_app.command("detect")
def carrier_detect(
    number: Annotated[str, typer.Argument(help="A waybill number, e.g. JT0019812345678")],
    county: CountyOpt = None,
    patterns_file: PatternsOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Rank the carriers the number may belong to; the person scanning confirms one."""
    try:
        patterns = load_waybill_patterns(patterns_file)
        candidates = intake_service.detect_carrier(_uow(), county, number, patterns)
    except CountyExpressError as exc:
        raise _fail(exc) from exc
    if as_json:
        _print_json({"candidates": _candidates_json(candidates)})
        return
    n = normalise_waybill_no(number)
    if not candidates:
        _out.print(f"no carrier's pattern fits {n}: choose the carrier by hand", highlight=False)
        return
    table = Table("carrier", "score", title=f"{n} (shape {shape(n)})")
    for c in candidates:
        table.add_row(c.carrier, f"{c.score:.2f}")
    _out.print(table)


@carrier_app.command("confirm")
def carrier_confirm(
    number: Annotated[str, typer.Argument(help="The waybill number scanned")],
    carrier: Annotated[str, typer.Argument(help="The carrier the person confirmed, e.g. zto")],
    county: CountyOpt = None,
    patterns_file: PatternsOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Record that NUMBER is CARRIER's: later numbers of the same shape rank it higher."""
    try:
        patterns = load_waybill_patterns(patterns_file)
        done = intake_service.confirm_carrier(_uow(), county, number, carrier, patterns)
    except CountyExpressError as exc:
        raise _fail(exc) from exc
    if as_json:
        _print_json({
            "county_code": done.county_code, "shape": done.shape, "carrier": done.carrier,
            "confirmations": done.count, "pattern_fits": done.pattern_fits,
            "candidates": _candidates_json(done.candidates),
        })  # fmt: skip
        return
    _out.print(f"{done.carrier} confirmed for shape {done.shape} ({done.count} so far)",
               highlight=False)  # fmt: skip
    if not done.pattern_fits:
        _out.print(f"no {done.carrier} pattern fits this number: check the patterns file",
                   highlight=False)  # fmt: skip
