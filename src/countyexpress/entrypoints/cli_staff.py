"""`countyexpress staff …`: the registry of couriers and handlers (docs/staff.md).

Lists show no personal data; `check` runs the gate (exit 2 when refused).
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from countyexpress import bootstrap
from countyexpress.errors import CountyExpressError, NotAllowed
from countyexpress.services import staff as service
from countyexpress.settings import get_settings

staff_app = typer.Typer(help="Couriers and handlers: training, insurance, the gate.",
                        no_args_is_help=True)  # fmt: skip

out = Console()
err = Console(stderr=True)

County = Annotated[str, typer.Option("--county", help="The county's code")]
AsJson = Annotated[bool, typer.Option("--json", help="Print JSON")]


def _uow() -> Any:
    return bootstrap.uow_factory(bootstrap.open_engine(get_settings()))()


def _fail(exc: CountyExpressError) -> typer.Exit:
    err.print(f"[red]{exc}[/red]", highlight=False)
    return typer.Exit(2 if isinstance(exc, NotAllowed) else 1)


def _row(m: Any) -> dict[str, Any]:
    return {
        "staff_no": m.staff_no, "employer": m.employer, "occupation": m.occupation.value,
        "level": m.level,
        "pre_job_trained_on": m.pre_job_trained_on.isoformat() if m.pre_job_trained_on else None,
        "trained_on": m.trained_on.isoformat() if m.trained_on else None,
        "insured": m.insured(dt.date.today()), "account": m.username,
    }  # fmt: skip


@staff_app.command("list")
def list_staff(county: County, as_json: AsJson = False) -> None:
    """The county's staff: staff number, employer, occupation, level, training, insurance."""
    try:
        rows = [_row(m) for m in service.members(_uow(), county)]
    except CountyExpressError as exc:
        raise _fail(exc) from None
    if as_json:
        out.print_json(json.dumps(rows, ensure_ascii=False))
        return
    table = Table(*(rows[0].keys() if rows else ("staff_no",)))
    for r in rows:
        table.add_row(*("" if v is None else str(v) for v in r.values()))
    out.print(table)


@staff_app.command("train")
def train(
    staff_no: Annotated[str, typer.Argument(help="The staff number")],
    county: County,
    on: Annotated[str, typer.Option("--on", help="The day (YYYY-MM-DD)")],
    pre_job: Annotated[bool, typer.Option("--pre-job", help="The pre-job training")] = False,
) -> None:
    """Record a periodic training, or with --pre-job the pre-job training (岗前培训)."""
    try:
        day = dt.date.fromisoformat(on)
    except ValueError:
        err.print(f"[red]--on: {on!r} is not a date (YYYY-MM-DD)[/red]", highlight=False)
        raise typer.Exit(1) from None
    try:
        service.record_training(_uow(), county, staff_no, day, pre_job=pre_job)
    except CountyExpressError as exc:
        raise _fail(exc) from None
    out.print(f"{staff_no}: training of {day.isoformat()} recorded")


@staff_app.command("check")
def check(
    staff_no: Annotated[str, typer.Argument(help="The staff number")],
    county: County,
    for_: Annotated[str, typer.Option("--for", help="station or run")] = "run",
) -> None:
    """Whether the person may be bound to a station or put on a run (exit 2 when not)."""
    what = service.BOUND_TO_A_STATION if for_ == "station" else service.PUT_ON_A_RUN
    try:
        service.may_work(_uow(), county, staff_no, what)
    except CountyExpressError as exc:
        raise _fail(exc) from None
    out.print(f"{staff_no} may be {what}")
