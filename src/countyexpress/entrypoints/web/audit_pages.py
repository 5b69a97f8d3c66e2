"""The audit page: who read which parcel's personal data — of one county for its regulator
(`/counties/{code}/audit`), or of every county a prefecture's or the region's regulator
reaches (`/region/audit`, `?prefecture=6528`), scoped as the region screen is."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from countyexpress.entrypoints.api.auth import PrincipalDep
from countyexpress.entrypoints.api.deps import UowDep
from countyexpress.entrypoints.web.render import render
from countyexpress.services import accounts, region_overview, registries

router = APIRouter(include_in_schema=False)
SHOWN = 500


def _context(lines: list[accounts.AuditLine]) -> dict[str, Any]:
    per_person: dict[tuple[str, str], int] = {}
    for line in lines:
        key = (line.who, line.entry.role)
        per_person[key] = per_person.get(key, 0) + 1
    return {
        "lines": [(line, line.entry.at) for line in lines],  # shown by the clock filter
        "per_person": sorted(per_person.items(), key=lambda kv: -kv[1]),
        "shown": SHOWN,
    }


@router.get("/counties/{code}/audit")
def audit_page(code: str, request: Request, uow: UowDep, by: PrincipalDep) -> Response:
    """The newest reads of personal data in the county, in Beijing time, with a count of
    reads per person over the lines shown."""
    county = registries.county(uow, by, code)
    ctx = _context(accounts.audit_report(uow, by, county.code, SHOWN))
    return render(request, "audit.html", ctx, county=county, active="audit")


@router.get("/region/audit")
def region_audit_page(
    request: Request, uow: UowDep, by: PrincipalDep, prefecture: str | None = None
) -> Response:
    """The newest reads of personal data in every county the reader reaches (its
    prefecture's, or all), each line naming its county; refused, as the region screen, to
    a regulator of one county (its county's page is its page)."""
    found = region_overview.audit(uow, by, prefecture or None, SHOWN)
    ctx = _context(found.lines)
    ctx.update(region=True, prefecture=found.prefecture, names=found.names)
    return render(request, "audit.html", ctx, active="audit")
