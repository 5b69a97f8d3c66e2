"""/api/v1/counties/{code}/assessment/{year}: the yearly assessment (issue 15) — every task
of the plan with its units, indicators, score, status and reason, scored on the county's
sheet; problems found and the data-quality appendix."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Form, Path, Response, UploadFile
from pydantic import BaseModel

from countyexpress.adapters.vault import Vault
from countyexpress.domain.assessment import Note
from countyexpress.domain.supervision.attachments import MAX_BYTES
from countyexpress.entrypoints.api.auth import PrincipalDep
from countyexpress.entrypoints.api.deps import SettingsDep, UowDep
from countyexpress.entrypoints.api.guards import RedactedValidationRoute
from countyexpress.entrypoints.api.supervision import AttachmentPublic, attachment_response
from countyexpress.services import assessment as service

router = APIRouter(
    prefix="/api/v1/counties", tags=["assessment"], route_class=RedactedValidationRoute
)
Year = Annotated[int, Path(ge=1990, le=2100)]


class AssessedPartPublic(BaseModel):
    """An indicator's share at one village or community, with its township."""

    code: str
    name: str
    level: str
    township: str
    value: float | None
    required: float | None
    status: str


class TrendMonthPublic(BaseModel):
    """A month of the year: the indicator's stored value, or `snapshot` false (no value is
    made up for a month without one)."""

    month: str
    value: float | None
    snapshot: bool


class TrendYearPublic(BaseModel):
    """The indicator's value in a frozen (issued) report of a year."""

    year: int
    value: float | None


class TrendPublic(BaseModel):
    """An indicator's months stored (`assess snapshot`) and its frozen years."""

    months: list[TrendMonthPublic]
    years: list[TrendYearPublic]


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
    trend: TrendPublic


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
    year: Year,
    uow: UowDep,
    by: PrincipalDep,
) -> AssessmentPublic:
    """The year's assessment on today's figures (a frozen report: `assess show --frozen`)."""
    return AssessmentPublic.model_validate(service.to_json(service.report(uow, code, year, by=by)))


class NotePublic(BaseModel):
    """A progress note on a task of a year: who wrote it, when, and its evidence files
    (`record_id` of a file: the note's number)."""

    id: int
    year: int
    task: int
    text: str
    added_at: dt.datetime
    added_by: str
    files: list[AttachmentPublic]


def _note(n: Note) -> NotePublic:
    return NotePublic.model_validate(n, from_attributes=True)


@router.get("/{code}/assessment/{year}/notes", response_model=list[NotePublic])
def get_notes(
    code: str, year: Year, uow: UowDep, by: PrincipalDep, task: int | None = None
) -> list[NotePublic]:
    """The year's progress notes (of one task), oldest first."""
    return [_note(n) for n in service.notes(uow, code, year, by=by, task=task)]


@router.post("/{code}/assessment/{year}/notes", response_model=NotePublic, status_code=201)
async def post_note(
    code: str,
    year: Year,
    uow: UowDep,
    by: PrincipalDep,
    settings: SettingsDep,
    task: Annotated[int, Form(ge=1, le=999)],
    text: Annotated[str, Form(max_length=service.MAX_NOTE)],
    file: UploadFile | None = None,
) -> NotePublic:
    """A progress note on a task of the year, with a photo or a PDF as evidence (kept
    encrypted); a unit's user notes on its unit's tasks only (409 otherwise)."""
    given = []
    if file is not None and file.filename:
        given.append((file.filename, await file.read(MAX_BYTES + 1)))
    vault = Vault(settings.data_key_bytes())
    return _note(service.add_note(uow, vault, code, year, task, text, by=by, files=given))


@router.get(
    "/{code}/assessment/evidence/{evidence_id}",
    response_class=Response,
    responses={200: {"content": {"image/jpeg": {}, "image/png": {}, "application/pdf": {}}}},
)
def get_evidence(
    code: str,
    evidence_id: Annotated[int, Path(ge=1)],
    uow: UowDep,
    by: PrincipalDep,
    settings: SettingsDep,
) -> Response:
    """An evidence file of a progress note, decrypted, for those who may note; the read is
    written to the audit log (a photo may show a person)."""
    meta, data = service.evidence(uow, Vault(settings.data_key_bytes()), code, evidence_id, by=by)
    return attachment_response(meta, data)
