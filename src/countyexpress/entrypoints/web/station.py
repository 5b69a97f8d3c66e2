"""站点 The station screen, phone first: scan in, hand over against code + phone tail.

A keyboard-wedge barcode scanner types the waybill number and Enter into the focused scan
box; htmx posts it and swaps in the answer, and the box is cleared and focused again. Without
JavaScript the same forms post and the whole page comes back.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from countyexpress.adapters.vault import Vault
from countyexpress.domain.shelves import HandoverOutcome
from countyexpress.entrypoints.api.auth import CsrfDep, PrincipalDep
from countyexpress.entrypoints.api.deps import SettingsDep, UowDep
from countyexpress.entrypoints.web.render import render
from countyexpress.errors import Forbidden, InvalidValue, NotAllowed, NotFound
from countyexpress.services import registries, station_desk, stations

router = APIRouter(include_in_schema=False)


@router.get("/station")
def my_station(by: PrincipalDep) -> Response:
    """A station keeper's own station screen."""
    if not (by.station and by.county):
        raise Forbidden("only a station keeper has a station of their own")
    return RedirectResponse(f"/counties/{by.county}/stations/{by.station}", status_code=303)


def _page(
    request: Request, uow: Any, by: Any, code: str, facility: str, result: dict[str, Any]
) -> Response:
    desk = station_desk.desk(uow, by, code, facility)
    if request.headers.get("HX-Request") and result:
        response = render(request, "_station_result.html", {"result": result})
        response.headers["HX-Trigger"] = "shelf-changed"
        return response
    county = registries.county(uow, by, code)
    status = 422 if result and not result.get("ok") else 200
    return render(
        request, "station.html", {"desk": desk, "result": result},
        county=county, active="station", status_code=status,
    )  # fmt: skip


@router.get("/counties/{code}/stations/{facility}")
def station_page(
    code: str, facility: str, request: Request, uow: UowDep, by: PrincipalDep
) -> Response:
    """The station screen: scan box, hand-over, today's shelf."""
    return _page(request, uow, by, code, facility, {})


@router.get("/counties/{code}/stations/{facility}/shelf")
def station_shelf(
    code: str, facility: str, request: Request, uow: UowDep, by: PrincipalDep
) -> Response:
    """The waiting parcels alone, for the screen to refresh after each scan."""
    desk = station_desk.desk(uow, by, code, facility)
    return render(request, "_station_shelf.html", {"desk": desk})


@router.post("/counties/{code}/stations/{facility}/inbound", dependencies=[CsrfDep])
def station_scan_in(
    code: str,
    facility: str,
    request: Request,
    uow: UowDep,
    by: PrincipalDep,
    settings: SettingsDep,
    waybill: Annotated[str, Form()] = "",
) -> Response:
    """入库: one scanned waybill onto a shelf, with its pickup code."""
    vault = Vault(settings.data_key_bytes())
    try:
        stored = stations.station_inbound(uow, vault, code, facility, waybill, actor=by.id, by=by)
        result: dict[str, Any] = {
            "ok": True, "kind": "inbound", "waybill": stored.waybill_no,
            "shelf": stored.place, "pickup_code": stored.pickup_code,
        }  # fmt: skip
    except (NotAllowed, InvalidValue, NotFound) as exc:
        result = {"ok": False, "kind": "inbound", "waybill": waybill.strip(), "reason": str(exc)}
    return _page(request, uow, by, code, facility, result)


@router.post("/counties/{code}/stations/{facility}/handover", dependencies=[CsrfDep])
def station_hand_over(
    code: str,
    facility: str,
    request: Request,
    uow: UowDep,
    by: PrincipalDep,
    settings: SettingsDep,
    pickup: Annotated[str, Form()] = "",
    tail: Annotated[str, Form()] = "",
) -> Response:
    """取件: the receiver gives the pickup code and the phone's last four digits."""
    vault = Vault(settings.data_key_bytes())
    try:
        done = stations.hand_over(uow, vault, code, facility, pickup, tail, actor=by.id, by=by)
        result: dict[str, Any] = {
            "ok": done.outcome is HandoverOutcome.OK, "kind": "handover",
            "outcome": done.outcome.value, "waybill": done.waybill_no, "reason": done.message,
        }  # fmt: skip
    except (NotAllowed, InvalidValue, NotFound) as exc:
        result = {"ok": False, "kind": "handover", "outcome": "refused", "reason": str(exc)}
    return _page(request, uow, by, code, facility, result)
