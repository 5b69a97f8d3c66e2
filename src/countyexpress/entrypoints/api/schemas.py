"""What the API answers: public schemas, apart from the domain's classes.

Their constraints are the real ones (codes by their patterns, coordinates in range, counts
never negative), so the OpenAPI document tells a client what it will get; the fuzzing
harness (benchmarks/reliability/fuzz.py) checks every answer against them.

`PARAMETERS` holds the rules of the values a caller puts in an API path, as the services
enforce them (a county code through `geography.county_code6`, a waybill number through
`scans.normalise_waybill`, a statement month); `api.openapi` declares them on every path
parameter of that name, and a test holds each rule equal to its enforcing function.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from countyexpress.domain.county import County
from countyexpress.domain.facilities import Facility
from countyexpress.domain.geography import Division
from countyexpress.errors import PackInvalid

COUNTY_CODE = r"^[0-9]{4}([0-9][1-9]|[1-9][0-9])(000000)?$"
"""A county code: 6 digits, or 12 ending in 000000; digits 5-6 not 00 (that is a
prefecture's or a province's code)."""
WAYBILL_NO = r"^[\s-]*([A-Za-z0-9][\s-]*){6,32}$"
"""A waybill number: 6 to 32 letters or digits (spaces and dashes ignored)."""
MONTH = r"^[0-9]{4}-(0[1-9]|1[0-2])$"
"""A calendar month, YYYY-MM."""

PARAMETERS: dict[str, dict[str, Any]] = {
    "code": {"type": "string", "pattern": COUNTY_CODE, "examples": ["652828"]},
    "waybill_no": {"type": "string", "pattern": WAYBILL_NO, "examples": ["ZT7312345678901"]},
    "month": {"type": "string", "pattern": MONTH, "examples": ["2026-11"]},
}
"""Path parameters by name: the JSON Schema the services' checks amount to."""

Count = Annotated[int, Field(ge=0)]
Latitude = Annotated[float, Field(ge=-90, le=90)]
Longitude = Annotated[float, Field(ge=-180, le=180)]
CountyCode = Annotated[str, Field(pattern=r"^[0-9]{6}$")]
DivisionCode = Annotated[str, Field(pattern=r"^[0-9]{12}$")]
ParentCode = Annotated[str, Field(pattern=r"^[0-9]{6}([0-9]{6})?$")]


class CountySummaryPublic(BaseModel):
    code: CountyCode
    name: str = Field(min_length=1)
    townships: Count
    villages: Count
    communities: Count
    facilities: dict[str, Count]
    divisions_by_quality: dict[str, Count]
    population: Count | None


class SourcePublic(BaseModel):
    name: str
    licence: str
    url: str
    covers: str


class DivisionPublic(BaseModel):
    code: DivisionCode
    name: str = Field(min_length=1)
    level: str
    parent_code: ParentCode
    population: Count | None
    lat: Latitude | None
    lon: Longitude | None
    quality: str
    coord_quality: str
    note: str

    @classmethod
    def of(cls, d: Division) -> DivisionPublic:
        return cls(
            code=d.code, name=d.name, level=d.level.value, parent_code=d.parent_code,
            population=d.population, lat=d.location.lat if d.location else None,
            lon=d.location.lon if d.location else None, quality=d.quality.value,
            coord_quality=d.coord_quality.value, note=d.note,
        )  # fmt: skip


class FacilityPublic(BaseModel):
    code: str = Field(min_length=1)
    name: str = Field(min_length=1)
    kind: str
    status: str
    quality: str
    division_code: str
    operator: str
    carriers: list[str]
    lat: Latitude | None
    lon: Longitude | None
    missing: list[str]

    @classmethod
    def of(cls, f: Facility) -> FacilityPublic:
        if f.five_haves is not None:
            missing = f.five_haves.missing()
        elif f.filing is not None:
            missing = f.filing.missing()
        else:
            missing = []
        return cls(
            code=f.code, name=f.name, kind=f.kind.value, status=f.status.value,
            quality=f.quality.value, division_code=f.division_code, operator=f.operator,
            carriers=list(f.carriers), lat=f.location.lat if f.location else None,
            lon=f.location.lon if f.location else None, missing=missing,
        )  # fmt: skip


class CountyPublic(BaseModel):
    summary: CountySummaryPublic
    name_en: str
    province: str
    prefecture: str
    has_placeholders: bool
    sources: list[SourcePublic]

    @classmethod
    def of(cls, c: County) -> CountyPublic:
        s = c.summary()
        return cls(
            summary=CountySummaryPublic(**s.__dict__),
            name_en=c.name_en, province=c.province, prefecture=c.prefecture,
            has_placeholders=c.has_placeholders(),
            sources=[SourcePublic(**src.__dict__) for src in c.sources],
        )  # fmt: skip


def file_problems(exc: PackInvalid) -> JSONResponse:
    """An uploaded file refused whole (422, `FileProblems` in the OpenAPI document): each
    problem by file, line and field; nothing was stored."""
    return JSONResponse(
        {
            "detail": f"{len(exc.problems)} problem(s); nothing was stored",
            "problems": [
                {"file": p.file, "line": p.line, "field": p.field, "reason": p.reason}
                for p in exc.problems
            ],
        },
        status_code=422,
    )
