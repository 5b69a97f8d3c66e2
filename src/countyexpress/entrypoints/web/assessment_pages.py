"""The 年度考核 page (issue 15): the plan's tasks of a year with their lead and cooperating
units, status, score and reason, the sections' totals, problems found and measures, the
data-quality appendix, and the progress notes; a regulator adds a note with a file."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request, UploadFile
from fastapi.responses import RedirectResponse, Response

from countyexpress.adapters.vault import Vault
from countyexpress.domain.access import Action, Resource, Where, allowed
from countyexpress.domain.county_time import county_today
from countyexpress.domain.supervision.attachments import MAX_BYTES
from countyexpress.entrypoints.api.auth import CsrfDep, PrincipalDep
from countyexpress.entrypoints.api.deps import SettingsDep, UowDep
from countyexpress.entrypoints.web.i18n import N_, gettext_for, reason_of
from countyexpress.entrypoints.web.render import render
from countyexpress.entrypoints.web.supervision_pages import SupervisorDep
from countyexpress.errors import CountyExpressError, Forbidden, NotAuthenticated, NotFound
from countyexpress.services import assessment, registries

router = APIRouter(include_in_schema=False)

TASK_STATUS = {
    "met": N_("met"),
    "behind": N_("behind"),
    "overdue": N_("overdue"),
    "no_data": N_("no data"),
    "no_target": N_("no target"),
}
DONE = {"noted": N_("Progress note recorded.")}


def _page(code: str, year: int, done: str = "", error: str = "") -> str:
    url = f"/counties/{code}/assessment?year={year}"
    if done:
        return f"{url}&done={done}"
    return f"{url}&error={error[:300]}" if error else url


@router.get("/counties/{code}/assessment")
def assessment_page(
    code: str,
    request: Request,
    uow: UowDep,
    by: PrincipalDep,
    year: int | None = None,
    done: str = "",
    error: str = "",
) -> Response:
    """The year's task tracker (default: this year) scored on the county's sheet; a unit's
    user sees the tasks its unit leads first, then those it cooperates on."""
    county = registries.county(uow, by, code)
    asked = year if year is not None and 1990 <= year <= 2100 else county_today().year
    data = assessment.to_json(assessment.report(uow, county.code, asked, by=by))
    try:
        frozen = assessment.frozen(uow, county.code, asked, by=by)
    except NotFound:
        frozen = None
    mine = assessment.unit_tasks(county, by.unit)
    rank = {n: i for i, n in enumerate(mine)}
    data["tasks"].sort(key=lambda t: (rank.get(t["task"], len(rank)), t["task"]))
    gettext = gettext_for(request.state.locale)
    ctx = {
        "year": asked,
        "mine": set(mine),
        "unit": county.plan.unit(by.unit) if by.unit else None,
        "report": data,
        "frozen": frozen,
        "notes": assessment.notes(uow, county.code, asked, by=by),
        "history": assessment.history(uow, county.code, by=by),
        "may_note": allowed(by, Action.EDIT, Resource.SUPERVISION, Where(county.code)),
        "max_bytes": MAX_BYTES,
        "TASK_STATUS": TASK_STATUS,
        "done": gettext(DONE[done]) if done in DONE else "",
        "error": error[:300],
    }
    return render(request, "assessment.html", ctx, county=county, active="assessment")


@router.post("/counties/{code}/assessment/{year}/notes", dependencies=[CsrfDep])
async def post_note(
    code: str,
    year: int,
    request: Request,
    uow: UowDep,
    by: SupervisorDep,
    settings: SettingsDep,
    task: Annotated[int, Form(ge=1, le=999)],
    text: Annotated[str, Form(max_length=assessment.MAX_NOTE)],
    file: UploadFile | None = None,
) -> Response:
    """A progress note on a task of the year, with a photo or a PDF as evidence."""
    given = []
    if file is not None and file.filename:
        given.append((file.filename, await file.read(MAX_BYTES + 1)))
    vault = Vault(settings.data_key_bytes())
    try:
        assessment.add_note(uow, vault, code, year, task, text, by=by, files=given)
    except (Forbidden, NotAuthenticated):
        raise
    except CountyExpressError as exc:
        reason = reason_of(exc, gettext_for(request.state.locale))
        return RedirectResponse(_page(code, year, error=reason), status_code=303)
    return RedirectResponse(_page(code, year, done="noted"), status_code=303)
