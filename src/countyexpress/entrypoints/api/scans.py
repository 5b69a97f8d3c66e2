"""/api/v1/scans and /api/v1/parcels: the ledger over HTTP."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from fastapi import APIRouter, Body, HTTPException
from pydantic import BaseModel

from countyexpress.adapters.vault import Vault
from countyexpress.entrypoints.api.auth import PrincipalDep
from countyexpress.entrypoints.api.deps import SettingsDep, UowDep
from countyexpress.entrypoints.api.guards import RedactedValidationRoute
from countyexpress.entrypoints.presenters import parcel_json
from countyexpress.services import scans as service

router = APIRouter(prefix="/api/v1", tags=["scans"], route_class=RedactedValidationRoute)


class RejectionPublic(BaseModel):
    line: int
    reason: str


class IngestPublic(BaseModel):
    accepted: int
    duplicates: int
    rejected: list[RejectionPublic]


@router.post(
    "/scans",
    response_model=IngestPublic,
    responses={413: {"description": f"More than {service.MAX_BATCH} events in one request"}},
)
def post_scans(
    uow: UowDep,
    by: PrincipalDep,
    settings: SettingsDep,
    events: list[dict[str, Any]] = Body(  # noqa: B008
        ..., description=f"Scan events, at most {service.MAX_BATCH}; `line` counts from 1"
    ),
    county: str | None = None,
) -> IngestPublic:
    """Append a batch of scan events (idempotent by event id); events the caller may not
    scan, and times outside the county's window around now, are refused line by line.
    Phone and ID numbers in `actor` and `payload` are masked, personal payload fields
    (phone, id_number, name, address…) kept encrypted apart from the ledger."""
    if len(events) > service.MAX_BATCH:
        raise HTTPException(
            413, f"at most {service.MAX_BATCH} events in one request: send the rest in another"
        )
    cipher = Vault(settings.data_key_bytes())
    result = service.ingest(uow, list(enumerate(events, start=1)), county, by=by, cipher=cipher)
    return IngestPublic(**asdict(result))


@router.get("/parcels/{waybill_no}")
def get_parcel(
    waybill_no: str, uow: UowDep, by: PrincipalDep, county: str | None = None
) -> dict[str, Any]:
    """A parcel's state, place and history, derived from its scan events."""
    return parcel_json(service.parcel_status(uow, waybill_no, county, by=by))
