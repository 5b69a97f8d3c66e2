"""Web pages: the county page with its townships, villages and data quality."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from countyexpress.domain.facilities import FacilityKind
from countyexpress.domain.geography import DivisionLevel
from countyexpress.entrypoints.api.deps import SettingsDep, UowDep
from countyexpress.errors import NotFound
from countyexpress.services import counties as service

templates = Jinja2Templates(directory=Path(__file__).resolve().parent / "templates")
router = APIRouter(include_in_schema=False)

QUALITY_LABELS = {
    "verified": ("已核实", "verified"),
    "estimate": ("估计", "estimate"),
    "placeholder": ("占位", "placeholder"),
    "demo": ("演示", "demo"),
}
KIND_LABELS = {
    "center": ("共配中心", "co-delivery centre"),
    "sorting_center": ("分拨中心", "sorting centre"),
    "outlet": ("末端网点", "outlet"),
    "locker": ("智能快件箱", "smart locker"),
    "station": ("村级服务站", "village station"),
    "cold_storage": ("冷库", "cold storage"),
    "precooling": ("预冷站", "pre-cooling"),
}
templates.env.globals.update(QUALITY_LABELS=QUALITY_LABELS, KIND_LABELS=KIND_LABELS)


@router.get("/")
def home(request: Request, uow: UowDep, settings: SettingsDep) -> Response:
    """The first page: the only county, or the list of counties."""
    summaries = service.list_counties(uow)
    if len(summaries) == 1:
        return RedirectResponse(f"/counties/{summaries[0].code}", status_code=303)
    return templates.TemplateResponse(request, "home.html", {"counties": summaries})


@router.get("/counties/{code}", response_class=HTMLResponse)
def county_page(code: str, request: Request, uow: UowDep) -> Response:
    """A county: its townships with their villages and communities, facilities and sources."""
    try:
        county = service.get_county(uow, code)
    except NotFound as exc:
        return templates.TemplateResponse(
            request, "not_found.html", {"message": str(exc)}, status_code=404
        )
    townships = [(t, county.children(t.code)) for t in county.divisions_at(DivisionLevel.TOWNSHIP)]
    stations_by_division = {f.division_code: f for f in county.facilities_of(FacilityKind.STATION)}
    return templates.TemplateResponse(
        request,
        "county.html",
        {
            "county": county,
            "summary": county.summary(),
            "townships": townships,
            "stations_by_division": stations_by_division,
        },
    )
