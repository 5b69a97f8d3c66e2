"""/api/v1/counties/{code}/packaging: green packaging (issue 14, task 17).

The county's regulators and administrators read the task's indicators against the pack's
targets, broken down by carrier, outlet or month, with the reports they come from; they
upload report files (xlsx or CSV). A carrier's key uploads its own carrier's reports only.
An upload is stored whole or refused (422, each problem by file, line and field).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

from fastapi import APIRouter, Query, UploadFile
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from countyexpress.adapters.packs.packaging import report_rows
from countyexpress.adapters.supervision_xlsx import MAX_IMPORT_BYTES
from countyexpress.domain.packaging import COUNTS
from countyexpress.entrypoints.api.auth import PrincipalDep
from countyexpress.entrypoints.api.deps import UowDep
from countyexpress.entrypoints.api.guards import RedactedValidationRoute
from countyexpress.entrypoints.api.plan import IndicatorPublic
from countyexpress.entrypoints.api.schemas import file_problems
from countyexpress.entrypoints.presenters_plan import indicator_json
from countyexpress.errors import PackInvalid
from countyexpress.services import packaging as service

router = APIRouter(
    prefix="/api/v1/counties", tags=["packaging"], route_class=RedactedValidationRoute
)


class PackagingReportPublic(BaseModel):
    """One carrier's month at an outlet (outlet empty: the carrier's whole county)."""

    carrier: str
    outlet: str
    month: str
    counts: dict[str, int]
    source: str  # report: a carrier's; intake: added up from the parcels taken in


class PackagingPublic(BaseModel):
    """Task 17's indicators for a year or a month, each group's values, and the reports."""

    county: str
    period: str
    by: str
    tape_width_max_mm: float
    indicators: list[IndicatorPublic]
    rows: list[dict[str, str | int | float | None]]
    reports: list[PackagingReportPublic]


class PackagingImportedPublic(BaseModel):
    """How many reports an upload stored (each replacing its carrier, outlet and month's)."""

    county: str
    stored: int
    source: str


@router.get("/{code}/packaging", response_model=PackagingPublic)
def get_packaging(
    code: str,
    uow: UowDep,
    by: PrincipalDep,
    year: Annotated[int | None, Query(ge=2000, le=2099)] = None,
    month: Annotated[str | None, Query(pattern=r"^\d{4}-\d{2}$")] = None,
    group: Annotated[Literal["carrier", "outlet", "month"], Query(alias="by")] = "carrier",
) -> PackagingPublic:
    """The indicators of a month or a year (default: the latest reported) against the
    pack's targets, by carrier, outlet or month."""
    b = service.breakdown_of(uow, code, by=by, year=year, month=month, level=group)
    return PackagingPublic(
        county=b.county,
        period=b.period,
        by=b.level,
        tape_width_max_mm=b.rules.tape_width_max_mm,
        indicators=[IndicatorPublic.model_validate(indicator_json(v)) for v in b.indicators],
        rows=b.rows,
        reports=[
            PackagingReportPublic(carrier=r.carrier, outlet=r.outlet, month=r.month,
                                  counts={n: getattr(r.counts, n) for n in COUNTS},
                                  source=r.source)
            for r in b.reports
        ],
    )  # fmt: skip


@router.post("/{code}/packaging/import", response_model=PackagingImportedPublic, status_code=201)
async def post_packaging_import(
    code: str, file: UploadFile, uow: UowDep, by: PrincipalDep
) -> PackagingImportedPublic | JSONResponse:
    """Store a file of monthly packaging reports (xlsx or CSV, docs/packaging.md): every row
    or none (422, each problem by file, line and field)."""
    data = await file.read(MAX_IMPORT_BYTES + 1)
    name = Path(file.filename or "packaging.xlsx").name
    rows, problems = report_rows(data, name)
    try:
        if problems:
            raise PackInvalid(problems)
        stored = service.import_reports(uow, code, rows, name, by=by)
    except PackInvalid as exc:
        return file_problems(exc)
    return PackagingImportedPublic(county=code, stored=stored, source=name)
