"""/api/v1/intake: outbound intake (农产品进城), screening and departure over HTTP.

Answers carry only masked ID numbers and names. FastAPI's own 422 answer repeats the
request body (`input`), which would echo the ID number, so this router's routes answer
a malformed request with each error's location and message only.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, Field

from countyexpress.adapters.vault import Vault
from countyexpress.domain.identity import IdType, SenderIdentity
from countyexpress.domain.inspection import Inspection, parse_category
from countyexpress.domain.packaging import BagType, Filler, ParcelPackaging
from countyexpress.entrypoints.api.deps import SettingsDep, UowDep
from countyexpress.entrypoints.api.guards import RedactedValidationRoute, ScannerDep
from countyexpress.entrypoints.presenters_intake import movement_json, receipt_json
from countyexpress.services import intake as service

router = APIRouter(prefix="/api/v1/intake", tags=["intake"], route_class=RedactedValidationRoute)


class PackagingSeen(BaseModel):
    """What the intake desk saw of the parcel's packaging (task 17, docs/packaging.md)."""

    bag_type: BagType
    tape_width_mm: float | None = Field(default=None, gt=0, le=200, description="none: no tape")
    filler: Filler = Filler.NONE
    e_waybill: bool = True
    reboxed: bool = False


class IntakeCreate(BaseModel):
    """A parcel handed in by a sender, with the ID shown and what the inspector saw."""

    county: str
    facility: str
    carrier: str
    waybill_no: str
    id_type: IdType
    id_number: str = Field(repr=False)
    name: str = Field(repr=False)
    category: str
    description: str = ""
    inspected_by: str = ""
    sender_refuses_inspection: bool = False
    actor: str = ""
    at: dt.datetime | None = None
    packaging: PackagingSeen | None = None


class ScreenCreate(BaseModel):
    """A screening at a facility."""

    county: str
    facility: str
    actor: str = ""
    at: dt.datetime | None = None


class DepartCreate(BaseModel):
    """A departure from a facility on a vehicle; `to` names a county facility it moves to."""

    county: str
    facility: str
    vehicle: str
    to: str | None = None
    actor: str = ""
    at: dt.datetime | None = None


class SenderPublic(BaseModel):
    id_type: str
    id_number: str  # masked
    name: str  # masked


class ScreeningPublic(BaseModel):
    facility: str
    in_county: bool
    reason: str


class IntakePublic(BaseModel):
    accepted: bool
    county_code: str
    waybill_no: str
    carrier: str
    facility: str
    sender: SenderPublic
    category: str
    screening: ScreeningPublic
    state: str


class MovementPublic(BaseModel):
    accepted: bool
    county_code: str
    waybill_no: str
    carrier: str
    kind: str
    facility: str
    security_mark: bool
    note: str
    state: str
    place: str


@router.post("", response_model=IntakePublic, status_code=201)
def post_intake(
    body: IntakeCreate, uow: UowDep, settings: SettingsDep, principal: ScannerDep
) -> dict[str, Any]:
    """Take a parcel in after the real-name check and inspection (refusals: 422 + reason)."""
    at = body.at or dt.datetime.now(dt.UTC)
    identity = SenderIdentity(body.id_type, body.id_number, body.name, at.date())
    inspection = Inspection(
        parse_category(body.category), body.description,
        body.inspected_by or body.actor or principal.name,
        body.sender_refuses_inspection,
    )  # fmt: skip
    receipt = service.take_in(
        uow, Vault(settings.data_key_bytes()), body.county, body.facility, body.carrier,
        body.waybill_no, identity, inspection, body.actor or principal.name, at, principal,
        packaging=ParcelPackaging(**body.packaging.model_dump()) if body.packaging else None,
    )  # fmt: skip
    return receipt_json(receipt)


@router.post("/{waybill_no}/screen", response_model=MovementPublic)
def post_screen(
    waybill_no: str, body: ScreenCreate, uow: UowDep, principal: ScannerDep
) -> dict[str, Any]:
    """X-ray screen an outbound parcel at the place the county's rules name; sets the mark."""
    m = service.screen(uow, body.county, body.facility, waybill_no,
                       body.actor or principal.name, body.at, principal)  # fmt: skip
    return movement_json(m)


@router.post("/{waybill_no}/depart", response_model=MovementPublic)
def post_depart(
    waybill_no: str, body: DepartCreate, uow: UowDep, principal: ScannerDep
) -> dict[str, Any]:
    """An outbound parcel leaves a facility, if the screening rule lets it."""
    m = service.depart_outbound(
        uow, body.county, body.facility, waybill_no, body.vehicle,
        body.actor or principal.name, body.at, body.to, principal,
    )  # fmt: skip
    return movement_json(m)
