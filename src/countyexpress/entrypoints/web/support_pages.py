"""The 政策支持 page (issue 14 item 6): carriers' applications for the county's support
programmes with their check and decision clock, and staff support requests (task 20); the
regulator grants an amount (within the programme's rules) or refuses with the reason."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from countyexpress.domain.access import Action, Resource, Where, allowed
from countyexpress.domain.county_time import county_today
from countyexpress.domain.supervision.kinds import SUPPORT_REQUEST_TYPES
from countyexpress.domain.supervision.support import Application
from countyexpress.entrypoints.api.auth import CsrfDep, PrincipalDep
from countyexpress.entrypoints.api.deps import RowId, UowDep
from countyexpress.entrypoints.web.i18n import N_, gettext_for, reason_of
from countyexpress.entrypoints.web.render import render
from countyexpress.entrypoints.web.supervision_pages import (
    CLOCK_LABELS,
    RULE_LABELS,
    STATE_LABELS,
    SupervisorDep,
)
from countyexpress.errors import CountyExpressError, Forbidden, NotAuthenticated
from countyexpress.services import registries, support

router = APIRouter(include_in_schema=False)

REQUEST_TYPES = {
    "housing": N_("housing (public rental housing)"),
    "schooling": N_("schooling of children"),
    "medical": N_("medical aid"),
}
DONE = {"decided": N_("Decision recorded."), "applied": N_("Application recorded.")}


def _page(code: str, done: str = "", error: str = "") -> str:
    url = f"/counties/{code}/support"
    if done:
        return f"{url}?done={done}"
    return f"{url}?error={error[:300]}" if error else url


@router.get("/counties/{code}/support")
def support_page(
    code: str, request: Request, uow: UowDep, by: PrincipalDep, done: str = "", error: str = ""
) -> Response:
    """The programmes, the applications and the staff requests, undecided first."""
    county = registries.county(uow, by, code)
    asked = support.applications(uow, county.code, by=by)
    received = support.requests(uow, county.code, by=by)
    gettext = gettext_for(request.state.locale)
    ctx = {
        "today": county_today(),
        "programmes": support.programmes(uow, county.code).programmes,
        "carriers": [c.code for c in county.carriers],
        "applications": sorted(asked, key=lambda v: (v.record.closed, -v.id)),
        "requests": sorted(received, key=lambda v: (v.record.closed, -v.id)),
        "may_edit": allowed(by, Action.EDIT, Resource.SUPERVISION, Where(county.code)),
        "done": gettext(DONE[done]) if done in DONE else "",
        "error": error[:300],
        "STATE_LABELS": STATE_LABELS,
        "CLOCK_LABELS": CLOCK_LABELS,
        "RULE_LABELS": RULE_LABELS,
        "REQUEST_TYPES": REQUEST_TYPES,
        "request_types": SUPPORT_REQUEST_TYPES,
    }
    return render(request, "support.html", ctx, county=county, active="supervision")


def _after(request: Request, code: str, action: object, done: str = "decided") -> Response:
    try:
        action()  # type: ignore[operator]
    except (Forbidden, NotAuthenticated):
        raise
    except CountyExpressError as exc:
        reason = reason_of(exc, gettext_for(request.state.locale))
        return RedirectResponse(_page(code, error=reason), status_code=303)
    return RedirectResponse(_page(code, done=done), status_code=303)


@router.post("/counties/{code}/support/applications", dependencies=[CsrfDep])
def post_application(
    code: str,
    request: Request,
    uow: UowDep,
    by: SupervisorDep,
    carrier: Annotated[str, Form(max_length=20)],
    programme: Annotated[str, Form(max_length=40)],
    amount: Annotated[int, Form(ge=1, le=10**10 - 1)],
    investment: Annotated[str, Form(max_length=12)] = "",
    facility: Annotated[str, Form(max_length=40)] = "",
    vehicle: Annotated[str, Form(max_length=40)] = "",
) -> Response:
    """A paper application entered for a carrier: checked like any other (the reasons
    come back when it is not eligible)."""
    invested = int(investment) if investment.strip().isdigit() else None

    def apply() -> object:
        a = Application(programme, amount, invested, facility.strip(), vehicle.strip())
        return support.apply(uow, code, carrier.strip().lower(), a, by=by)

    return _after(request, code, apply, "applied")


@router.post("/counties/{code}/support/applications/{record_id}", dependencies=[CsrfDep])
def post_decision(
    code: str,
    record_id: RowId,
    request: Request,
    uow: UowDep,
    by: SupervisorDep,
    grant: Annotated[str, Form(max_length=12)] = "",
    refuse: Annotated[str, Form(max_length=500)] = "",
) -> Response:
    """Grant an amount (元) or refuse with the reason."""
    amount = int(grant) if grant.strip().isdigit() else None
    return _after(
        request, code, lambda: support.decide(uow, code, record_id, amount, refuse, by=by)
    )


@router.post("/counties/{code}/support/requests/{record_id}", dependencies=[CsrfDep])
def post_request_decision(
    code: str,
    record_id: RowId,
    request: Request,
    uow: UowDep,
    by: SupervisorDep,
    decision: Annotated[str, Form(pattern=r"^(grant|refuse)$")],
    note: Annotated[str, Form(max_length=500)] = "",
) -> Response:
    """Grant a staff member's request, or refuse it with the reason."""
    granted = decision == "grant"
    return _after(
        request,
        code,
        lambda: support.decide_request(uow, code, record_id, granted, note, by=by),
    )
