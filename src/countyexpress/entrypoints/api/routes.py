"""/api/v1 routes (issue 6): plan a day, read a plan, its map, its route sheets, its progress.

Planning takes its inputs as query parameters (no body): the county's waiting parcels and
pickups are already in the database, and its vehicles in its pack's registry.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Query, Response, status
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from countyexpress.adapters.routing.geojson import plan_geojson
from countyexpress.adapters.routing.sheets import sheet_pdf
from countyexpress.domain.county_time import COUNTY_ZONE
from countyexpress.domain.periods import check_day
from countyexpress.entrypoints.api.auth import PrincipalDep
from countyexpress.entrypoints.api.deps import UowDep
from countyexpress.entrypoints.presenters_routes import plan_json, progress_json
from countyexpress.planning.routing import PyVRPPlanner
from countyexpress.services import routes as service
from countyexpress.services.vehicles import registry_fleet

router = APIRouter(prefix="/api/v1", tags=["routes"])


class StopPublic(BaseModel):
    """One stop of a run, with its planned arrival in the county's local time."""

    sequence: int
    stop: str
    name: str
    kind: str
    lat: float | None
    lon: float | None
    parcels: int
    kg: float
    m3: float
    pickups: int
    cold: bool
    planned_arrival: dt.datetime


class RunPublic(BaseModel):
    """One vehicle's run from the co-delivery centre and back."""

    vehicle: str
    kind: str
    plate: str
    number: str
    name: str = ""  # unified number · plate · kind, as every screen names the vehicle
    refrigerated: bool
    departs: dt.datetime
    returns: dt.datetime
    distance_km: float
    duration_h: float
    cost: float
    parcels: int
    pickups: int
    stops: list[StopPublic]


class DepotPublic(BaseModel):
    """Where every run starts and ends."""

    code: str
    name: str
    lat: float | None
    lon: float | None


class PlanPublic(BaseModel):
    """A stored day plan; `feasible` is false with its `violations` when its check failed."""

    plan_id: str
    county: str
    date: dt.date
    created_at: dt.datetime
    depot: DepotPublic
    vehicles: int
    stops: int
    parcels: int
    pickups: int
    distance_km: float
    duration_h: float
    cost: float
    feasible: bool
    violations: list[str]
    unserved: list[str]
    basis: str
    fleet: str
    runs: list[RunPublic]


class StopProgressPublic(BaseModel):
    """A planned stop: done, partial or pending, by the scans of its parcels."""

    vehicle: str
    sequence: int
    stop: str
    state: str
    parcels: int
    delivered: int
    pickups: int
    picked_up: int
    planned_arrival: dt.datetime
    last_scan: dt.datetime | None


class OffPlanPublic(BaseModel):
    """A scan of a planned parcel that disagrees with the plan."""

    waybill_no: str
    stop: str
    kind: str
    facility: str
    at: dt.datetime
    reason: str


class ProgressPublic(BaseModel):
    """Drivers' scans against a plan."""

    plan_id: str
    counts: dict[str, int]
    stops: list[StopProgressPublic]
    off_plan: list[OffPlanPublic]


@router.post(
    "/counties/{code}/routes", response_model=PlanPublic, status_code=status.HTTP_201_CREATED
)
def plan_routes(
    code: str,
    uow: UowDep,
    by: PrincipalDep,
    date: Annotated[
        dt.date | None, Query(description="The day (default: today, UTC+8), years 2000 to 2099")
    ] = None,
    seconds: Annotated[float, Query(gt=0, le=60, description="Solver time limit")] = 2.0,
) -> PlanPublic:
    """Plan the day's runs from the centre's sorted parcels and the stations' pickups, with
    the county's vehicle registry, and store the plan."""
    day = check_day(date) if date else dt.datetime.now(COUNTY_ZONE).date()
    fleet = registry_fleet(uow)
    plan = service.plan_day(uow, code, day, fleet, PyVRPPlanner(seconds=seconds), by=by)
    return PlanPublic.model_validate(plan_json(plan))


@router.get("/counties/{code}/routes/{plan_id}/progress", response_model=ProgressPublic)
def route_progress(code: str, plan_id: str, uow: UowDep, by: PrincipalDep) -> ProgressPublic:
    """Each planned stop done, partial or pending by its parcels' scans, and off-plan scans."""
    report = service.route_progress(uow, code, plan_id, by=by)
    return ProgressPublic.model_validate(progress_json(report))


@router.get(
    "/routes/{plan_id}.geojson",
    responses={200: {"content": {"application/geo+json": {}}}},
    response_class=JSONResponse,
)
def route_geojson(plan_id: str, uow: UowDep, by: PrincipalDep) -> JSONResponse:
    """The plan on the map: a LineString per vehicle, a Point per stop (WGS-84, lon/lat)."""
    plan = service.get_plan(uow, plan_id, by=by)
    return JSONResponse(plan_geojson(plan), media_type="application/geo+json")


@router.get(
    "/routes/{plan_id}/sheet.pdf",
    responses={200: {"content": {"application/pdf": {}}}},
    response_class=Response,
)
def route_sheet(plan_id: str, uow: UowDep, by: PrincipalDep) -> Response:
    """The printable route sheets: a page per vehicle, a QR code per stop."""
    plan = service.get_plan(uow, plan_id, by=by)
    return Response(
        sheet_pdf(plan),
        media_type="application/pdf",
        headers={"Content-Disposition": f'inline; filename="{plan.plan_id}.pdf"'},
    )


@router.get("/routes/{plan_id}", response_model=PlanPublic)
def get_route_plan(plan_id: str, uow: UowDep, by: PrincipalDep) -> PlanPublic:
    """A stored plan: each vehicle's stops in order with parcels and planned times."""
    return PlanPublic.model_validate(plan_json(service.get_plan(uow, plan_id, by=by)))
