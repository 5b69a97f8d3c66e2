"""/api/v1/scans and /api/v1/parcels: the ledger over HTTP."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from fastapi import APIRouter, Body
from pydantic import BaseModel

from countyexpress.entrypoints.api.auth import PrincipalDep
from countyexpress.entrypoints.api.deps import UowDep
from countyexpress.entrypoints.presenters import parcel_json
from countyexpress.services import scans as service

router = APIRouter(prefix="/api/v1", tags=["scans"])


class RejectionPublic(BaseModel):
    line: int
    reason: str


class IngestPublic(BaseModel):
    accepted: int
    duplicates: int
    rejected: list[RejectionPublic]


@router.post("/scans", response_model=IngestPublic)
def post_scans(
    uow: UowDep,
    by: PrincipalDep,
    events: list[dict[str, Any]] = Body(..., description="Scan events; `line` counts from 1"),  # noqa: B008
    county: str | None = None,
) -> IngestPublic:
    """Append a batch of scan events (idempotent by event id); events the caller may not
    scan are refused line by line."""
    result = service.ingest(uow, list(enumerate(events, start=1)), county, by=by)
    return IngestPublic(**asdict(result))


@router.get("/parcels/{waybill_no}")
def get_parcel(
    waybill_no: str, uow: UowDep, by: PrincipalDep, county: str | None = None
) -> dict[str, Any]:
    """A parcel's state, place and history, derived from its scan events."""
    return parcel_json(service.parcel_status(uow, waybill_no, county, by=by))
