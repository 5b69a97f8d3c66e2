"""The 应急保障 Emergency page (issue 14, task 13): support teams, resources and events graded
I–IV with the countdown to each report deadline (24 hours), and the steps a regulator takes
(record an event, report, respond, close). Teams and resources are added from the command
line or the API; a team's staff numbers are shown only to those who may edit."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from countyexpress.adapters.packs.defaults import defaults_file
from countyexpress.domain.access import Action, Resource, Where, allowed
from countyexpress.domain.county_time import county_text
from countyexpress.domain.supervision.kinds import EMERGENCY_GRADES
from countyexpress.entrypoints.api.auth import CsrfDep, PrincipalDep
from countyexpress.entrypoints.api.deps import RowId, UowDep
from countyexpress.entrypoints.presenters_emergency import event_row, resource_row, team_row
from countyexpress.entrypoints.web.i18n import N_, gettext_for, reason_of
from countyexpress.entrypoints.web.render import render
from countyexpress.errors import CountyExpressError, Forbidden, NotAuthenticated
from countyexpress.services import emergency as service
from countyexpress.services import registries

router = APIRouter(include_in_schema=False)

AVAILABILITY = {"on_duty": N_("on duty"), "standby": N_("on standby"),
                "unavailable": N_("unavailable")}  # fmt: skip
KINDS = {"material": N_("materials"), "communications": N_("communications"),
         "funds": N_("funds"), "vehicle": N_("vehicles"), "team": N_("teams")}  # fmt: skip
STATES = {"occurred": N_("occurred, not reported"), "reported": N_("reported"),
          "responding": N_("responding"), "closed": N_("closed")}  # fmt: skip
VERBS = {"report": N_("Report"), "respond": N_("Respond"), "close": N_("Close")}
GRADES = {"I": N_("I particularly serious"), "II": N_("II serious"), "III": N_("III major"),
          "IV": N_("IV ordinary")}  # fmt: skip
DONE = {"opened": N_("Event recorded: its report clock runs."), "stepped": N_("Step recorded.")}


def _left(minutes: int | None) -> str:
    if minutes is None:
        return ""
    sign, m = ("-" if minutes < 0 else ""), abs(minutes)
    return f"{sign}{m // 60}:{m % 60:02d}"


def _page(request: Request, code: str, uow: Any, by: Any, *, done: str = "", error: str = "",
          status_code: int = 200) -> Response:  # fmt: skip
    county = registries.county(uow, by, code)
    now = dt.datetime.now(dt.UTC)
    people = service.sees_people(by, county.code)
    events = []
    for e in service.events(uow, county.code, by=by):
        row = event_row(e, now)
        row["left"] = _left(row["minutes_left"])
        row["due_local"] = county_text(e.report_due_at)
        row["due_iso"] = county_text(e.report_due_at, "iso")
        row["occurred_local"] = county_text(e.occurred_at)
        events.append(row)
    rules = service.rules(uow, county.code)
    gettext = gettext_for(request.state.locale)
    ctx = {
        "teams": [team_row(t, people) for t in service.teams(uow, county.code, by=by)],
        "resources": [resource_row(r) for r in service.resources(uow, county.code, by=by)],
        "events": events,
        "rules": rules,
        "pack_defaults": defaults_file(next(iter(rules.notes.values()), ""), "emergency.toml"),
        "people": people,
        "may_edit": allowed(by, Action.EDIT, Resource.EMERGENCY, Where(county.code)),
        "AVAILABILITY": AVAILABILITY, "KINDS": KINDS, "STATES": STATES, "VERBS": VERBS,
        "GRADES": GRADES, "grades": list(EMERGENCY_GRADES),
        "now_local": county_text(now, "%Y-%m-%dT%H:%M"),
        "done": gettext(DONE[done]) if done in DONE else "",
        "error": error[:300],
    }  # fmt: skip
    return render(request, "emergency.html", ctx, county=county, active="supervision",
                  status_code=status_code)  # fmt: skip


@router.get("/counties/{code}/emergency")
def emergency_page(
    code: str, request: Request, uow: UowDep, by: PrincipalDep, done: str = ""
) -> Response:
    """Teams, resources and events with the report countdown."""
    return _page(request, code, uow, by, done=done)


def _refused(request: Request, code: str, uow: Any, by: Any, exc: CountyExpressError) -> Response:
    if isinstance(exc, (Forbidden, NotAuthenticated)):
        raise exc
    reason = reason_of(exc, gettext_for(request.state.locale))
    return _page(request, code, uow, by, error=reason, status_code=422)


@router.post("/counties/{code}/emergency/events", dependencies=[CsrfDep])
def post_event(
    code: str,
    request: Request,
    uow: UowDep,
    by: PrincipalDep,
    grade: Annotated[str, Form(max_length=3)],
    subject: Annotated[str, Form(max_length=80)],
    occurred_at: Annotated[str, Form(max_length=40)],
    summary: Annotated[str, Form(max_length=500)] = "",
) -> Response:
    """Record an event that occurred at a county time (the form's moment is local)."""
    try:
        moment = service.county_moment("occurred_at", occurred_at)
        service.open_event(uow, code, grade, subject, moment, summary, by=by)
    except CountyExpressError as exc:
        return _refused(request, code, uow, by, exc)
    return RedirectResponse(f"/counties/{code}/emergency?done=opened", status_code=303)


@router.post("/counties/{code}/emergency/events/{event_id}", dependencies=[CsrfDep])
def post_event_step(
    code: str,
    event_id: RowId,
    request: Request,
    uow: UowDep,
    by: PrincipalDep,
    verb: Annotated[str, Form(max_length=20)],
    note: Annotated[str, Form(max_length=500)] = "",
) -> Response:
    """Report, respond to or close an event now."""
    try:
        service.step_event(uow, code, event_id, verb, None, note, by=by)
    except CountyExpressError as exc:
        return _refused(request, code, uow, by, exc)
    return RedirectResponse(f"/counties/{code}/emergency?done=stepped", status_code=303)
