"""/api/v1/counties/{code}/support/…: policy support applications (plan tasks 8, 10, 18).

A carrier's key reads its own applications; regulators and administrators read all and
decide (grant an amount within the programme's rules, or refuse with the reason). The
services check each call."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel, Field

from countyexpress.domain.supervision.support import Application
from countyexpress.entrypoints.api.auth import PrincipalDep
from countyexpress.entrypoints.api.deps import RowId, UowDep
from countyexpress.entrypoints.api.guards import RedactedValidationRoute
from countyexpress.entrypoints.api.supervision import Day, RecordPublic, _record
from countyexpress.services import support

router = APIRouter(
    prefix="/api/v1/counties", tags=["supervision"], route_class=RedactedValidationRoute
)


class ApplicationCreate(BaseModel):
    """A carrier's application for one of the county's programmes (amounts in 元)."""

    carrier: str = Field(pattern=r"^[a-z]{2,20}$")
    programme: str = Field(pattern=r"^[a-z][a-z0-9_]{0,39}$")
    amount: int = Field(ge=1, le=10**10 - 1)
    investment: int | None = Field(default=None, ge=1, le=10**10 - 1)
    facility: str = Field(default="", pattern=r"^[A-Za-z0-9_-]{0,40}$")
    vehicle: str = Field(default="", max_length=40)
    on: Day


class CheckPublic(BaseModel):
    """What the eligibility check found."""

    programme: str
    task: int
    eligible: bool
    ceiling: int
    passed: list[str]
    reasons: list[str]


class AppliedPublic(BaseModel):
    """The application stored, and its check."""

    check: CheckPublic
    record: RecordPublic


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


@router.post("/{code}/support/applications", response_model=AppliedPublic, status_code=201)
def post_application(
    code: str, body: ApplicationCreate, uow: UowDep, by: PrincipalDep
) -> AppliedPublic:
    """Apply (a carrier's key: for its own carrier only); 409 with every reason when the
    application is not eligible under the county's programme (nothing is stored)."""
    a = Application(body.programme, body.amount, body.investment, body.facility,
                    body.vehicle.strip())  # fmt: skip
    view, e = support.apply(uow, code, body.carrier, a, body.on, by=by)
    found = CheckPublic(
        programme=e.programme.code,
        task=e.programme.task,
        eligible=e.eligible,
        ceiling=e.ceiling,
        passed=list(e.passed),
        reasons=list(e.reasons),
    )
    return AppliedPublic(check=found, record=_record(view))


@router.post("/{code}/support/applications/{record_id}/decision", response_model=RecordPublic)
def post_decision(
    code: str, record_id: RowId, body: DecisionCreate, uow: UowDep, by: PrincipalDep
) -> RecordPublic:
    """Grant (409 above the programme's ceiling, the amount asked, or when the applicant is
    no longer eligible) or refuse with the reason."""
    view = support.decide(uow, code, record_id, body.grant, body.refuse, body.on, by=by)
    return _record(view)
