"""站点 The station screen, phone first: scan in, hand over against code + phone tail.

A keyboard-wedge barcode scanner types the waybill number and Enter into the focused scan
box; htmx posts it and swaps in the answer, and the box is cleared and focused again. Without
JavaScript the same forms post and the whole page comes back.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from countyexpress.adapters.vault import Vault
from countyexpress.domain.identity import IdType, SenderIdentity
from countyexpress.domain.inspection import ContentCategory, Inspection
from countyexpress.domain.shelves import HandoverOutcome
from countyexpress.entrypoints.api.auth import CsrfDep, PrincipalDep
from countyexpress.entrypoints.api.deps import SettingsDep, UowDep
from countyexpress.entrypoints.api.handovers import REFUSED, client_of, too_many
from countyexpress.entrypoints.web import station_offline
from countyexpress.entrypoints.web.i18n import gettext_for, reason_of
from countyexpress.entrypoints.web.render import render
from countyexpress.errors import Forbidden, InvalidValue, NotAllowed, NotFound
from countyexpress.services import intake, registries, station_desk, stations

router = APIRouter(include_in_schema=False)
router.include_router(station_offline.router)  # the station app without a signal


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
    ctx = {
        "desk": desk, "result": result, "carriers": county.carriers,
        "id_types": [t.value for t in IdType], "categories": [c.value for c in ContentCategory],
    }  # fmt: skip
    return render(
        request, "station.html", ctx,
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
            "print": f"/counties/{code}/stations/{facility}/labels/{stored.waybill_no}.pdf",
        }  # fmt: skip
    except (NotAllowed, InvalidValue, NotFound) as exc:
        reason = reason_of(exc, gettext_for(request.state.locale))
        result = {"ok": False, "kind": "inbound", "waybill": waybill.strip(), "reason": reason}
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
    client = client_of(request, by)
    try:
        done = stations.hand_over(
            uow, vault, code, facility, pickup, tail, actor=by.id, by=by, client=client
        )
        result: dict[str, Any] = {
            "ok": done.outcome is HandoverOutcome.OK, "kind": "handover",
            "outcome": done.outcome.value, "waybill": done.waybill_no, "reason": done.message,
        }  # fmt: skip
        if done.outcome in REFUSED:  # said in the reader's language, with the wait
            result["reason"] = reason_of(too_many(done), gettext_for(request.state.locale))
            result["shown"] = True
            response = _page(request, uow, by, code, facility, result)
            if not request.headers.get("HX-Request"):
                response.status_code = 429
            response.headers["Retry-After"] = str(done.retry_after_s)
            return response
    except (NotAllowed, InvalidValue, NotFound) as exc:
        reason = reason_of(exc, gettext_for(request.state.locale))
        result = {"ok": False, "kind": "handover", "outcome": "refused", "reason": reason}
    return _page(request, uow, by, code, facility, result)


@router.post("/counties/{code}/stations/{facility}/intake", dependencies=[CsrfDep])
def station_intake(
    code: str,
    facility: str,
    request: Request,
    uow: UowDep,
    by: PrincipalDep,
    settings: SettingsDep,
    waybill: Annotated[str, Form()] = "",
    carrier: Annotated[str, Form()] = "",
    id_type: Annotated[str, Form()] = IdType.RESIDENT_ID.value,
    id_number: Annotated[str, Form()] = "",
    name: Annotated[str, Form()] = "",
    category: Annotated[str, Form()] = "",
    description: Annotated[str, Form()] = "",
    refuses_inspection: Annotated[bool, Form()] = False,
) -> Response:
    """收寄: an outbound parcel taken in after the real-name check and inspection.

    The answer shows the sender's name and ID number masked; the full values are kept only
    encrypted, by the intake service.
    """
    station_desk.check_desk(uow, by, code, facility)  # refused before the form is read
    vault = Vault(settings.data_key_bytes())
    now = dt.datetime.now(dt.UTC)
    try:
        identity = SenderIdentity(IdType(id_type), id_number, name, now.date())
        inspection = Inspection(ContentCategory(category), description, by.name, refuses_inspection)
        receipt = intake.take_in(
            uow, vault, code, facility, carrier, waybill, identity, inspection,
            actor=by.id, at=now, by=by,
        )  # fmt: skip
        result: dict[str, Any] = {
            "ok": True, "kind": "intake", "waybill": receipt.waybill_no,
            "carrier": receipt.carrier, "sender": receipt.sender_name_masked,
            "id_masked": receipt.id_number_masked, "screening": receipt.screening.facility,
            "screening_reason": receipt.screening.reason,
            "print": f"/counties/{code}/stations/{facility}/receipts/{receipt.waybill_no}.pdf",
        }  # fmt: skip
    except (InvalidValue, NotAllowed, NotFound, ValueError) as exc:
        field = getattr(exc, "field", "")
        reason = getattr(exc, "reason", None) or "check the document type and category"
        result = {"ok": False, "kind": "intake", "field": field, "reason": reason}
    return _page(request, uow, by, code, facility, result)
