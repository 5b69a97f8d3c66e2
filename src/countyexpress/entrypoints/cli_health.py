"""`countyexpress health …`: township risk levels, daily measure logs, the day's checklists
(plan tasks 15-16; docs/health.md)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from countyexpress import bootstrap
from countyexpress.domain.public_health import HealthStatus, measure_codes
from countyexpress.errors import CountyExpressError
from countyexpress.services import public_health as service
from countyexpress.settings import get_settings

health_app = typer.Typer(help="Public health: township risk levels and measure logs.",
                         no_args_is_help=True)  # fmt: skip
level_app = typer.Typer(help="Township risk levels (低/中/高风险).", no_args_is_help=True)
health_app.add_typer(level_app, name="level")

out = Console()
err = Console(stderr=True)

County = Annotated[str, typer.Option("--county", help="The county's code")]
AsJson = Annotated[bool, typer.Option("--json", help="Print JSON")]


def _uow() -> Any:
    return bootstrap.uow_factory(bootstrap.open_engine(get_settings()))()


def _fail(exc: CountyExpressError) -> typer.Exit:
    err.print(f"[red]{exc}[/red]", highlight=False)
    return typer.Exit(1)


def _day(option: str, text: str | None) -> dt.date | None:
    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        err.print(f"[red]{option}: {text!r} is not a date (YYYY-MM-DD)[/red]", highlight=False)
        raise typer.Exit(1) from None


def levels_data(s: HealthStatus) -> dict[str, Any]:
    """The township levels of a day and their history, as plain data."""
    return {
        "day": s.day.isoformat(),
        "levels": dict(sorted(s.levels.items())),
        "history": [
            {"township": c.township_code, "level": c.level, "from": c.from_day.isoformat(),
             "set_by": c.set_by}
            for c in s.history
        ],
        "rules": {"quality": s.rules.quality, "source": s.rules.source},
    }  # fmt: skip


def status_data(s: HealthStatus) -> dict[str, Any]:
    """Each facility's required and done measures of a day, as plain data."""
    return {
        "day": s.day.isoformat(),
        "facilities": [
            {"facility": c.facility_code, "name": c.facility_name, "kind": c.facility_kind,
             "township": c.township_code, "level": c.level, "required": list(c.required),
             "done": list(c.done), "missing": list(c.missing), "logged": c.logged,
             "compliance": c.compliance}
            for c in s.checks
        ],
    }  # fmt: skip


@level_app.command("set")
def set_level(
    township: Annotated[str, typer.Argument(help="The township's 12-digit division code")],
    level: Annotated[str, typer.Argument(help="A level of the pack (low, medium, high) or none")],
    county: County,
    from_day: Annotated[str, typer.Option("--from", help="From this county day (YYYY-MM-DD)")],
) -> None:
    """Set a township's risk level from a day until changed (`none` lifts it)."""
    day = _day("--from", from_day)
    assert day is not None
    try:
        change = service.set_level(_uow(), county, township, level, day)
    except CountyExpressError as exc:
        raise _fail(exc) from None
    out.print(f"{change.township_code}: {change.level} from {change.from_day}", highlight=False)


@level_app.command("show")
def show_levels(
    county: County,
    on: Annotated[str | None, typer.Option("--on", help="The county day (default today)")] = None,
    as_json: AsJson = False,
) -> None:
    """Each township's level on a day, and the history of changes."""
    try:
        s = service.status(_uow(), county, _day("--on", on))
    except CountyExpressError as exc:
        raise _fail(exc) from None
    data = levels_data(s)
    if as_json:
        out.print_json(json.dumps(data, ensure_ascii=False))
        return
    table = Table("township", "level")
    for code, level in data["levels"].items():
        table.add_row(code, level)
    out.print(table)
    out.print(f"rules: {s.rules.source}", highlight=False, markup=False)


@health_app.command("log")
def log(
    facility: Annotated[str, typer.Argument(help="The facility's code (outlet, station, centre)")],
    county: County,
    day: Annotated[str, typer.Option("--day", help="The county day (YYYY-MM-DD)")],
    done: Annotated[str, typer.Option("--done", help="Measures done: ventilation,disinfection")],
) -> None:
    """Log the measures a facility did on a day (added to that day's log)."""
    on = _day("--day", day)
    assert on is not None
    try:
        entry = service.log_measures(_uow(), county, facility, on, measure_codes(done))
    except CountyExpressError as exc:
        raise _fail(exc) from None
    done_now = ", ".join(sorted(entry.done))
    out.print(f"{entry.facility_code} {entry.day}: {done_now}", highlight=False)


@health_app.command("status")
def status(
    county: County,
    day: Annotated[str | None, typer.Option("--day", help="The county day (default today)")] = None,
    as_json: AsJson = False,
) -> None:
    """Each staffed facility's required and done measures on a day."""
    try:
        s = service.status(_uow(), county, _day("--day", day))
    except CountyExpressError as exc:
        raise _fail(exc) from None
    data = status_data(s)
    if as_json:
        out.print_json(json.dumps(data, ensure_ascii=False))
        return
    table = Table("facility", "level", "required", "done", "missing")
    for r in data["facilities"]:
        table.add_row(r["facility"], r["level"] or "", ",".join(r["required"]),
                      ",".join(r["done"]), ",".join(r["missing"]))  # fmt: skip
    out.print(table)
