"""/api/v1/counties/{code}/vehicles: the county's vehicle registry (issue 14, task 18).

Read by the county's regulators, administrators and the centre's operators; a carrier's key
reads its own carrier's vehicles only (another carrier's is as if not registered). The
list is replaced whole by an upload (CSV or XLSX, the pack's columns), all or nothing: a
refusal (422) names each problem by file, line and field and stores nothing.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, UploadFile
from fastapi import Path as PathParam
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from countyexpress.domain.county_time import county_today
from countyexpress.domain.vehicles import RegisteredVehicle
from countyexpress.entrypoints.api.auth import PrincipalDep
from countyexpress.entrypoints.api.deps import UowDep
from countyexpress.entrypoints.api.guards import RedactedValidationRoute
from countyexpress.entrypoints.api.schemas import file_problems
from countyexpress.errors import PackInvalid
from countyexpress.services import vehicles as service

router = APIRouter(
    prefix="/api/v1/counties", tags=["vehicles"], route_class=RedactedValidationRoute
)

VehicleKey = Annotated[
    str, PathParam(max_length=40, description="The unified number (统一编号) or the plate")
]


class VehiclePublic(BaseModel):
    """A registered vehicle: no personal data, its courier by staff number only."""

    unified_no: str
    plate: str
    kind: str
    owner: str
    new_energy: bool
    insured_until: dt.date | None
    insured_today: bool
    marked: bool
    courier_staff_no: str | None
    priority_permit: bool
    capacity_parcels: int | None
    capacity_kg: float | None
    capacity_m3: float | None
    speed_kmh: float | None
    range_km: float | None
    max_hours: float | None


class VehicleImportedPublic(BaseModel):
    """An upload stored: the county's fleet is now its vehicles."""

    county: str
    count: int
    source: str


class VehicleImportPublic(BaseModel):
    """One import of the audit trail: who, when, from what file, how many vehicles."""

    by: str
    at: dt.datetime
    source: str
    count: int


def vehicle_public(v: RegisteredVehicle, today: dt.date) -> VehiclePublic:
    r = v.routing
    return VehiclePublic(
        unified_no=v.unified_no, plate=v.plate, kind=v.kind, owner=v.owner,
        new_energy=v.new_energy, insured_until=v.insured_until,
        insured_today=v.insured_until is not None and v.insured_until >= today,
        marked=v.marked, courier_staff_no=v.courier_staff_no,
        priority_permit=v.priority_permit, capacity_parcels=r.get("capacity_parcels"),
        capacity_kg=r.get("capacity_kg"), capacity_m3=r.get("capacity_m3"),
        speed_kmh=r.get("speed_kmh"), range_km=r.get("range_km"), max_hours=r.get("max_hours"),
    )  # fmt: skip


@router.get("/{code}/vehicles", response_model=list[VehiclePublic])
def get_vehicles(code: str, uow: UowDep, by: PrincipalDep) -> list[VehiclePublic]:
    """The county's registered vehicles by unified number (a carrier's key: its own)."""
    today = county_today()
    return [vehicle_public(v, today) for v in service.list_fleet(uow, code, by=by)]


@router.get("/{code}/vehicles/imports", response_model=list[VehicleImportPublic])
def get_vehicle_imports(code: str, uow: UowDep, by: PrincipalDep) -> list[VehicleImportPublic]:
    """Every replacement of the county's fleet, latest first (county load and imports)."""
    return [VehicleImportPublic.model_validate(i) for i in service.imports(uow, code, by=by)]


@router.get("/{code}/vehicles/{vehicle}", response_model=VehiclePublic)
def get_vehicle(code: str, vehicle: VehicleKey, uow: UowDep, by: PrincipalDep) -> VehiclePublic:
    """One vehicle by unified number or plate."""
    return vehicle_public(service.show_vehicle(uow, code, vehicle, by=by), county_today())


@router.post("/{code}/vehicles/import", response_model=VehicleImportedPublic, status_code=201)
async def post_vehicle_import(
    code: str, file: UploadFile, uow: UowDep, by: PrincipalDep
) -> VehicleImportedPublic | JSONResponse:
    """Replace the county's fleet with a CSV or XLSX list, all or nothing: a number out of
    the pack's format, a number or plate twice, a bad cell refuses the whole file (422,
    each problem by file, line and field)."""
    data = await file.read(service.MAX_UPLOAD_BYTES + 1)
    name = file.filename or "vehicles.csv"
    try:
        count = service.import_upload(uow, code, name, data, service.rules(uow, code), by=by)
    except PackInvalid as exc:
        return file_problems(exc)
    return VehicleImportedPublic(county=code, count=count, source=Path(name).name)
