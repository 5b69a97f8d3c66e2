"""/api/v1/counties: counties, their divisions and facilities."""

from __future__ import annotations

from fastapi import APIRouter

from countyexpress.domain.facilities import FacilityKind
from countyexpress.entrypoints.api.auth import PrincipalDep
from countyexpress.entrypoints.api.deps import UowDep
from countyexpress.entrypoints.api.schemas import (
    CountyPublic,
    CountySummaryPublic,
    DivisionPublic,
    FacilityPublic,
)
from countyexpress.services import registries as service

router = APIRouter(prefix="/api/v1/counties", tags=["counties"])


@router.get("", response_model=list[CountySummaryPublic])
def list_counties(uow: UowDep, by: PrincipalDep) -> list[CountySummaryPublic]:
    """The loaded counties the caller may read, with their counts."""
    return [CountySummaryPublic(**s.__dict__) for s in service.visible_counties(uow, by)]


@router.get("/{code}", response_model=CountyPublic)
def get_county(code: str, uow: UowDep, by: PrincipalDep) -> CountyPublic:
    """One county: counts, data quality and sources."""
    return CountyPublic.of(service.county(uow, by, code))


@router.get("/{code}/divisions", response_model=list[DivisionPublic])
def list_divisions(code: str, uow: UowDep, by: PrincipalDep) -> list[DivisionPublic]:
    """Townships, villages and communities with their data-quality flags."""
    return [DivisionPublic.of(d) for d in service.county(uow, by, code).divisions]


@router.get("/{code}/facilities", response_model=list[FacilityPublic])
def list_facilities(
    code: str, uow: UowDep, by: PrincipalDep, kind: FacilityKind | None = None
) -> list[FacilityPublic]:
    """Facilities of a county, optionally of one kind."""
    return [FacilityPublic.of(f) for f in service.facilities(uow, by, code, kind)]
