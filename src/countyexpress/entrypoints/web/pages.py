"""Web pages: the first page and the county page with its townships, villages and data quality."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from countyexpress.domain.facilities import FacilityKind
from countyexpress.domain.geography import DivisionLevel
from countyexpress.entrypoints.api.auth import PrincipalDep
from countyexpress.entrypoints.api.deps import UowDep
from countyexpress.entrypoints.web.auth_pages import landing
from countyexpress.entrypoints.web.render import render
from countyexpress.errors import NotFound
from countyexpress.services import registries as service

router = APIRouter(include_in_schema=False)


@router.get("/")
def home(request: Request, uow: UowDep, by: PrincipalDep) -> Response:
    """The first page: the screen of the caller's role (`auth_pages.landing`), else the
    only county's overview, or the list of counties."""
    if (start := landing(by)) != "/":
        return RedirectResponse(start, status_code=303)
    summaries = service.visible_counties(uow, by)
    if len(summaries) == 1:
        return RedirectResponse(f"/counties/{summaries[0].code}/overview", status_code=303)
    return render(request, "home.html", {"counties": summaries})


@router.get("/counties/{code}")
def county_page(code: str, request: Request, uow: UowDep, by: PrincipalDep) -> Response:
    """A county: its townships with their villages and communities, facilities and sources."""
    try:
        county = service.county(uow, by, code)
    except NotFound as exc:
        return render(request, "not_found.html", {"message": str(exc)}, status_code=404)
    townships = [(t, county.children(t.code)) for t in county.divisions_at(DivisionLevel.TOWNSHIP)]
    stations_by_division = {f.division_code: f for f in county.facilities_of(FacilityKind.STATION)}
    return render(
        request,
        "county.html",
        {
            "summary": county.summary(),
            "townships": townships,
            "stations_by_division": stations_by_division,
        },
        county=county,
        active="divisions",
    )
