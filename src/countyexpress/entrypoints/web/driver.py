"""司机 The driver's screen: today's run of one vehicle, stop by stop, and door deliveries
with proof. Made for a phone: the stops in order, what to drop and pick up, and a form per
parcel still due at a door stop."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from countyexpress.domain.periods import parse_day
from countyexpress.entrypoints.api.auth import CsrfDep, PrincipalDep
from countyexpress.entrypoints.api.deps import UowDep
from countyexpress.entrypoints.web.render import render
from countyexpress.errors import InvalidValue, NotFound
from countyexpress.services import driver_desk, registries, stations

router = APIRouter(include_in_schema=False)
BEIJING = dt.timezone(dt.timedelta(hours=8))


def _day(text: str | None) -> dt.date:
    if not text:
        return dt.datetime.now(BEIJING).date()
    return parse_day(text, "day")  # years 2000 to 2099


def _page(
    request: Request, uow: Any, by: Any, code: str, day: dt.date, plan: str | None,
    vehicle: str | None, result: dict[str, Any], status: int = 200,
) -> Response:  # fmt: skip
    county = registries.county(uow, by, code)
    try:
        run = driver_desk.driver_run(uow, by, county.code, day, plan, vehicle)
        missing = ""
    except NotFound as exc:
        run, missing = None, str(exc)
    ctx = {
        "run": run, "missing": missing, "day": day, "result": result,
        "signer_types": stations.SIGNER_TYPES,
    }  # fmt: skip
    if request.headers.get("HX-Request") and result:
        return render(request, "_driver_run.html", ctx, county=county, status_code=status)
    return render(request, "driver.html", ctx, county=county, active="driver", status_code=status)


@router.get("/counties/{code}/driver")
def driver_page(
    code: str,
    request: Request,
    uow: UowDep,
    by: PrincipalDep,
    day: str | None = None,
    plan: str | None = None,
    vehicle: str | None = None,
) -> Response:
    """A vehicle's run of the day's newest plan (or the one asked for)."""
    return _page(request, uow, by, code, _day(day), plan, vehicle, {})


@router.post("/counties/{code}/driver/door", dependencies=[CsrfDep])
def driver_door(
    code: str,
    request: Request,
    uow: UowDep,
    by: PrincipalDep,
    waybill: Annotated[str, Form()] = "",
    signer_type: Annotated[str, Form()] = "",
    signer_name: Annotated[str, Form()] = "",
    day: Annotated[str, Form()] = "",
    plan: Annotated[str, Form()] = "",
    vehicle: Annotated[str, Form()] = "",
) -> Response:
    """送货上门: the parcel handed over at the door, with who signed as proof."""
    the_day = _day(day)
    run = driver_desk.driver_run(uow, by, code, the_day, plan or None, vehicle or None)
    try:
        stations.deliver_to_door(
            uow, run.plan.county_code, waybill, run.plan.depot.code, signer_type, signer_name,
            actor=by.id, by=by,
        )  # fmt: skip
        result: dict[str, Any] = {"ok": True, "waybill": waybill.strip().upper()}
        status = 200
    except (InvalidValue, NotFound) as exc:
        result = {"ok": False, "waybill": waybill.strip(), "reason": str(exc)}
        status = 422
    return _page(request, uow, by, code, the_day, run.plan.plan_id, run.run.vehicle, result,
                 status)  # fmt: skip
