"""共配中心 The centre screen: inbound against manifests, sort to route bags, dispatch, queue.

The scan box works like the station's: a keyboard-wedge scanner types the waybill and Enter,
the answer (its route bag, or why it went to the manual queue) replaces the last one.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request, UploadFile
from fastapi.responses import RedirectResponse, Response

from countyexpress.adapters.packs.rows import MAX_TABLE_BYTES
from countyexpress.adapters.vault import Vault
from countyexpress.adapters.waybill_patterns import builtin_patterns
from countyexpress.entrypoints.api.auth import CsrfDep, PrincipalDep
from countyexpress.entrypoints.api.deps import SettingsDep, UowDep
from countyexpress.entrypoints.web.i18n import gettext_for, reason_of
from countyexpress.entrypoints.web.render import render
from countyexpress.errors import InvalidValue, NotAllowed, NotFound, PackInvalid, PackProblem
from countyexpress.services import centre, centre_desk, registries

router = APIRouter(include_in_schema=False)


@router.get("/counties/{code}/centre")
def the_centre(code: str, uow: UowDep, by: PrincipalDep) -> Response:
    """The county's co-delivery centre screen."""
    county = registries.county(uow, by, code)
    return RedirectResponse(
        f"/counties/{county.code}/centre/{centre_desk.the_centre(county)}", status_code=303
    )


def _desk(uow: Any, by: Any, code: str, centre_code: str) -> dict[str, Any]:
    """What the panels show: the desk, today's planned runs with their bags, the bags on no
    run, and the registered vehicles to choose from for those."""
    desk = centre_desk.centre_desk(uow, by, code, centre_code)
    runs = centre.todays_runs(uow, desk.county.code, desk.centre_code, by=by)
    on_runs = {b.code for r in runs for b in r.bags}
    loose = [(bag, n) for bag, n in desk.bags if bag not in on_runs]
    fleet = centre.dispatch_vehicles(uow, desk.county.code, desk.centre_code, by=by)
    return {"desk": desk, "runs": runs, "loose": loose, "fleet": fleet}


def _page(
    request: Request,
    uow: Any,
    by: Any,
    code: str,
    centre_code: str,
    result: dict[str, Any],
    problems: Sequence[PackProblem] = (),
) -> Response:
    if request.headers.get("HX-Request") and result:
        response = render(request, "_centre_result.html", {"result": result})
        if result.get("kind") == "run" and not result.get("ok"):
            return response  # next to its run (the form's target); the panels stay as they are
        response.headers["HX-Trigger"] = "centre-changed"
        response.headers["HX-Retarget"] = "#centre-result"
        return response
    panels = _desk(uow, by, code, centre_code)
    refused = result and not result.get("ok") and result.get("outcome") not in ("queued",)
    status = 422 if refused or problems else 200
    return render(
        request, "centre.html", {**panels, "result": result, "problems": problems},
        county=panels["desk"].county, active="centre", status_code=status,
    )  # fmt: skip


@router.get("/counties/{code}/centre/{centre_code}")
def centre_page(
    code: str, centre_code: str, request: Request, uow: UowDep, by: PrincipalDep
) -> Response:
    """Scan in, route bags waiting, dispatch, the manual queue."""
    return _page(request, uow, by, code, centre_code, {})


@router.get("/counties/{code}/centre/{centre_code}/panels")
def centre_panels(
    code: str, centre_code: str, request: Request, uow: UowDep, by: PrincipalDep
) -> Response:
    """The bags and the queue alone, refreshed after each action."""
    return render(request, "_centre_panels.html", _desk(uow, by, code, centre_code))


@router.post("/counties/{code}/centre/{centre_code}/inbound", dependencies=[CsrfDep])
def centre_scan_in(
    code: str,
    centre_code: str,
    request: Request,
    uow: UowDep,
    by: PrincipalDep,
    waybill: Annotated[str, Form()] = "",
) -> Response:
    """到件 and 分拣 of one scanned parcel: its route bag, outbound (the line haul), the
    manual queue, or "invalid waybill number" with the reason (nothing recorded)."""
    try:
        done = centre.centre_inbound(
            uow, code, waybill, centre_code, actor=by.id, by=by, patterns=builtin_patterns()
        )
        result: dict[str, Any] = {
            "ok": done.outcome != "queued", "kind": "inbound", "outcome": done.outcome,
            "waybill": done.waybill_no, "bag": done.route_bag,
            "reason": done.reason_in(gettext_for(request.state.locale)),
            "unmanifested": done.reason.startswith(centre.NOT_ON_MANIFEST),
        }  # fmt: skip
    except (InvalidValue, NotAllowed, NotFound) as exc:
        outcome = "invalid" if isinstance(exc, InvalidValue) else "refused"
        reason = reason_of(exc, gettext_for(request.state.locale))
        result = {"ok": False, "kind": "inbound", "outcome": outcome, "waybill": waybill.strip(),
                  "reason": reason}  # fmt: skip
    return _page(request, uow, by, code, centre_code, result)


@router.post("/counties/{code}/centre/{centre_code}/manifest", dependencies=[CsrfDep])
async def centre_manifest(
    code: str,
    centre_code: str,
    request: Request,
    uow: UowDep,
    by: PrincipalDep,
    settings: SettingsDep,
    file: UploadFile,
    carrier: Annotated[str, Form()] = "",
) -> Response:
    """A carrier's manifest (CSV or XLSX) uploaded at the centre, all or nothing (the CLI's
    `centre manifest` import): the counts, or every refused row by file, line and field."""
    centre_desk.centre_desk(uow, by, code, centre_code)  # the desk's reach, before any change
    data = await file.read(MAX_TABLE_BYTES + 1)
    name = Path(file.filename or "manifest.csv").name
    try:
        done = centre.import_manifest_upload(
            uow, Vault(settings.data_key_bytes()), code, carrier.strip().lower(), name, data, by=by
        )
    except PackInvalid as exc:
        return _page(request, uow, by, code, centre_code, {}, problems=exc.problems)
    except (InvalidValue, NotAllowed, NotFound) as exc:
        reason = reason_of(exc, gettext_for(request.state.locale))
        result: dict[str, Any] = {"ok": False, "kind": "manifest", "reason": reason}
        return _page(request, uow, by, code, centre_code, result)
    result = {"ok": True, "kind": "manifest", "file": name, "accepted": done.accepted,
              "duplicates": done.duplicates, "unresolved": done.unresolved}  # fmt: skip
    return _page(request, uow, by, code, centre_code, result)


@router.post("/counties/{code}/centre/{centre_code}/dispatch", dependencies=[CsrfDep])
def centre_dispatch(
    code: str,
    centre_code: str,
    request: Request,
    uow: UowDep,
    by: PrincipalDep,
    route_bag: Annotated[str, Form()] = "",
    vehicle: Annotated[str, Form()] = "",
) -> Response:
    """派件: a route bag on no planned run leaves on a vehicle chosen from the registry."""
    try:
        chosen = centre.registered_vehicle(uow, code, vehicle)
        sent = centre.dispatch(
            uow, code, route_bag, chosen.unified_no, centre_code, actor=by.id, by=by
        )
        result: dict[str, Any] = {
            "ok": bool(sent), "kind": "dispatch", "bag": route_bag, "n": len(sent),
            "vehicle": chosen.name,
        }  # fmt: skip
    except (InvalidValue, NotAllowed, NotFound) as exc:
        reason = reason_of(exc, gettext_for(request.state.locale))  # the gate reads in Chinese
        result = {"ok": False, "kind": "dispatch", "bag": route_bag, "reason": reason}
    return _page(request, uow, by, code, centre_code, result)


@router.post("/counties/{code}/centre/{centre_code}/runs/dispatch", dependencies=[CsrfDep])
def centre_dispatch_run(
    code: str,
    centre_code: str,
    request: Request,
    uow: UowDep,
    by: PrincipalDep,
    plan: Annotated[str, Form()] = "",
    vehicle: Annotated[str, Form()] = "",
) -> Response:
    """发车: every sorted bag of today's planned run leaves on the run's vehicle; a refusal
    (the staff gate, nothing sorted) is shown next to the run."""
    try:
        sent = centre.dispatch_run(uow, code, plan, vehicle, centre_code, actor=by.id, by=by)
        result: dict[str, Any] = {
            "ok": True, "kind": "run", "run": vehicle, "n": sum(map(len, sent.values())),
            "bags": sum(1 for w in sent.values() if w),
            "vehicle": _run_name(uow, by, code, centre_code, vehicle),
        }  # fmt: skip
    except (InvalidValue, NotAllowed, NotFound) as exc:
        reason = reason_of(exc, gettext_for(request.state.locale))
        result = {"ok": False, "kind": "run", "run": vehicle, "reason": reason}
    return _page(request, uow, by, code, centre_code, result)


def _run_name(uow: Any, by: Any, code: str, centre_code: str, vehicle: str) -> str:
    runs = centre.todays_runs(uow, code, centre_code, by=by)
    return next((r.name for r in runs if r.vehicle == vehicle), vehicle)


@router.post("/counties/{code}/centre/{centre_code}/resolve", dependencies=[CsrfDep])
def centre_resolve(
    code: str,
    centre_code: str,
    request: Request,
    uow: UowDep,
    by: PrincipalDep,
    waybill: Annotated[str, Form()] = "",
    division: Annotated[str, Form()] = "",
) -> Response:
    """A queued address resolved by hand to a village or community."""
    try:
        centre.resolve_manually(uow, code, waybill, division, by=by)
        result: dict[str, Any] = {"ok": True, "kind": "resolve", "waybill": waybill}
    except (InvalidValue, NotAllowed, NotFound) as exc:
        result = {"ok": False, "kind": "resolve", "waybill": waybill, "reason": str(exc)}
    return _page(request, uow, by, code, centre_code, result)


@router.post("/counties/{code}/centre/{centre_code}/priority", dependencies=[CsrfDep])
def centre_priority(
    code: str,
    centre_code: str,
    request: Request,
    uow: UowDep,
    by: PrincipalDep,
    waybill: Annotated[str, Form()] = "",
    clear: Annotated[str, Form()] = "",
) -> Response:
    """应急物资: mark a parcel as emergency supplies — its stop is served first on the day's
    routes — or clear the mark (docs/emergency.md)."""
    centre_desk.centre_desk(uow, by, code, centre_code)  # the desk's reach, before any change
    try:
        done = centre.mark_priority(uow, code, [waybill], priority=not clear, by=by)
        result: dict[str, Any] = {"ok": True, "kind": "priority", "waybill": done[0],
                                  "priority": not clear}  # fmt: skip
    except (InvalidValue, NotAllowed, NotFound) as exc:
        result = {"ok": False, "kind": "priority", "waybill": waybill, "reason": str(exc)}
    return _page(request, uow, by, code, centre_code, result)
