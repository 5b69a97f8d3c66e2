"""The 车辆 vehicles page (issue 14, task 18): the county's vehicle registry — kind, capacity,
new energy, marking and unified number, insurance (lapsed ones highlighted), the courier by
staff number, the priority-passage permit — its three indicators, the imports so far, and
the upload of a new list, refused whole with every bad row shown (nothing stored then)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter, Request, UploadFile
from fastapi.responses import RedirectResponse, Response

from countyexpress.adapters.packs.vehicles import REGISTRY_COLUMNS
from countyexpress.domain.access import Action, Resource, Where, allowed
from countyexpress.domain.county_time import COUNTY_ZONE, county_today
from countyexpress.domain.vehicle_indicators import VehicleSnapshot, measure
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
from countyexpress.services import registries
from countyexpress.services import vehicles as service

router = APIRouter(include_in_schema=False)

KIND_LABELS = {
    "van": N_("van"),
    "refrigerated_van": N_("refrigerated van"),
    "etricycle": N_("electric tricycle"),
}
DONE = {"imported": N_("Vehicle list imported: the registry is now this list.")}


def _page(
    request: Request,
    code: str,
    uow: Any,
    by: Any,
    *,
    done: str = "",
    problems: list[PackProblem] | None = None,
    error: str = "",
    status_code: int = 200,
) -> Response:
    county = registries.county(uow, by, code)
    today = county_today()
    fleet = service.list_fleet(uow, county.code, by=by)
    may_import = allowed(by, Action.IMPORT, Resource.VEHICLE, Where(county.code))
    gettext = gettext_for(request.state.locale)
    ctx = {
        "vehicles": fleet,
        "today": today,
        "shares": measure(county, VehicleSnapshot(today, fleet)),
        "imports": [
            {**i, "at": _local(i["at"])} for i in service.imports(uow, county.code, by=by)[:5]
        ],
        "rules": service.rules(uow, county.code),
        "columns": REGISTRY_COLUMNS,
        "KIND_LABELS": KIND_LABELS,
        "may_import": may_import,
        "done": gettext(DONE[done]) if done in DONE else "",
        "problems": problems or [],
        "error": error[:300],
    }
    return render(request, "vehicles.html", ctx, county=county, active="vehicles",
                  status_code=status_code)  # fmt: skip


def _local(at: dt.datetime) -> dt.datetime:
    """A stored UTC moment in the county's time."""
    return (at if at.tzinfo else at.replace(tzinfo=dt.UTC)).astimezone(COUNTY_ZONE)


@router.get("/counties/{code}/vehicles")
def vehicles_page(
    code: str, request: Request, uow: UowDep, by: PrincipalDep, done: str = ""
) -> Response:
    """The registry, its indicators and (for the regulator) the upload form."""
    return _page(request, code, uow, by, done=done)


@router.post("/counties/{code}/vehicles/import", dependencies=[CsrfDep])
async def post_vehicles_import(
    code: str, request: Request, uow: UowDep, by: PrincipalDep, file: UploadFile
) -> Response:
    """Replace the registry with the uploaded list, or show every refused row (nothing
    stored)."""
    data = await file.read(service.MAX_UPLOAD_BYTES + 1)
    name = file.filename or "vehicles.csv"
    try:
        service.import_upload(uow, code, name, data, service.rules(uow, code), by=by)
    except (Forbidden, NotAuthenticated):
        raise
    except PackInvalid as exc:
        return _page(request, code, uow, by, problems=exc.problems, status_code=422)
    except CountyExpressError as exc:
        reason = reason_of(exc, gettext_for(request.state.locale))
        return _page(request, code, uow, by, error=reason, status_code=422)
    return RedirectResponse(f"/counties/{code}/vehicles?done=imported", status_code=303)
