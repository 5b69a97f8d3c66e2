"""/api/v1/counties/{code}/support/…: policy support applications (plan tasks 8, 10, 18).

A carrier's key reads its own applications; regulators and administrators read all and
decide (grant an amount within the programme's rules, or refuse with the reason). The
services check each call."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel, Field

from countyexpress.entrypoints.api.auth import PrincipalDep
from countyexpress.entrypoints.api.deps import RowId, UowDep
from countyexpress.entrypoints.api.guards import RedactedValidationRoute
from countyexpress.entrypoints.api.supervision import Day, RecordPublic, _record
from countyexpress.services import support

router = APIRouter(
    prefix="/api/v1/counties", tags=["supervision"], route_class=RedactedValidationRoute
)


class DecisionCreate(BaseModel):
    """The regulator's decision on an application: `grant` an amount, or `refuse` with the
    reason."""

    grant: int | None = Field(default=None, ge=1, le=10**10 - 1, description="元")
    refuse: str = Field(default="", max_length=500)
    on: Day


@router.get("/{code}/support/applications", response_model=list[RecordPublic])
def get_applications(code: str, uow: UowDep, by: PrincipalDep) -> list[RecordPublic]:
    """The county's support applications with their check facts and decision clock (a
    carrier's key: its own)."""
    return [_record(v) for v in support.applications(uow, code, by=by)]


@router.post("/{code}/support/applications/{record_id}/decision", response_model=RecordPublic)
def post_decision(
    code: str, record_id: RowId, body: DecisionCreate, uow: UowDep, by: PrincipalDep
) -> RecordPublic:
    """Grant (409 above the programme's ceiling, the amount asked, or when the applicant is
    no longer eligible) or refuse with the reason."""
    view = support.decide(uow, code, record_id, body.grant, body.refuse, body.on, by=by)
    return _record(view)
