"""/api/v1/counties/{code}/siting and /scenarios: where to add facilities, and saved scenarios."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from countyexpress.domain.facilities import FacilityKind
from countyexpress.entrypoints.api.deps import UowDep
from countyexpress.entrypoints.api.guards import PlannerDep, PlanReaderDep
from countyexpress.entrypoints.presenters_siting import figures_json, scenario_json, site_plan_json
from countyexpress.planning.siting import Objective, SitingRequest, SolveLimits
from countyexpress.services import siting as service

router = APIRouter(prefix="/api/v1/counties", tags=["siting"])


class SitingCreate(BaseModel):
    """A siting question: which kind, which objective, p new sites, radius; `save` keeps it."""

    kind: FacilityKind
    objective: Objective
    p: int | None = Field(default=None, ge=1, le=1000)
    radius_km: float | None = Field(default=None, gt=0, le=1000)
    save: str | None = Field(default=None, min_length=1, max_length=60)
    time_limit_s: float = Field(default=30.0, gt=0, le=120)


class SiteRef(BaseModel):
    """A chosen site and its name."""

    id: str
    name: str


class ServicePublic(BaseModel):
    """How the open sites serve the residents: open sites, weighted km, share within radius."""

    open_sites: int
    mean_km: float | None
    coverage: float | None


class SitingPublic(BaseModel):
    """The chosen sites, the solver's figures, the sentence, coverage before and after."""

    county: str
    kind: str
    objective_kind: str
    p: int | None
    radius_km: float
    chosen: list[str]
    chosen_sites: list[SiteRef]
    existing: list[str]
    objective: float
    optimal: bool
    gap: float | None
    seconds: float
    explanation: str
    before: ServicePublic
    after: ServicePublic
    unreachable: list[str]
    notes: list[str]
    saved: str | None
    replaced: bool


class ScenarioSitePublic(BaseModel):
    """An open site of a scenario."""

    id: str
    name: str
    lat: float
    lon: float
    existing: bool


class ScenarioPublic(BaseModel):
    """A saved siting scenario."""

    name: str
    county: str
    kind: str
    objective: str
    p: int | None
    radius_km: float | None
    new: int
    existing: int
    optimal: bool
    explanation: str
    created_at: str
    created_by: str
    sites: list[ScenarioSitePublic]


class FiguresPublic(BaseModel):
    """One scenario's column in a comparison; the cost is new facilities × a setup cost."""

    name: str
    kind: str
    objective: str
    radius_km: float
    existing: int
    new: int
    coverage: float | None
    mean_km: float | None
    cost_cny: float
    cost_is_estimate: bool
    new_sites: list[str]


def _model(cls: type[BaseModel], data: dict[str, Any]) -> Any:
    return cls.model_validate(data)


@router.post("/{code}/siting", response_model=SitingPublic)
def post_siting(code: str, body: SitingCreate, uow: UowDep, by: PlannerDep) -> SitingPublic:
    """Choose new sites of a kind (its open ones kept open); with `save`, keep the scenario."""
    request = SitingRequest(body.objective, body.p, body.radius_km)
    plan = service.plan_sites(
        uow, code, body.kind, request, by=by, save=body.save,
        limits=SolveLimits(time_limit_s=body.time_limit_s),
    )  # fmt: skip
    result: SitingPublic = _model(SitingPublic, site_plan_json(plan))
    return result


@router.get("/{code}/scenarios", response_model=list[ScenarioPublic])
def get_scenarios(code: str, uow: UowDep, by: PlanReaderDep) -> list[ScenarioPublic]:
    """The county's saved siting scenarios, oldest first."""
    return [
        _model(ScenarioPublic, scenario_json(s)) for s in service.list_scenarios(uow, code, by=by)
    ]


@router.get("/{code}/scenarios/compare", response_model=list[FiguresPublic])
def get_comparison(
    code: str,
    uow: UowDep,
    by: PlanReaderDep,
    names: Annotated[str, Query(min_length=1, description="Scenario names, comma-separated")],
    radius_km: Annotated[float | None, Query(gt=0, le=1000, description="Radius in km")] = None,
) -> list[FiguresPublic]:
    """Scenarios side by side at one radius: coverage, weighted distance, new sites, cost."""
    figures = service.compare_scenarios(uow, code, names.split(","), radius_km, by=by)
    return [_model(FiguresPublic, figures_json(f)) for f in figures]
