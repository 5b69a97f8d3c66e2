"""The 从业人员 Staff page (issue 14, tasks 19-20): the county's couriers and handlers with
masked names, their pre-job and periodic training (due day from the pack's interval) and
insurance, and the regulator's import of a staff list — all or nothing, the refused rows
shown by file, line and field."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request, UploadFile
from fastapi.responses import RedirectResponse, Response

from countyexpress.adapters.vault import Vault
from countyexpress.domain.access import Action, Principal, Resource, Where, allowed, require
from countyexpress.domain.county_time import county_today
from countyexpress.domain.geography import county_code6
from countyexpress.domain.staff import Occupation
from countyexpress.entrypoints.api.auth import CsrfDep, PrincipalDep
from countyexpress.entrypoints.api.deps import SettingsDep, UowDep
from countyexpress.entrypoints.web.i18n import N_, gettext_for, reason_of
from countyexpress.entrypoints.web.render import render
from countyexpress.errors import CountyExpressError, Forbidden, NotAuthenticated, PackInvalid
from countyexpress.services import registries
from countyexpress.services import staff as service

router = APIRouter(include_in_schema=False)

OCCUPATION_LABELS = {
    Occupation.COURIER.value: N_("courier (快递员)"),
    Occupation.HANDLER.value: N_("handler (快件处理员)"),
}
TRAINING_LABELS = {
    "untrained": N_("no training recorded"),
    "overdue": N_("overdue"),
    "due": N_("due within a month"),
    "ok": N_("up to date"),
    "unknown": N_("no interval in the pack"),
}
DONE = {"imported": N_("Staff list imported: every row stored.")}


def importer(code: str, by: PrincipalDep) -> Principal:
    """The import form is the regulator's: refused (403) before the file is read."""
    require(by, Action.IMPORT, Resource.STAFF, Where(county_code6(code)))
    return by


ImporterDep = Annotated[Principal, Depends(importer)]


def _render(
    request: Request, uow: Any, by: Principal, settings: Any, code: str, *,
    done: str = "", error: str = "", problems: list[str] | None = None, status: int = 200,
) -> Response:  # fmt: skip
    county = registries.county(uow, by, code)
    today = county_today()
    views = service.views(uow, Vault(settings.data_key_bytes()), county.code, today, by=by)
    gettext = gettext_for(request.state.locale)
    ctx = {
        "today": today,
        "staff": views,
        "months": service.training_months(uow, county.code),
        "columns": [*service.IMPORT_REQUIRED, *service.IMPORT_OPTIONAL],
        "may_import": allowed(by, Action.IMPORT, Resource.STAFF, Where(county.code)),
        "done": gettext(DONE[done]) if done in DONE else "",
        "error": error[:300],
        "problems": problems or [],
        "OCCUPATION_LABELS": OCCUPATION_LABELS,
        "TRAINING_LABELS": TRAINING_LABELS,
    }
    response = render(request, "staff.html", ctx, county=county, active="supervision")
    response.status_code = status
    return response


@router.get("/counties/{code}/staff")
def staff_page(
    code: str, request: Request, uow: UowDep, by: PrincipalDep, settings: SettingsDep,
    done: str = "",
) -> Response:  # fmt: skip
    """The county's staff: masked names, training and insurance with their due days."""
    return _render(request, uow, by, settings, code, done=done)


@router.post("/counties/{code}/staff/import", dependencies=[CsrfDep])
async def post_staff_import(
    code: str, request: Request, uow: UowDep, by: ImporterDep, settings: SettingsDep,
    file: UploadFile,
) -> Response:  # fmt: skip
    """Import a staff list (xlsx or CSV), all or nothing; the refused rows come back named
    by file, line and field (422), and nothing is stored."""
    data = await file.read(service.MAX_UPLOAD_BYTES + 1)
    name = file.filename or "staff.csv"
    vault = Vault(settings.data_key_bytes())
    try:
        service.import_upload(uow, vault, code, name, data, by=by)
    except (Forbidden, NotAuthenticated):
        raise
    except PackInvalid as exc:
        listed = [str(p) for p in exc.problems[:50]]
        return _render(request, uow, by, settings, code, problems=listed, status=422)
    except CountyExpressError as exc:
        reason = reason_of(exc, gettext_for(request.state.locale))
        return _render(request, uow, by, settings, code, error=reason, status=422)
    return RedirectResponse(f"/counties/{county_code6(code)}/staff?done=imported", 303)
