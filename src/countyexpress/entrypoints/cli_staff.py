"""`countyexpress staff …`: the registry of couriers and handlers (docs/staff.md).

Names and phones are shown masked, never an ID number; `check` runs the gate (exit 2 when
refused); `import` is all or nothing with every problem by file, line and column.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from countyexpress import bootstrap
from countyexpress.adapters.vault import Vault
from countyexpress.errors import CountyExpressError, NotAllowed, PackInvalid
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


def _vault() -> Vault:
    return Vault(get_settings().data_key_bytes())


def _fail(exc: CountyExpressError) -> typer.Exit:
    if isinstance(exc, PackInvalid):
        err.print(f"[red]refused, nothing stored: {len(exc.problems)} problem(s)[/red]")
        for p in exc.problems:
            err.print(f"  {p}", highlight=False, markup=False)
        return typer.Exit(1)
    err.print(f"[red]{exc}[/red]", highlight=False)
    return typer.Exit(2 if isinstance(exc, NotAllowed) else 1)


def _day(option: str, text: str | None) -> dt.date | None:
    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        err.print(f"[red]{option}: {text!r} is not a date (YYYY-MM-DD)[/red]", highlight=False)
        raise typer.Exit(1) from None


LIST_COLUMNS = ("staff_no", "employer", "occupation", "level", "name", "pre_job_trained_on",
                "training_due", "training", "insured", "left_on")  # fmt: skip


@staff_app.command("list")
def list_staff(county: County, as_json: AsJson = False) -> None:
    """The county's staff: staff number, employer, occupation, level, masked name, training
    (its due day from the pack's interval: ok, due within a month, overdue), insurance."""
    try:
        rows = [v.as_dict() for v in service.views(_uow(), _vault(), county)]
    except CountyExpressError as exc:
        raise _fail(exc) from None
    if as_json:
        out.print_json(json.dumps(rows, ensure_ascii=False))
        return
    table = Table(*LIST_COLUMNS)
    for r in rows:
        table.add_row(*("" if r[c] is None else str(r[c]) for c in LIST_COLUMNS))
    out.print(table)


@staff_app.command("show")
def show(
    staff_no: Annotated[str, typer.Argument(help="The staff number")],
    county: County,
    as_json: AsJson = False,
) -> None:
    """One member: masked name and phone (never the ID number), training and insurance."""
    try:
        row = service.view(_uow(), _vault(), county, staff_no).as_dict()
    except CountyExpressError as exc:
        raise _fail(exc) from None
    if as_json:
        out.print_json(json.dumps(row, ensure_ascii=False))
        return
    for key, value in row.items():
        out.print(f"{key}: {'' if value is None else value}", highlight=False)


@staff_app.command("add")
def add(
    staff_no: Annotated[str, typer.Argument(help="The staff number")],
    county: County,
    employer: Annotated[str, typer.Option(help="A carrier, facility code or 'centre'")],
    occupation: Annotated[str, typer.Option(help="courier (快递员) or handler (快件处理员)")],
    name: Annotated[str, typer.Option(help="The person's name (stored encrypted)")],
    id_number: Annotated[str, typer.Option(help="Resident ID number (stored encrypted)")],
    phone: Annotated[str, typer.Option(help="Mobile number (stored encrypted)")],
    level: Annotated[int | None, typer.Option(help="Skill level 5..1")] = None,
) -> None:
    """Register a courier or handler; name, ID number and phone are encrypted (Vault)."""
    row = {"staff_no": staff_no, "employer": employer, "occupation": occupation, "name": name,
           "id_number": id_number, "phone": phone, "level": str(level or "")}  # fmt: skip
    try:
        service.add_member(_uow(), _vault(), county, row)
    except CountyExpressError as exc:
        raise _fail(exc) from None
    out.print(f"{staff_no} registered", highlight=False)


@staff_app.command("import")
def import_staff(
    file: Annotated[
        Path, typer.Argument(help="An xlsx or CSV staff list", exists=True, dir_okay=False)
    ],
    county: County,
    as_json: AsJson = False,
) -> None:
    """Register or replace (by staff number) every member of a list, or none: each problem
    by file, line and column. Columns: staff_no, employer, occupation, name, id_number,
    phone [, level, pre_job_trained_on, trained_on, social_insurance_until,
    injury_insurance_until]."""
    try:
        n = service.import_file(_uow(), _vault(), county, file)
    except OSError as exc:
        err.print(f"[red]cannot read {file}: {exc.strerror}[/red]", highlight=False)
        raise typer.Exit(1) from None
    except CountyExpressError as exc:
        raise _fail(exc) from None
    if as_json:
        out.print_json(json.dumps({"stored": n}))
        return
    out.print(f"{n} staff registered or replaced from {file.name}", highlight=False)


@staff_app.command("insure")
def insure(
    staff_no: Annotated[str, typer.Argument(help="The staff number")],
    county: County,
    social_until: Annotated[str | None, typer.Option(help="Social insurance valid until")] = None,
    injury_until: Annotated[str | None, typer.Option(help="工伤保险 valid until")] = None,
) -> None:
    """Record until when social and work-injury insurance are valid."""
    social, injury = _day("--social-until", social_until), _day("--injury-until", injury_until)
    if social is None and injury is None:
        err.print("[red]give --social-until and/or --injury-until[/red]", highlight=False)
        raise typer.Exit(1)
    try:
        service.record_insurance(_uow(), county, staff_no, social_until=social,
                                 injury_until=injury)  # fmt: skip
    except CountyExpressError as exc:
        raise _fail(exc) from None
    out.print(f"{staff_no}: insurance recorded", highlight=False)


@staff_app.command("leave")
def leave(
    staff_no: Annotated[str, typer.Argument(help="The staff number")],
    county: County,
    on: Annotated[str, typer.Option("--on", help="The day they left (YYYY-MM-DD)")],
) -> None:
    """Record that a member left: the gate refuses them from then, and their personal data's
    retention clock starts."""
    day = _day("--on", on)
    assert day is not None
    try:
        service.record_leaving(_uow(), county, staff_no, day)
    except CountyExpressError as exc:
        raise _fail(exc) from None
    out.print(f"{staff_no}: left on {day.isoformat()}", highlight=False)


@staff_app.command("train")
def train(
    staff_no: Annotated[str, typer.Argument(help="The staff number")],
    county: County,
    on: Annotated[str, typer.Option("--on", help="The day (YYYY-MM-DD)")],
    pre_job: Annotated[bool, typer.Option("--pre-job", help="The pre-job training")] = False,
) -> None:
    """Record a periodic training, or with --pre-job the pre-job training (岗前培训)."""
    day = _day("--on", on)
    assert day is not None
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
