"""/api/v1/counties/{code}/assessment/{year}: the yearly assessment (issue 15) — every task
of the plan with its units, indicators, score, status and reason, scored on the county's
sheet; problems found and the data-quality appendix."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path
from pydantic import BaseModel

from countyexpress.entrypoints.api.auth import PrincipalDep
from countyexpress.entrypoints.api.deps import UowDep
from countyexpress.services import assessment as service

router = APIRouter(prefix="/api/v1/counties", tags=["assessment"])


class AssessedPartPublic(BaseModel):
    """An indicator's share at one village or community, with its township."""

    code: str
    name: str
    level: str
    township: str
    value: float | None
    required: float | None
    status: str


class AssessedIndicatorPublic(BaseModel):
    """An indicator of a task: its value against the target, what it earned and its source."""

    indicator: str
    title: str
    title_en: str
    value: float | None
    unit: str
    target: float | None
    target_year: int | None
    status: str
    direction: str
    points: float
    score: float
    reason: str
    source: str
    note: str
    parts: list[AssessedPartPublic]


class AssessedTaskPublic(BaseModel):
    """A task of the plan: units, indicators, score and status (met, behind, overdue,
    no_data) with the reason."""

    task: int
    title: str
    title_en: str
    section: str
    lead_unit: str
    lead_units: list[str]
    cooperating_units: list[str]
    indicators: list[AssessedIndicatorPublic]
    score: float
    max_score: float
    status: str
    reason: str
    measures: str
    notes: int


class SectionPublic(BaseModel):
    """An assessed area and its total."""

    code: str
    title: str
    title_en: str
    tasks: list[int]
    score: float
    max_score: float


class ProblemPublic(BaseModel):
    """A problem found and the measure the sheet suggests."""

    task: int | None
    indicator: str
    text: str
    measure: str
    lead_unit: str


class QualityPublic(BaseModel):
    """A line of the data-quality appendix."""

    what: str
    quality: str
    detail: str


class SheetPublic(BaseModel):
    """The scoring sheet the year was scored on."""

    title: str
    source: str


class AssessmentPublic(BaseModel):
    """A county's year scored on its sheet, with figures as of `as_of`."""

    county: str
    county_name: str
    year: int
    as_of: str
    total_score: float
    max_score: float
    sheet: SheetPublic
    sections: list[SectionPublic]
    tasks: list[AssessedTaskPublic]
    problems: list[ProblemPublic]
    data_quality: list[QualityPublic]


@router.get("/{code}/assessment/{year}", response_model=AssessmentPublic)
def get_assessment(
    code: str,
    year: Annotated[int, Path(ge=1990, le=2100)],
    uow: UowDep,
    by: PrincipalDep,
) -> AssessmentPublic:
    """The year's assessment on today's figures (a frozen report: `assess show --frozen`)."""
    return AssessmentPublic.model_validate(service.to_json(service.report(uow, code, year, by=by)))
