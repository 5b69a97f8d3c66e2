"""The 绿色包装 green packaging page (issue 14, task 17): the task's indicators against the
pack's targets for a year or a month, by carrier, outlet or month, and the upload of
carriers' report files with every refused row shown (nothing stored then)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request, UploadFile
from fastapi.responses import RedirectResponse, Response

from countyexpress.adapters.packs.defaults import defaults_file
from countyexpress.adapters.packs.packaging import COLUMNS, report_rows
from countyexpress.adapters.supervision_xlsx import MAX_IMPORT_BYTES
from countyexpress.domain.access import Action, Resource, Where, allowed, require
from countyexpress.domain.geography import county_code6
from countyexpress.entrypoints.api.auth import CsrfDep, PrincipalDep
from countyexpress.entrypoints.api.deps import UowDep
from countyexpress.entrypoints.web.i18n import N_, gettext_for, reason_of
from countyexpress.entrypoints.web.render import render
from countyexpress.errors import (
    CountyExpressError,
    Forbidden,
    NotAuthenticated,
    PackInvalid,
    PackProblem,
)
from countyexpress.services import packaging as service
from countyexpress.services import registries

router = APIRouter(include_in_schema=False)

LEVEL_LABELS = {"carrier": N_("by carrier"), "outlet": N_("by outlet"), "month": N_("by month")}
STATUS_LABELS = {
    "met": N_("met"),
    "behind": N_("behind"),
    "no_target": N_("no target"),
    "no_data": N_("no data"),
}
DONE = {"imported": N_("Reports imported: every row stored.")}


def _page(
    request: Request,
    code: str,
    uow: Any,
    by: Any,
    *,
    year: int | None = None,
    month: str | None = None,
    level: str = "carrier",
    done: str = "",
    problems: list[PackProblem] | None = None,
    error: str = "",
    status_code: int = 200,
) -> Response:
    county = registries.county(uow, by, code)
    b = service.breakdown_of(uow, county.code, by=by, year=year, month=month, level=level)
    gettext = gettext_for(request.state.locale)
    ctx = {
        "b": b,
        "pack_defaults": defaults_file(b.rules.source, "packaging.toml"),
        "columns": COLUMNS,
        "levels": LEVEL_LABELS,
        "STATUS_LABELS": STATUS_LABELS,
        "may_import": allowed(by, Action.IMPORT, Resource.PACKAGING, Where(county.code)),
        "done": gettext(DONE[done]) if done in DONE else "",
        "problems": problems or [],
        "error": error[:300],
    }
    return render(request, "packaging.html", ctx, county=county, active="supervision",
                  status_code=status_code)  # fmt: skip


@router.get("/counties/{code}/packaging")
def packaging_page(
    code: str,
    request: Request,
    uow: UowDep,
    by: PrincipalDep,
    year: Annotated[int | None, Query(ge=2000, le=2099)] = None,
    month: Annotated[str | None, Query(pattern=r"^\d{4}-\d{2}$")] = None,
    level: Annotated[Literal["carrier", "outlet", "month"], Query(alias="by")] = "carrier",
    done: str = "",
) -> Response:
    """The indicators against their targets, broken down, and the upload form."""
    return _page(request, code, uow, by, year=year, month=month, level=level, done=done)


@router.post("/counties/{code}/packaging/import", dependencies=[CsrfDep])
async def post_packaging_import(
    code: str, request: Request, uow: UowDep, by: PrincipalDep, file: UploadFile
) -> Response:
    """Store an uploaded report file whole, or show every refused row (nothing stored);
    the page's form is the regulator's (a carrier's key uploads through the API)."""
    require(by, Action.IMPORT, Resource.PACKAGING, Where(county_code6(code)))
    data = await file.read(MAX_IMPORT_BYTES + 1)
    name = Path(file.filename or "packaging.xlsx").name
    rows, problems = report_rows(data, name)
    try:
        if problems:
            raise PackInvalid(problems)
        service.import_reports(uow, code, rows, name, by=by)
    except (Forbidden, NotAuthenticated):
        raise
    except PackInvalid as exc:
        return _page(request, code, uow, by, problems=exc.problems, status_code=422)
    except CountyExpressError as exc:
        reason = reason_of(exc, gettext_for(request.state.locale))
        return _page(request, code, uow, by, error=reason, status_code=422)
    return RedirectResponse(f"/counties/{code}/packaging?done=imported", status_code=303)
