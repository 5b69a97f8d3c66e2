"""司机 The driver's screen: today's run of one vehicle, stop by stop, and door deliveries
with proof. Made for a phone: the stops in order, what to drop and pick up, and a form per
parcel still due at a door stop."""

from __future__ import annotations

import datetime as dt
import math
import threading
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from countyexpress.adapters.vault import Vault
from countyexpress.domain.periods import parse_day
from countyexpress.domain.shelves import HandoverPolicy, client_blocked_until
from countyexpress.entrypoints.api.auth import CsrfDep, PrincipalDep
from countyexpress.entrypoints.api.deps import SettingsDep, UowDep
from countyexpress.entrypoints.web.i18n import gettext_for, reason_of
from countyexpress.entrypoints.web.render import render
from countyexpress.errors import N_, InvalidValue, NotFound, TooManyRequests, said
from countyexpress.services import driver_desk, registries, stations
from countyexpress.services.handover_guard import HandoverGuard

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
        run, missing = None, reason_of(exc, gettext_for(request.state.locale))
    ctx: dict[str, Any] = {
        "run": run, "missing": missing, "day": day, "result": result,
        "signer_types": stations.SIGNER_TYPES,
    }  # fmt: skip
    if request.headers.get("HX-Request") and result and run is not None:
        stop = next((s for s in run.stops if s.stop.code == result.get("stop")), None)
        if stop is not None:  # the answer goes into the stop it belongs to
            ctx["s"], ctx["r"] = stop, run.run
            return render(request, "_driver_stop.html", ctx, county=county, status_code=status)
        return render(request, "_driver_run.html", ctx, county=county, status_code=status)
    if run is not None:
        ctx["stop_map"] = _stop_map(run, gettext_for(request.state.locale))
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
    wanted = waybill.strip().upper()
    at_stop = next((s.stop.code for s in run.stops if wanted in s.door_waybills), "")
    try:
        stations.deliver_to_door(
            uow, run.plan.county_code, waybill, run.plan.depot.code, signer_type, signer_name,
            actor=by.id, by=by,
        )  # fmt: skip
        result: dict[str, Any] = {"ok": True, "waybill": wanted, "stop": at_stop}
        status = 200
    except (InvalidValue, NotFound) as exc:
        reason = reason_of(exc, gettext_for(request.state.locale))
        result = {"ok": False, "waybill": waybill.strip(), "reason": reason, "stop": at_stop}
        status = 422
    return _page(request, uow, by, code, the_day, run.plan.plan_id, run.run.vehicle, result,
                 status)  # fmt: skip


REVEALS = HandoverPolicy(client_failures_per_window=30, client_window=dt.timedelta(hours=1))
"""How many phone numbers one driver may reveal: 30 an hour (a day's door stops, with
room to call again), counted whether the reveal was granted or refused."""
_reveals_made = threading.Lock()


def _reveals(request: Request) -> HandoverGuard:
    state = request.app.state
    with _reveals_made:
        if getattr(state, "phone_reveals", None) is None:
            state.phone_reveals = HandoverGuard()
    guard: HandoverGuard = state.phone_reveals
    return guard


@router.post("/counties/{code}/driver/phone", dependencies=[CsrfDep])
def driver_phone(
    code: str,
    request: Request,
    uow: UowDep,
    by: PrincipalDep,
    settings: SettingsDep,
    waybill: Annotated[str, Form()] = "",
    day: Annotated[str, Form()] = "",
    plan: Annotated[str, Form()] = "",
    vehicle: Annotated[str, Form()] = "",
) -> Response:
    """Tap to reveal: the receiver's full phone of a parcel due at a door of the driver's run,
    only to a driver of the county (403 to anyone else, before any look-up), audited, at
    most `REVEALS` an hour; a parcel not due at the run's doors, real or not, is one answer."""
    guard, now = _reveals(request), dt.datetime.now(dt.UTC)
    gettext = gettext_for(request.state.locale)
    blocked = client_blocked_until(guard.client_failures(by.id, now), now, REVEALS)
    if blocked is not None:
        wait = max(1, math.ceil((blocked - now).total_seconds()))
        exc = said(
            TooManyRequests,
            N_("too many phone numbers shown: try again in %(minutes)s min"),
            minutes=max(1, math.ceil(wait / 60)),
        )
        ctx = {"waybill": waybill.strip().upper(), "reason": reason_of(exc, gettext)}
        response = render(request, "_driver_phone.html", ctx, status_code=429)
        response.headers["Retry-After"] = str(wait)
        return response
    guard.failed(by.id, "", now)  # every reveal counts, granted or not
    wanted = waybill.strip().upper()
    try:
        phone = driver_desk.reveal_phone(
            uow, Vault(settings.data_key_bytes()), by, code, _day(day), plan or None,
            vehicle or None, wanted,
        )  # fmt: skip
    except NotFound as exc:  # said in place of the number (200, so htmx swaps it in)
        ctx = {"waybill": wanted, "reason": reason_of(exc, gettext)}
        return render(request, "_driver_phone.html", ctx)
    return render(request, "_driver_phone.html", {"waybill": wanted, "phone": phone})


def _stop_map(run: driver_desk.DriverRun, gettext: Any) -> dict[str, Any] | None:
    """The run's stops in order for `static/map.js` (no tiles): each stop a point named by
    its number, the run a line; None when no stop has a location."""
    located = [s.stop for s in run.stops if s.stop.location is not None]
    if not located:
        return None
    points = [[s.location.lat, s.location.lon] for s in located if s.location]
    return {
        "divisions": [],
        "facilities": [
            {"name": f"{s.sequence} · {s.name}", "kind": s.kind, "quality": "stop",
             "lat": s.location.lat, "lon": s.location.lon}
            for s in located if s.location
        ],
        "kind_colours": {},
        "routes": {"runs": [{
            "points": points, "colour": "#1d5fa6", "vehicle": run.run.label,
            "stops": len(located), "km": round(run.run.distance_km, 1),
        }]},
        "labels": {
            "routes": gettext("Stop order"), "townships": gettext("Townships"),
            "villages": gettext("Villages and communities"), "facilities": gettext("Stops"),
            "kinds": {}, "qualities": {"stop": gettext("Stop")},
        },
    }  # fmt: skip
