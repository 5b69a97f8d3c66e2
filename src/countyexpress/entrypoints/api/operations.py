"""/api/v1 operations: carriers' manifests, the centre, stations, lockers, consent, lookup."""

from __future__ import annotations

import math
import tempfile
from dataclasses import asdict
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse
from pydantic import BaseModel, Field

from countyexpress.adapters.exports import write_statement_xlsx
from countyexpress.adapters.vault import Vault
from countyexpress.adapters.waybill_patterns import builtin_patterns
from countyexpress.domain.delivery import DeliveryChoice
from countyexpress.domain.lockers import Size
from countyexpress.domain.periods import parse_month
from countyexpress.entrypoints.api.auth import PrincipalDep
from countyexpress.entrypoints.api.deps import SettingsDep, UowDep
from countyexpress.entrypoints.api.guards import RedactedValidationRoute, ScannerDep
from countyexpress.entrypoints.api.handovers import REFUSED, client_of, too_many
from countyexpress.entrypoints.api.throttle import SlidingWindow
from countyexpress.errors import Forbidden, InvalidValue, TooManyRequests
from countyexpress.services import centre, centre_desk, privacy, stations

router = APIRouter(prefix="/api/v1", tags=["operations"], route_class=RedactedValidationRoute)


def _vault(settings: Any) -> Vault:
    return Vault(settings.data_key_bytes())


class ManifestIn(BaseModel):
    county: str
    carrier: str | None = Field(None, description="Implied by a carrier's API key")
    manifest_id: str = ""
    items: list[dict[str, Any]]


@router.post("/manifests")
def post_manifest(
    body: ManifestIn, uow: UowDep, by: ScannerDep, settings: SettingsDep
) -> dict[str, Any]:
    """A carrier's manifest, all or nothing: `rejected` names each bad item (1-based)."""
    carrier = by.carrier or (body.carrier or "").lower()
    if not carrier:
        raise InvalidValue("carrier", "carrier is missing")
    if by.carrier and body.carrier and body.carrier.lower() != by.carrier:
        raise Forbidden(f"this key sends manifests of {by.carrier} only")
    result = centre.add_manifest(
        uow,
        _vault(settings),
        body.county,
        carrier,
        list(enumerate(body.items, start=1)),
        body.manifest_id,
        by=by,
    )
    return asdict(result)


class WaybillsIn(BaseModel):
    county: str
    waybills: list[str]


@router.post("/centre/{centre_code}/inbound")
def post_centre_inbound(
    centre_code: str, body: WaybillsIn, uow: UowDep, by: ScannerDep
) -> list[dict[str, Any]]:
    """到件 + 分拣 at the centre: each parcel's route bag, or why it waits (`outcome`:
    sorted, outbound, queued); 422 "invalid waybill number" for a number that cannot be
    one (nothing recorded)."""
    results = centre.centre_inbound_many(
        uow, body.county, [(w, None) for w in body.waybills], centre_code, by.name, by=by,
        patterns=builtin_patterns(),
    )  # fmt: skip
    return [asdict(r) for r in results]


@router.get("/counties/{code}/centre/{centre_code}/queue")
def get_centre_queue(
    code: str, centre_code: str, uow: UowDep, by: ScannerDep
) -> list[dict[str, Any]]:
    """The centre's manual queue: parcels on no manifest (`on_manifest` false), then
    addresses that did not resolve (masked); each parcel once."""
    return [asdict(q) for q in centre_desk.manual_queue(uow, code, centre_code, by=by)]


class DispatchIn(BaseModel):
    county: str
    route_bag: str
    vehicle: str
    driver: str | None = None  # a staff number; the vehicle's courier is checked anyway


@router.post("/centre/{centre_code}/dispatch")
def post_dispatch(
    centre_code: str, body: DispatchIn, uow: UowDep, by: ScannerDep
) -> dict[str, Any]:
    """派件: the sorted parcels of a route bag leave on a vehicle of the county's registry
    (unified number, plate or routing code; 422 naming `vehicle` otherwise)."""
    vehicle = centre.registered_vehicle(uow, body.county, body.vehicle)
    sent = centre.dispatch(
        uow,
        body.county,
        body.route_bag,
        vehicle.unified_no,
        centre_code,
        by.name,
        by=by,
        driver=body.driver,
    )
    return {"route_bag": body.route_bag, "vehicle": vehicle.unified_no, "name": vehicle.name,
            "waybills": sent}  # fmt: skip


@router.get("/counties/{code}/centre/{centre_code}/runs")
def get_centre_runs(
    code: str, centre_code: str, uow: UowDep, by: ScannerDep
) -> list[dict[str, Any]]:
    """Today's planned runs (the county's day), each with its vehicle's one name and its bags
    in stop order: how many parcels the plan carries to each, how many sorted ones wait."""
    return [
        asdict(r) | {"planned": r.planned, "ready": r.ready}
        for r in centre.todays_runs(uow, code, centre_code, by=by)
    ]


class RunDispatchIn(BaseModel):
    county: str
    plan_id: str
    vehicle: str = Field(description="The run's vehicle as the plan names it (`vehicle`)")


@router.post("/centre/{centre_code}/runs/dispatch")
def post_run_dispatch(
    centre_code: str, body: RunDispatchIn, uow: UowDep, by: ScannerDep
) -> dict[str, Any]:
    """发车: every sorted bag of a planned run leaves on the run's vehicle with one call; 409
    when the staff gate refuses its courier, 422 (`route_bag`) when nothing sorted waits."""
    sent = centre.dispatch_run(
        uow, body.county, body.plan_id, body.vehicle, centre_code, by.name, by=by
    )
    return {"plan_id": body.plan_id, "vehicle": body.vehicle, "bags": sent,
            "n": sum(map(len, sent.values()))}  # fmt: skip


@router.post("/stations/{facility}/inbound")
def post_station_inbound(
    facility: str, body: WaybillsIn, uow: UowDep, by: ScannerDep, settings: SettingsDep
) -> dict[str, Any]:
    """入库: shelf and pickup code per parcel; refusals say what to do instead."""
    result = stations.station_inbound_many(
        uow,
        _vault(settings),
        body.county,
        facility,
        [(w, None) for w in body.waybills],
        by.name,
        by=by,
    )
    return {
        "stored": [asdict(s) for s in result.stored],
        "refused": [{"waybill_no": w, "reason": r} for w, r in result.refused],
    }


class HandoverIn(BaseModel):
    county: str
    pickup_code: str
    phone_tail: str = Field(min_length=4, max_length=4)


@router.post("/stations/{facility}/handover")
def post_handover(
    facility: str,
    body: HandoverIn,
    request: Request,
    uow: UowDep,
    by: ScannerDep,
    settings: SettingsDep,
) -> dict[str, Any]:
    """取件 against the pickup code and the receiver phone's last four digits; 429 with
    Retry-After once this client failed too often (see docs/operations.md)."""
    h = stations.hand_over(
        uow,
        _vault(settings),
        body.county,
        facility,
        body.pickup_code,
        body.phone_tail,
        by.name,
        by=by,
        client=client_of(request, by),
    )
    if h.outcome in REFUSED:
        raise too_many(h)
    return asdict(h)


class LockerIn(BaseModel):
    county: str
    waybill_no: str
    size: Size | None = None


@router.post("/lockers/{locker}/deposit")
def post_locker_deposit(
    locker: str, body: LockerIn, uow: UowDep, by: ScannerDep, settings: SettingsDep
) -> dict[str, Any]:
    """投柜 into the smallest fitting free compartment (the receiver's consent needed)."""
    s = stations.locker_deposit(
        uow, _vault(settings), body.county, locker, body.waybill_no, body.size, by.name, by=by
    )
    return {"waybill_no": s.waybill_no, "compartment": s.place}


class ConsentIn(BaseModel):
    county: str
    phone: str
    choice: DeliveryChoice
    language: str | None = Field(
        None, description="The language of the receiver's SMS: zh_CN (default), ug or en"
    )


@router.post("/consents")
def post_consent(
    body: ConsentIn, uow: UowDep, by: ScannerDep, settings: SettingsDep
) -> dict[str, str]:
    """Record a receiver's choice of door, station or locker delivery, and the language of
    the SMS they are sent (`language`: zh_CN, ug or en; kept until changed)."""
    centre.record_consent(
        uow, _vault(settings), body.county, body.phone, body.choice, source=by.name, by=by,
        language=body.language,
    )  # fmt: skip
    return {"choice": body.choice.value, "language": body.language or "zh_CN"}


@router.get("/counties/{code}/statements/{carrier}/{month}.xlsx")
def get_statement(
    code: str, carrier: str, month: str, uow: UowDep, by: PrincipalDep
) -> FileResponse:
    """A carrier's monthly statement of per-parcel fees (YYYY-MM, the county's month, years
    2000 to 2099) as xlsx."""
    year, mon = parse_month(month)
    statement = centre.monthly_statement(uow, code, carrier.lower(), year, mon, by=by)
    name = f"statement-{statement.county_code}-{statement.carrier}-{year}-{mon:02d}.xlsx"
    path = Path(tempfile.mkdtemp()) / name
    write_statement_xlsx(statement, path)
    return FileResponse(
        path,
        filename=path.name,
        media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


class LookupIn(BaseModel):
    waybill_no: str
    phone_tail: Annotated[str, Field(min_length=4, max_length=4)]


@router.get("/counties/{code}/parcels/{waybill_no}/receiver")
def get_receiver(
    code: str, waybill_no: str, uow: UowDep, by: PrincipalDep, settings: SettingsDep
) -> dict[str, str]:
    """The unmasked receiver, for the roles that deliver; each read goes to the audit log."""
    return asdict(privacy.reveal_receiver(uow, _vault(settings), code, waybill_no, by))


@router.post("/parcels/lookup")
def post_lookup(
    body: LookupIn, request: Request, uow: UowDep, settings: SettingsDep
) -> dict[str, Any]:
    """包裹查询 for anyone: waybill number + the receiver phone's last four digits; masked."""
    client = request.client.host if request.client else "unknown"
    lookups: SlidingWindow = request.app.state.lookups
    if not lookups.hit(client):
        wait = lookups.retry_after(client)
        raise TooManyRequests(
            f"too many look-ups from this address: try again in {math.ceil(wait / 60)} min",
            wait,
        )
    found = privacy.public_lookup(uow, _vault(settings), body.waybill_no, body.phone_tail)
    data = asdict(found)
    data["steps"] = [s._asdict() for s in found.steps]  # times all +08:00 (county time)
    return data
