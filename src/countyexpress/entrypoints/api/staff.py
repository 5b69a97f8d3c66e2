"""/api/v1/counties/{code}/staff: the county's couriers and handlers (issue 14, tasks 19-20).

Read by the county's regulators and administrators; a carrier's key reads its own carrier's
staff only (another carrier's is as if not registered). Names and phones are masked, an ID
number is never answered. A list (CSV or XLSX) is imported all or nothing: a refusal (422,
FileProblems) names each problem by file, line and field and stores nothing.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, UploadFile
from fastapi import Path as PathParam
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from countyexpress.adapters.vault import Vault
from countyexpress.entrypoints.api.auth import PrincipalDep
from countyexpress.entrypoints.api.deps import SettingsDep, UowDep
from countyexpress.entrypoints.api.guards import RedactedValidationRoute
from countyexpress.entrypoints.api.schemas import file_problems
from countyexpress.errors import PackInvalid
from countyexpress.services import staff as service

router = APIRouter(prefix="/api/v1/counties", tags=["staff"], route_class=RedactedValidationRoute)

StaffNo = Annotated[str, PathParam(max_length=32, description="The staff number (工号)")]


class StaffPublic(BaseModel):
    """A staff member as answered: name and phone masked, never the ID number."""

    staff_no: str
    employer: str
    occupation: str = Field(description="4-02-07-08 快递员 or 4-02-07-09 快件处理员")
    level: int | None = Field(description="职业技能等级 5..1; null: not assessed")
    name: str = Field(description="Masked")
    phone: str = Field(description="Masked")
    pre_job_trained_on: dt.date | None
    trained_on: dt.date | None
    training_due: dt.date | None = Field(description="From the pack's staff.training interval")
    training: str = Field(description="untrained, overdue, due (within a month), ok, unknown")
    social_insurance_until: dt.date | None
    injury_insurance_until: dt.date | None
    insured: bool
    account: str | None
    left_on: dt.date | None


class StaffImportedPublic(BaseModel):
    """A list stored: how many members were registered or replaced."""

    county: str
    stored: int


class TrainingIn(BaseModel):
    """A training that happened."""

    on: dt.date
    pre_job: bool = Field(default=False, description="The pre-job training (岗前培训)")


def _vault(settings: Any) -> Vault:
    return Vault(settings.data_key_bytes())


def _public(view: service.StaffView) -> StaffPublic:
    return StaffPublic.model_validate(view.as_dict())


@router.get("/{code}/staff", response_model=list[StaffPublic])
def get_staff(code: str, uow: UowDep, by: PrincipalDep, settings: SettingsDep) -> list[StaffPublic]:
    """The county's staff by staff number, masked (a carrier's key: its own)."""
    return [_public(v) for v in service.views(uow, _vault(settings), code, by=by)]


@router.get("/{code}/staff/{staff_no}", response_model=StaffPublic)
def get_staff_member(
    code: str, staff_no: StaffNo, uow: UowDep, by: PrincipalDep, settings: SettingsDep
) -> StaffPublic:
    """One member, masked, with training and insurance and their due days."""
    return _public(service.view(uow, _vault(settings), code, staff_no, by=by))


@router.post("/{code}/staff/import", response_model=StaffImportedPublic, status_code=201)
async def post_staff_import(
    code: str, file: UploadFile, uow: UowDep, by: PrincipalDep, settings: SettingsDep
) -> StaffImportedPublic | JSONResponse:
    """Register or replace (by staff number) every member of a CSV or XLSX list, or none:
    a refusal (422) names each problem by file, line and field."""
    data = await file.read(service.MAX_UPLOAD_BYTES + 1)
    name = file.filename or "staff.csv"
    try:
        stored = service.import_upload(uow, _vault(settings), code, name, data, by=by)
    except PackInvalid as exc:
        return file_problems(exc)
    return StaffImportedPublic(county=code, stored=stored)


@router.post("/{code}/staff/{staff_no}/training", response_model=StaffPublic)
def post_staff_training(
    code: str, staff_no: StaffNo, body: TrainingIn, uow: UowDep, by: PrincipalDep,
    settings: SettingsDep,
) -> StaffPublic:  # fmt: skip
    """Record a periodic training, or the pre-job training (the gate's condition)."""
    service.record_training(uow, code, staff_no, body.on, pre_job=body.pre_job, by=by)
    return _public(service.view(uow, _vault(settings), code, staff_no, by=by))
