"""What the API answers: public schemas, apart from the domain's classes."""

from __future__ import annotations

from pydantic import BaseModel

from countyexpress.domain.county import County
from countyexpress.domain.facilities import Facility
from countyexpress.domain.geography import Division


class CountySummaryPublic(BaseModel):
    code: str
    name: str
    townships: int
    villages: int
    communities: int
    facilities: dict[str, int]
    divisions_by_quality: dict[str, int]
    population: int | None


class SourcePublic(BaseModel):
    name: str
    licence: str
    url: str
    covers: str


class DivisionPublic(BaseModel):
    code: str
    name: str
    level: str
    parent_code: str
    population: int | None
    lat: float | None
    lon: float | None
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
    code: str
    name: str
    kind: str
    status: str
    quality: str
    division_code: str
    operator: str
    carriers: list[str]
    lat: float | None
    lon: float | None
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
