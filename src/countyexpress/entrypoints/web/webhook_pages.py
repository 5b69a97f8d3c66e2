"""The 回调 webhooks page (issue 12): the county's carriers' webhooks, their deliveries by
state, and the dead letters with a button to send one again. For regulators and
administrators; carriers register webhooks through the API (docs/webhooks.md)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from countyexpress.domain.access import Action, Resource, Where
from countyexpress.entrypoints.api.auth import CsrfDep, PrincipalDep
from countyexpress.entrypoints.api.deps import UowDep
from countyexpress.entrypoints.web.i18n import N_, gettext_for, reason_of
from countyexpress.entrypoints.web.render import render
from countyexpress.errors import NotFound
from countyexpress.services import registries
from countyexpress.services import webhooks as service
from countyexpress.services.authz import check

router = APIRouter(include_in_schema=False)
DONE = {"replayed": N_("Queued again: it is sent at the next delivery pass.")}
STATE_LABELS = {
    "pending": N_("waiting"),
    "delivered": N_("delivered"),
    "dead": N_("dead letter"),
}


@router.get("/counties/{code}/webhooks")
def webhooks_page(
    code: str, request: Request, uow: UowDep, by: PrincipalDep, done: str = "", error: str = ""
) -> Response:
    """The county's webhooks with their deliveries counted by state, and the dead letters."""
    check(by, Action.READ, Resource.WEBHOOK, Where(county=code))
    county = registries.county(uow, by, code)
    hooks = service.listing(uow, by, county.code)
    rows = service.deliveries(uow, by, county.code)
    counts: dict[int, dict[str, int]] = {h["id"]: {} for h in hooks}
    for r in rows:
        per = counts.setdefault(r["webhook_id"], {})
        per[r["state"]] = per.get(r["state"], 0) + 1
    gettext = gettext_for(request.state.locale)
    ctx = {
        "hooks": hooks,
        "counts": counts,
        "dead": [r for r in rows if r["state"] == "dead"],
        "STATE_LABELS": STATE_LABELS,
        "done": gettext(DONE[done]) if done in DONE else "",
        "error": error[:300],
    }
    return render(request, "webhooks.html", ctx, county=county, active="webhooks")


@router.post("/counties/{code}/webhooks/replay", dependencies=[CsrfDep])
def post_webhooks_replay(
    code: str,
    request: Request,
    delivery_id: Annotated[int, Form()],
    uow: UowDep,
    by: PrincipalDep,
) -> Response:
    """Send a dead letter again (303 back to the page with the result)."""
    check(by, Action.EDIT, Resource.WEBHOOK, Where(county=code))
    try:
        service.replay(uow, by, delivery_id, dt.datetime.now(dt.UTC), county=code)
    except NotFound as exc:
        gettext = gettext_for(request.state.locale)
        return webhooks_page(code, request, uow, by, error=reason_of(exc, gettext))
    return RedirectResponse(f"/counties/{code}/webhooks?done=replayed", status_code=303)
