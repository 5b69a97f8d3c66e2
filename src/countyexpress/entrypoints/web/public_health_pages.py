"""The 卫生防疫 Public health page (issue 14, tasks 15-16): each township's risk level, the
day's checklist of every staffed facility with a form to log the measures done, and the
year's contactless delivery share. Forms post, then return to the page with the result."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from countyexpress.adapters.packs.defaults import defaults_file
from countyexpress.domain.access import Action, Resource, Where, allowed
from countyexpress.domain.county_time import county_today
from countyexpress.domain.geography import DivisionLevel
from countyexpress.domain.public_health import LIFTED
from countyexpress.entrypoints.api.auth import CsrfDep, PrincipalDep
from countyexpress.entrypoints.api.deps import UowDep
from countyexpress.entrypoints.api.public_health import contactless_data
from countyexpress.entrypoints.web.i18n import N_, gettext_for, reason_of
from countyexpress.entrypoints.web.render import render
from countyexpress.errors import CountyExpressError, Forbidden, InvalidValue, NotAuthenticated
from countyexpress.services import public_health as service
from countyexpress.services import registries

router = APIRouter(include_in_schema=False)

DONE = {"level": N_("Risk level set."), "log": N_("Measures logged.")}
LIFTED_LABEL = N_("no level (lifted)")


def _page(code: str, day: str = "", done: str = "", error: str = "") -> str:
    url = f"/counties/{code}/health"
    query = [f"day={day}"] if day else []
    if done:
        query.append(f"done={done}")
    if error:
        query.append(f"error={quote(error[:300])}")
    return url + ("?" + "&".join(query) if query else "")


def _day(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text) if text else None
    except ValueError:
        return None


@router.get("/counties/{code}/health")
def health_page(
    code: str,
    request: Request,
    uow: UowDep,
    by: PrincipalDep,
    day: str = "",
    done: str = "",
    error: str = "",
) -> Response:
    """The levels of the day, the facilities' checklists, the year's contactless share."""
    county = registries.county(uow, by, code)
    on = _day(day) or county_today()
    status = service.status(uow, county.code, on, by=by)
    tally = service.contactless(uow, county.code, on.year, by=by)
    gettext = gettext_for(request.state.locale)
    english = not str(request.state.locale).startswith("zh")
    rules = status.rules

    def name_of(item: Any) -> str:
        return str(item.en if english and item.en else item.zh)

    level_names = {lv.code: name_of(lv) for lv in rules.levels}
    level_names[LIFTED] = gettext(LIFTED_LABEL)
    ctx = {
        "day": on,
        "status": status,
        "townships": county.divisions_at(DivisionLevel.TOWNSHIP),
        "since_of": _since(status.history, on),
        "level_names": level_names,
        "measure_names": {m.code: name_of(m) for m in rules.measures},
        "measures": rules.measures,
        "rules": rules,
        "pack_defaults": defaults_file(rules.source, "health.toml"),
        "contactless": contactless_data(tally, on.year),
        "division_names": {d.code: d.name for d in county.divisions},
        "may_set": allowed(by, Action.EDIT, Resource.HEALTH, Where(county.code)),
        "may_log": {
            c.facility_code
            for c in status.checks
            if allowed(by, Action.SCAN, Resource.HEALTH, Where(county.code, c.facility_code))
        },
        "done": gettext(DONE[done]) if done in DONE else "",
        "error": error[:300],
    }
    return render(request, "public_health.html", ctx, county=county, active="health")


def _since(history: Any, on: dt.date) -> dict[str, dt.date]:
    """The day each township's level in force on `on` was set from."""
    ordered = sorted(history, key=lambda c: c.from_day)
    return {c.township_code: c.from_day for c in ordered if c.from_day <= on}


def _after(request: Request, code: str, day: str, done: str, action: Any) -> Response:
    """Run `action`; back to the page with its result or its refusal, translated."""
    try:
        action()
    except (Forbidden, NotAuthenticated):
        raise
    except CountyExpressError as exc:
        reason = reason_of(exc, gettext_for(request.state.locale))
        return RedirectResponse(_page(code, day, error=reason), status_code=303)
    return RedirectResponse(_page(code, day, done=done), status_code=303)


def _checked_day(text: str, field: str) -> dt.date:
    found = _day(text)
    if found is None:
        raise InvalidValue(field, f"{text!r} is not a date (YYYY-MM-DD)")
    return found


@router.post("/counties/{code}/health/levels", dependencies=[CsrfDep])
def post_level(
    code: str,
    request: Request,
    uow: UowDep,
    by: PrincipalDep,
    township: Annotated[str, Form(max_length=12)],
    level: Annotated[str, Form(max_length=40)],
    from_day: Annotated[str, Form(max_length=10)],
) -> Response:
    """Set a township's risk level from a day (regulators and administrators)."""
    return _after(
        request, code, from_day, "level",
        lambda: service.set_level(uow, code, township, level,
                                  _checked_day(from_day, "from_day"), by=by),
    )  # fmt: skip


@router.post("/counties/{code}/health/logs/{facility}", dependencies=[CsrfDep])
def post_log(
    code: str,
    facility: str,
    request: Request,
    uow: UowDep,
    by: PrincipalDep,
    day: Annotated[str, Form(max_length=10)],
    done: Annotated[list[str] | None, Form(max_length=40)] = None,
) -> Response:
    """Log the measures a facility did on the day (its keeper, the centre, the regulator)."""
    return _after(
        request, code, day, "log",
        lambda: service.log_measures(uow, code, facility, _checked_day(day, "day"), done or [],
                                     by=by),
    )  # fmt: skip
