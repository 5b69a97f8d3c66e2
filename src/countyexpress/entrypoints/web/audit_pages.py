"""The audit page: who read which parcel's personal data, for the county's regulator."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from countyexpress.entrypoints.api.auth import PrincipalDep
from countyexpress.entrypoints.api.deps import UowDep
from countyexpress.entrypoints.web.render import render
from countyexpress.services import accounts, registries

router = APIRouter(include_in_schema=False)
SHOWN = 500


@router.get("/counties/{code}/audit")
def audit_page(code: str, request: Request, uow: UowDep, by: PrincipalDep) -> Response:
    """The newest reads of personal data in the county, in Beijing time, with a count of
    reads per person over the lines shown."""
    county = registries.county(uow, by, code)
    lines = accounts.audit_report(uow, by, county.code, SHOWN)
    per_person: dict[tuple[str, str], int] = {}
    for line in lines:
        key = (line.who, line.entry.role)
        per_person[key] = per_person.get(key, 0) + 1
    ctx = {
        "lines": [(line, line.entry.at) for line in lines],  # shown by the clock filter
        "per_person": sorted(per_person.items(), key=lambda kv: -kv[1]),
        "shown": SHOWN,
    }
    return render(request, "audit.html", ctx, county=county, active="audit")
