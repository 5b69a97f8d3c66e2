"""`countyexpress emergency …`: support teams, resources and events (task 13, docs/emergency.md).

Refusals exit 1 (bad input, not found) or 2 (a step the event's state does not allow).
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Annotated, Any

import typer
from rich.table import Table

from countyexpress.domain.access import SYSTEM
from countyexpress.domain.emergency import Resource, Team, availability_of, kind_of
from countyexpress.entrypoints.cli_staff import AsJson, County, _fail, _uow, out
from countyexpress.entrypoints.presenters_emergency import event_row, resource_row, team_row
from countyexpress.errors import CountyExpressError, InvalidValue
from countyexpress.services import emergency as service

emergency_app = typer.Typer(help="Emergency support: teams, resources, events (task 13).",
                            no_args_is_help=True)  # fmt: skip
team_app = typer.Typer(help="Emergency-rescue support teams (应急救援保障队伍).",
                       no_args_is_help=True)  # fmt: skip
resource_app = typer.Typer(help="Emergency resources: materials, communications, funds, "
                           "vehicles.", no_args_is_help=True)  # fmt: skip
event_app = typer.Typer(help="Emergency events graded I-IV, reported within 24 hours.",
                        no_args_is_help=True)  # fmt: skip
emergency_app.add_typer(team_app, name="team")
emergency_app.add_typer(resource_app, name="resource")
emergency_app.add_typer(event_app, name="event")


def _moment(name: str, text: str | None) -> dt.datetime | None:
    if text is None:
        return None
    try:
        value = dt.datetime.fromisoformat(text)
    except ValueError:
        raise InvalidValue(name, f"{text!r} is not a moment (2026-12-06T08:30+08:00)") from None
    if value.tzinfo is None:
        raise InvalidValue(name, f"{text!r} has no time zone (add +08:00 or Z)")
    return value


def _print(rows: list[dict[str, Any]], as_json: bool, first: str) -> None:
    if as_json:
        out.print_json(json.dumps(rows, ensure_ascii=False))
        return
    table = Table(*(rows[0].keys() if rows else (first,)))
    for r in rows:
        table.add_row(*("" if v is None else str(v) for v in r.values()))
    out.print(table)


# teams -------------------------------------------------------------------------------------


@team_app.command("add")
def team_add(
    code: Annotated[str, typer.Argument(help="The team's code")],
    county: County,
    name: Annotated[str, typer.Option("--name", help="The team's name")],
    leader: Annotated[str, typer.Option("--leader", help="The leader's staff number")],
    member: Annotated[
        list[str] | None, typer.Option("--member", help="A member's staff number (repeat)")
    ] = None,
    vehicle: Annotated[
        list[str] | None, typer.Option("--vehicle", help="A vehicle's unified number (repeat)")
    ] = None,
    equipment: Annotated[
        list[str] | None, typer.Option("--equipment", help="An item of equipment (repeat)")
    ] = None,
    availability: Annotated[
        str, typer.Option("--availability", help="on_duty, standby or unavailable")
    ] = "standby",
    as_json: AsJson = False,
) -> None:
    """Add a team (or replace the team with this code); its people and vehicles must be in
    the staff and vehicle registries."""
    try:
        team = Team(code, name, leader.strip(), tuple(m.strip() for m in member or ()),
                    tuple(v.strip() for v in vehicle or ()), tuple(equipment or ()),
                    availability_of(availability))  # fmt: skip
        done = service.add_team(_uow(), county, team, by=SYSTEM)
    except CountyExpressError as exc:
        raise _fail(exc) from None
    if as_json:
        out.print_json(json.dumps(team_row(done), ensure_ascii=False))
        return
    out.print(f"team {done.code}: {done.size} people, {done.availability.value}")


@team_app.command("list")
def team_list(county: County, as_json: AsJson = False) -> None:
    """The county's teams: people, vehicles, equipment, availability."""
    try:
        rows = [team_row(t) for t in service.teams(_uow(), county, by=SYSTEM)]
    except CountyExpressError as exc:
        raise _fail(exc) from None
    _print(rows, as_json, "code")


@team_app.command("show")
def team_show(
    code: Annotated[str, typer.Argument(help="The team's code")],
    county: County,
    as_json: AsJson = False,
) -> None:
    """One team, with whether it meets the pack's least size."""
    try:
        t = service.team(_uow(), county, code, by=SYSTEM)
        rules = service.rules(_uow(), county)
    except CountyExpressError as exc:
        raise _fail(exc) from None
    least = rules.min_team_size
    row = team_row(t) | {"min_size": least, "meets_min_size": t.size >= least,
                         "min_size_source": rules.notes.get("teams", "")}  # fmt: skip
    if as_json:
        out.print_json(json.dumps(row, ensure_ascii=False))
        return
    for k, v in row.items():
        out.print(f"{k}: {v}", highlight=False)


# resources ---------------------------------------------------------------------------------


@resource_app.command("add")
def resource_add(
    county: County,
    kind: Annotated[str, typer.Option("--kind", help="material, communications, funds or vehicle")],
    name: Annotated[str, typer.Option("--name", help="What it is")],
    quantity: Annotated[float, typer.Option("--quantity", help="How much")],
    unit: Annotated[str, typer.Option("--unit", help="件, 台, 元 …")],
    location: Annotated[str, typer.Option("--location", help="The facility code holding it")],
    availability: Annotated[
        str, typer.Option("--availability", help="on_duty, standby or unavailable")
    ] = "on_duty",
    as_json: AsJson = False,
) -> None:
    """Add a resource held at one of the county's facilities."""
    try:
        r = Resource(kind_of(kind), name, quantity, unit, location,
                     availability_of(availability))  # fmt: skip
        done = service.add_resource(_uow(), county, r, by=SYSTEM)
    except CountyExpressError as exc:
        raise _fail(exc) from None
    if as_json:
        out.print_json(json.dumps(resource_row(done), ensure_ascii=False))
        return
    out.print(f"resource {done.id}: {done.quantity:g} {done.unit} {done.name} at {done.location}")


@resource_app.command("list")
def resource_list(
    county: County,
    kind: Annotated[str | None, typer.Option("--kind", help="Only this kind")] = None,
    as_json: AsJson = False,
) -> None:
    """The county's resources."""
    try:
        rows = [resource_row(r) for r in service.resources(_uow(), county, kind, by=SYSTEM)]
    except CountyExpressError as exc:
        raise _fail(exc) from None
    _print(rows, as_json, "id")


# events ------------------------------------------------------------------------------------


@event_app.command("open")
def event_open(
    county: County,
    grade: Annotated[str, typer.Option("--grade", help="I, II, III or IV (I the gravest)")],
    subject: Annotated[str, typer.Option("--subject", help="kind:key, e.g. carrier:zto")],
    occurred_at: Annotated[
        str,
        typer.Option(
            "--occurred-at", help="When it occurred, with its zone (2026-12-06T08:30+08:00)"
        ),
    ],
    summary: Annotated[str, typer.Option("--summary", help="What happened")] = "",
    as_json: AsJson = False,
) -> None:
    """Record an emergency event; its report is due within the pack's emergency.report hours."""
    try:
        at = _moment("occurred_at", occurred_at)
        assert at is not None
        view = service.open_event(_uow(), county, grade, subject, at, summary, by=SYSTEM)
    except CountyExpressError as exc:
        raise _fail(exc) from None
    _event_out(view, as_json)


def _step(verb: str, event_id: int, county: str, at: str | None, note: str, as_json: bool) -> None:
    try:
        view = service.step_event(_uow(), county, event_id, verb, _moment("at", at), note,
                                  by=SYSTEM)  # fmt: skip
    except CountyExpressError as exc:
        raise _fail(exc) from None
    _event_out(view, as_json)


def _event_out(view: service.EventView, as_json: bool) -> None:
    row = event_row(view)
    if as_json:
        out.print_json(json.dumps(row, ensure_ascii=False))
        return
    out.print(f"event {view.id} ({view.grade}) {view.state}; report due "
              f"{view.report_due_at.isoformat()}", highlight=False)  # fmt: skip


EventId = Annotated[int, typer.Argument(help="The event's number")]
At = Annotated[str | None, typer.Option("--at", help="When (default now), with its zone")]
Note = Annotated[str, typer.Option("--note", help="A note for the trail")]


@event_app.command("report")
def event_report(event_id: EventId, county: County, at: At = None, note: Note = "",
                 as_json: AsJson = False) -> None:  # fmt: skip
    """Report the event to the postal regulator (stops the report clock)."""
    _step("report", event_id, county, at, note, as_json)


@event_app.command("respond")
def event_respond(event_id: EventId, county: County, at: At = None, note: Note = "",
                  as_json: AsJson = False) -> None:  # fmt: skip
    """Start the response (after the report)."""
    _step("respond", event_id, county, at, note, as_json)


@event_app.command("close")
def event_close(event_id: EventId, county: County, at: At = None, note: Note = "",
                as_json: AsJson = False) -> None:  # fmt: skip
    """Close the event (once reported)."""
    _step("close", event_id, county, at, note, as_json)


@event_app.command("list")
def event_list(county: County, as_json: AsJson = False) -> None:
    """The county's events, latest first, with the report clock to the minute."""
    try:
        rows = [event_row(e) for e in service.events(_uow(), county, by=SYSTEM)]
    except CountyExpressError as exc:
        raise _fail(exc) from None
    _print(rows, as_json, "id")
