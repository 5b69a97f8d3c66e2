"""/api/v1/counties/{code}/kpis and /coverage: the plan's indicators and the network's reach."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel

from countyexpress.domain.facilities import FacilityKind
from countyexpress.entrypoints.api.auth import PrincipalDep
from countyexpress.entrypoints.api.deps import UowDep
from countyexpress.entrypoints.presenters_plan import coverage_json, indicator_json
from countyexpress.services import indicators as service

router = APIRouter(prefix="/api/v1/counties", tags=["plan"])

Scalar = str | int | float | bool | None


class PartPublic(BaseModel):
    """One division's share of an indicator."""

    code: str
    name: str
    level: str
    value: float | None
    required: float | None
    status: str
    detail: dict[str, Scalar]


class IndicatorPublic(BaseModel):
    """An indicator's value against the pack's target; status met, behind, no_target, no_data."""

    task: int | None
    indicator: str
    value: float | None
    target: float | None
    unit: str
    year: int
    target_year: int | None
    lead_unit: str
    status: str
    direction: str
    lead_units: list[str]
    cooperating_units: list[str]
    title: str
    title_en: str
    rule: str
    target_note: str
    target_note_en: str = ""
    note: str
    detail: dict[str, Scalar]
    parts: list[PartPublic]


class ReachPublic(BaseModel):
    """The nearest open facility of one kind (code null: none)."""

    code: str | None
    name: str
    km: float | None
    basis: str | None
    within: bool
    judged: bool = True  # false: the kind does not cover the place's level (station, community)


class PlacePublic(BaseModel):
    """A village or community and its nearest facilities by kind."""

    code: str
    name: str
    level: str
    parent_code: str
    population: int | None
    located: bool
    outside: list[str]
    nearest: dict[str, ReachPublic]


class KindCoveragePublic(BaseModel):
    """Places and residents within the radius of one kind of facility."""

    kind: str
    facilities: int
    places: int
    places_within: int
    population: int
    population_within: int
    population_share: float | None
    outside: list[str]


class CoveragePublic(BaseModel):
    """Coverage of a county's villages and communities within a radius."""

    county: str
    radius_km: float
    circuity: float
    road_pairs: int
    kinds: list[str]
    summary: list[KindCoveragePublic]
    places: list[PlacePublic]


@router.get("/{code}/kpis", response_model=list[IndicatorPublic])
def get_kpis(
    code: str,
    uow: UowDep,
    by: PrincipalDep,
    year: Annotated[int | None, Query(ge=1990, le=2100, description="Targets of this year")] = None,
) -> list[IndicatorPublic]:
    """The plan's indicators, computed from the county's data, against the targets of `year`
    (default: this year; else the latest earlier target, else the earliest)."""
    values = service.plan_kpis(uow, code, year, by=by)
    return [IndicatorPublic.model_validate(indicator_json(v)) for v in values]


@router.get("/{code}/coverage", response_model=CoveragePublic)
def get_coverage(
    code: str,
    uow: UowDep,
    by: PrincipalDep,
    radius_km: Annotated[float | None, Query(gt=0, le=1000, description="Radius in km")] = None,
    kind: Annotated[list[FacilityKind] | None, Query(description="Kinds (repeat)")] = None,
) -> CoveragePublic:
    """Nearest open facility of each kind from every village and community, by road km
    (great-circle × the pack's circuity factor), and who is outside the radius."""
    report = service.coverage(uow, code, radius_km, by=by, kinds=kind)
    return CoveragePublic.model_validate(coverage_json(report))
