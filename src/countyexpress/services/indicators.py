"""The plan's indicators and the network's coverage of a county, for a principal."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

import countyexpress.domain.network_indicators  # noqa: F401  registers tasks 2–5
from countyexpress.domain import emergency_indicators  # noqa: F401  (registers task 13's)
from countyexpress.domain.access import Action, Principal, Resource, Where, require
from countyexpress.domain.county_time import county_today
from countyexpress.domain.coverage import CoverageReport, RoadDistances, default_radius
from countyexpress.domain.coverage import coverage as compute_coverage
from countyexpress.domain.emergency import INPUT as EMERGENCY_INPUT
from countyexpress.domain.facilities import FacilityKind
from countyexpress.domain.indicators import IndicatorValue, Inputs, evaluate
from countyexpress.domain.packaging_indicators import INPUT as PACKAGING_INPUT
from countyexpress.domain.public_health_indicators import INPUT as HEALTH_INPUT
from countyexpress.domain.staff import INPUT as STAFF_INPUT
from countyexpress.domain.supervision.indicators import INPUT as SUPERVISION_INPUT
from countyexpress.domain.support_indicators import INPUT as SUPPORT_INPUT  # registers 8, 20
from countyexpress.domain.vehicle_indicators import INPUT as VEHICLE_INPUT
from countyexpress.services import (
    counties,
    emergency,
    public_health,
    staff,
    supervision,
    support,
    vehicles,
)
from countyexpress.services import packaging as packaging_service
from countyexpress.services.unit_of_work import UnitOfWork

# A capability with indicators of its own imports its module above, next to the network's.


def plan_kpis(
    uow: UnitOfWork,
    county: str,
    year: int | None = None,
    *,
    by: Principal,
    today: date | None = None,
    inputs: Inputs | None = None,
) -> list[IndicatorValue]:
    """Every registered indicator of `county` against the pack's target of `year` (default:
    this year), computed from the stored data."""
    c = counties.get_county(uow, county)
    require(by, Action.READ, Resource.COUNTY, Where(county=c.code))
    day = today or county_today()
    asked = year if year is not None else day.year
    given = {
        SUPERVISION_INPUT: supervision.snapshot(uow, c.code, day),
        VEHICLE_INPUT: vehicles.snapshot(uow, c.code, day),
        STAFF_INPUT: staff.snapshot(uow, c.code, day),
        EMERGENCY_INPUT: emergency.snapshot(uow, c.code, day),
        PACKAGING_INPUT: packaging_service.snapshot(uow, c.code, day, asked),
        HEALTH_INPUT: public_health.snapshot(uow, c.code, day, asked),
        SUPPORT_INPUT: support.snapshot(uow, c.code, day, asked),
        # a capability with an input of its own adds one line here
        **(inputs or {}),
    }
    return evaluate(c, asked, inputs=given)


def coverage(
    uow: UnitOfWork,
    county: str,
    radius_km: float | None = None,
    *,
    by: Principal,
    kinds: Iterable[FacilityKind] | None = None,
    roads: RoadDistances | None = None,
) -> CoverageReport:
    """Nearest facility of each kind from every village and community, and who is outside
    `radius_km` (default: the pack's `coverage_radius_km`, else 5 km)."""
    c = counties.get_county(uow, county)
    require(by, Action.READ, Resource.COUNTY, Where(county=c.code))
    radius = radius_km if radius_km is not None else default_radius(c)
    if kinds is None:
        return compute_coverage(c, radius, roads=roads)
    return compute_coverage(c, radius, kinds=kinds, roads=roads)
