"""/api/v1/counties/{code}/audit and /api/v1/region/audit: who read which parcel's personal
data (PIPL art. 51), in one county, or in every county a prefecture's or the region's
regulator reaches."""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, Query
from pydantic import BaseModel

from countyexpress.entrypoints.api.auth import PrincipalDep
from countyexpress.entrypoints.api.deps import UowDep
from countyexpress.services import accounts, region_overview

router = APIRouter(prefix="/api/v1", tags=["audit"])


class AuditLinePublic(BaseModel):
    """One read of personal data: when, who (id and name), in which role, of what, in which
    county."""

    at: dt.datetime
    principal_id: str
    who: str
    role: str
    action: str
    resource: str
    subject: str
    county: str | None = None


@router.get("/counties/{code}/audit", response_model=list[AuditLinePublic])
def get_audit(
    code: str, uow: UowDep, by: PrincipalDep, limit: int = Query(500, ge=1, le=5000)
) -> list[AuditLinePublic]:
    """The newest reads of the county's personal data, newest first; for its regulator and
    administrators. The subject is a reference (a waybill number), never the data read."""
    return [_public(line) for line in accounts.audit_report(uow, by, code, limit)]


@router.get("/region/audit", response_model=list[AuditLinePublic])
def get_region_audit(
    uow: UowDep,
    by: PrincipalDep,
    prefecture: str | None = None,
    limit: int = Query(500, ge=1, le=5000),
) -> list[AuditLinePublic]:
    """The newest reads of personal data in every county the reader reaches (of
    `prefecture`, when given), newest first, each naming its county: a regulator bound to a
    prefecture (6528) reads its counties', one bound to none and administrators every
    county's; a regulator of one county is refused (403: its county's log is its own)."""
    found = region_overview.audit(uow, by, prefecture or None, limit)
    return [_public(line) for line in found.lines]


def _public(line: accounts.AuditLine) -> AuditLinePublic:
    e = line.entry
    return AuditLinePublic(
        at=e.at, principal_id=e.principal_id, who=line.who, role=e.role, action=e.action,
        resource=e.resource, subject=e.subject, county=e.county,
    )  # fmt: skip
