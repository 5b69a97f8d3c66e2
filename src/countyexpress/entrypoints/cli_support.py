"""`countyexpress support apply|decide|list|request|request-decide|requests|programmes`:
policy support for carriers (plan tasks 8, 10, 18) and staff support requests (task 20).
A refusal exits 2 with its reason. The command line acts as the local operator."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from rich.console import Console

from countyexpress.adapters.vault import Vault
from countyexpress.domain.access import SYSTEM
from countyexpress.domain.county_time import county_today
from countyexpress.domain.supervision.support import Application, Eligibility
from countyexpress.entrypoints.cli_supervision import (
    CountyOpt,
    JsonOpt,
    OnOpt,
    _day,
    _print_json,
    _records_out,
    _refused,
    _uow,
)
from countyexpress.entrypoints.presenters_supervision import record_json
from countyexpress.errors import CountyExpressError
from countyexpress.services import support
from countyexpress.settings import get_settings

support_app = typer.Typer(help="Policy support (政策资金支持) and staff support requests.",
                          no_args_is_help=True)  # fmt: skip

out = Console()


def eligibility_json(e: Eligibility) -> dict[str, Any]:
    """The check of an application as plain data."""
    p = e.programme
    return {"programme": p.code, "task": p.task, "title": p.title, "eligible": e.eligible,
            "ceiling": e.ceiling, "reasons": list(e.reasons), "passed": list(e.passed),
            "rule": f"{p.quality}: {p.source}"}  # fmt: skip


def _show_check(e: Eligibility) -> None:
    p = e.programme
    out.print(f"{p.code} (task {p.task}, {p.title}): at most {e.ceiling} 元 here "
              f"[{p.quality}]", highlight=False, markup=False)  # fmt: skip
    for line in e.passed:
        out.print(f"  ✓ {line}", highlight=False, markup=False)
    for line in e.reasons:
        out.print(f"  ✗ {line}", highlight=False, markup=False)


@support_app.command("programmes")
def support_programmes(county: CountyOpt, as_json: JsonOpt = False) -> None:
    """The county's support programmes from its pack (policy.toml), with their rules."""
    try:
        rules = support.programmes(_uow(), county)
    except CountyExpressError as exc:
        raise _refused(exc) from exc
    rows = [{"programme": p.code, "task": p.task, "title": p.title, "title_en": p.title_en,
             "max_grant": p.max_grant, "min_investment": p.min_investment,
             "share_of_investment": (str(p.share_of_investment)
                                     if p.share_of_investment is not None else None),
             "facility_kinds": list(p.facility_kinds),
             "new_energy_vehicle": p.new_energy_vehicle,
             "requires_licence": p.requires_licence, "quality": p.quality, "source": p.source}
            for p in rules.programmes.values()]  # fmt: skip
    if as_json:
        _print_json(rows)
        return
    if not rows:
        out.print(f"no programmes: {rules.source}", highlight=False)
    for r in rows:
        out.print(f"{r['programme']} (task {r['task']}) {r['title']}: at most {r['max_grant']} 元"
                  f" [{r['quality']}]", highlight=False, markup=False)  # fmt: skip


@support_app.command("apply")
def support_apply(
    county: CountyOpt,
    carrier: Annotated[str, typer.Option("--carrier", help="The applicant carrier's code")],
    programme: Annotated[str, typer.Option("--programme", help="A programme of policy.toml")],
    amount: Annotated[int, typer.Option("--amount", help="The amount asked (元)")],
    investment: Annotated[
        int | None, typer.Option("--investment", help="The investment or price (元)")
    ] = None,
    facility: Annotated[str, typer.Option("--facility", help="The facility's code")] = "",
    vehicle: Annotated[str, typer.Option("--vehicle", help="The vehicle's unified number")] = "",
    on: OnOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Apply for a programme: prints the eligibility check; exit 2 with the reasons when the
    application is not eligible (nothing is stored)."""
    try:
        a = Application(programme, amount, investment, facility.strip(), vehicle.strip())
        view, e = support.apply(
            _uow(), county, carrier.strip().lower(), a, _day(on, "on"), by=SYSTEM
        )
    except CountyExpressError as exc:
        raise _refused(exc) from exc
    if as_json:
        _print_json({"check": eligibility_json(e),
                     "record": record_json(view.id, view.record, county_today())})  # fmt: skip
        return
    _show_check(e)
    out.print(f"application {view.id}: {view.record.state}", highlight=False)


@support_app.command("decide")
def support_decide(
    application_id: Annotated[int, typer.Argument(help="The application's number")],
    county: CountyOpt,
    grant: Annotated[int | None, typer.Option("--grant", help="The amount granted (元)")] = None,
    refuse: Annotated[str, typer.Option("--refuse", help="The reason of a refusal")] = "",
    on: OnOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Decide an application: --grant AMOUNT (within the rules) or --refuse REASON."""
    try:
        view = support.decide(
            _uow(), county, application_id, grant, refuse, _day(on, "on"), by=SYSTEM
        )
    except CountyExpressError as exc:
        raise _refused(exc) from exc
    _records_out([view], as_json)


@support_app.command("list")
def support_list(county: CountyOpt, as_json: JsonOpt = False) -> None:
    """The county's support applications with their decision clocks."""
    try:
        views = support.applications(_uow(), county, by=SYSTEM)
    except CountyExpressError as exc:
        raise _refused(exc) from exc
    _records_out(views, as_json)


@support_app.command("request")
def support_request(
    county: CountyOpt,
    staff_no: Annotated[str, typer.Option("--staff", help="The courier's staff number")],
    request_type: Annotated[str, typer.Option("--type", help="housing, schooling or medical")],
    details: Annotated[str, typer.Option("--details", help="What is asked (kept encrypted)")] = "",
    on: OnOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Receive a staff member's request for housing, schooling or medical aid (task 20)."""
    day = _day(on, "on")
    try:
        view = support.request(_uow(), Vault(get_settings().data_key_bytes()), county,
                               staff_no, request_type, details, day, by=SYSTEM)  # fmt: skip
    except CountyExpressError as exc:
        raise _refused(exc) from exc
    _records_out([view], as_json)


@support_app.command("request-decide")
def support_request_decide(
    request_id: Annotated[int, typer.Argument(help="The request's number")],
    county: CountyOpt,
    grant: Annotated[bool, typer.Option("--grant/--refuse", help="Granted or refused")],
    note: Annotated[str, typer.Option("--note", help="What is granted, or the reason")] = "",
    on: OnOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Decide a staff support request: --grant, or --refuse with --note giving the reason."""
    try:
        view = support.decide_request(
            _uow(), county, request_id, grant, note, _day(on, "on"), by=SYSTEM
        )
    except CountyExpressError as exc:
        raise _refused(exc) from exc
    _records_out([view], as_json)


@support_app.command("requests")
def support_requests(county: CountyOpt, as_json: JsonOpt = False) -> None:
    """The county's staff support requests (type and decision; details stay encrypted)."""
    try:
        views = support.requests(_uow(), county, by=SYSTEM)
    except CountyExpressError as exc:
        raise _refused(exc) from exc
    _records_out(views, as_json)
