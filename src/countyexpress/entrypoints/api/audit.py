"""/api/v1/counties/{code}/audit: who read which parcel's personal data (PIPL art. 51)."""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, Query
from pydantic import BaseModel

from countyexpress.entrypoints.api.auth import PrincipalDep
from countyexpress.entrypoints.api.deps import UowDep
from countyexpress.services import accounts

router = APIRouter(prefix="/api/v1/counties", tags=["audit"])


class AuditLinePublic(BaseModel):
    """One read of personal data: when, who (id and name), in which role, of what."""

    at: dt.datetime
    principal_id: str
    who: str
    role: str
    action: str
    resource: str
    subject: str


@router.get("/{code}/audit", response_model=list[AuditLinePublic])
def get_audit(
    code: str, uow: UowDep, by: PrincipalDep, limit: int = Query(500, ge=1, le=5000)
) -> list[AuditLinePublic]:
    """The newest reads of the county's personal data, newest first; for its regulator and
    administrators. The subject is a reference (a waybill number), never the data read."""
    return [
        AuditLinePublic(
            at=line.entry.at, principal_id=line.entry.principal_id, who=line.who,
            role=line.entry.role, action=line.entry.action, resource=line.entry.resource,
            subject=line.entry.subject,
        )
        for line in accounts.audit_report(uow, by, code, limit)
    ]  # fmt: skip
