"""Today's routes (issue 6): plan the day from the centre's waiting parcels, store the plan,
read it back, and match drivers' scans against it.

The solver runs outside any transaction: the inputs are read in one, the plan stored in
another, so a plan of a few seconds holds no lock on the database.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Mapping, Sequence
from typing import Protocol

from countyexpress.domain.access import Action, Principal, Resource, Where
from countyexpress.domain.county import County
from countyexpress.domain.coverage import RoadDistances
from countyexpress.domain.facilities import FacilityKind
from countyexpress.domain.geography import county_code6
from countyexpress.errors import InvalidValue, NotFound
from countyexpress.planning.routing.daily import (
    DEFAULT_DAY,
    DOOR_PREFIX,
    DayProblem,
    DaySettings,
    Parcel,
    Pickup,
    Place,
    day_problem,
)
from countyexpress.planning.routing.dayplan import DayPlan, day_plan, local_time, stop_parcels
from countyexpress.planning.routing.fleet import Fleet
from countyexpress.planning.routing.plan import RoutePlan
from countyexpress.planning.routing.planner import Planner, PyVRPPlanner
from countyexpress.planning.routing.progress import Progress, progress
from countyexpress.services.authz import check, check_kind, visible
from countyexpress.services.unit_of_work import CountyRepository, Ledger, Transaction

__all__ = [
    "PICKUP_KINDS", "get_plan", "places_of", "plan_day", "plan_ids", "prepare_day",
    "record_plan", "route_progress",
]  # fmt: skip

PICKUP_KINDS = frozenset({FacilityKind.STATION, FacilityKind.OUTLET})
"""Where a run picks up outbound parcels: village stations and outlets (carriers' own
county-town offices send theirs themselves)."""

NOT_STOPS = frozenset({FacilityKind.CENTER, FacilityKind.SORTING_CENTER})

FleetSource = Callable[[str], Fleet]
"""The vehicle registry of a county, by its code (adapters.packs.vehicles.fleet_for)."""


class RouteStore(Protocol):
    """Stored plans and the inputs of a new one (adapters.db.routes)."""

    def waiting_parcels(self, county: str) -> list[Parcel]: ...
    def waiting_pickups(
        self, county: str, since: dt.datetime, until: dt.datetime, facilities: Sequence[str]
    ) -> list[Pickup]: ...
    def add(self, plan: DayPlan, parcels: Mapping[str, Sequence[tuple[str, str, str]]]) -> None: ...
    def get(self, plan_id: str) -> DayPlan | None: ...
    def expected(self, plan_id: str) -> dict[str, list[tuple[str, str]]]: ...
    def plan_ids(self, county: str, day: dt.date | None = None) -> list[str]: ...


class RoutesUnitOfWork(Transaction, Protocol):
    """The part of a unit of work routing needs."""

    @property
    def counties(self) -> CountyRepository: ...
    @property
    def ledger(self) -> Ledger: ...
    @property
    def routes(self) -> RouteStore: ...


def _county(uow: RoutesUnitOfWork, code: str) -> County:
    county = uow.counties.get(county_code6(code))
    if county is None:
        raise NotFound(f"county {code} is not loaded")
    return county


def _depot(county: County) -> Place:
    centre = next(
        (f for f in county.facilities_of(FacilityKind.CENTER) if f.is_operating and f.location),
        None,
    )
    if centre is None:
        raise InvalidValue(
            "facilities", f"county {county.code} has no open co-delivery centre with coordinates"
        )
    return Place(centre.code, centre.name, "center", centre.location, centre.code)


def places_of(county: County) -> dict[str, Place]:
    """Every place a route may stop at: facilities, and a door bag for each village."""
    places: dict[str, Place] = {}
    for d in county.divisions:
        where = d.location
        if where is None and d.parent_code:
            parent = county.division(d.parent_code)
            where = parent.location if parent else None
        code = f"{DOOR_PREFIX}{d.code}"
        places[code] = Place(code, d.name, "door", where, d.code)
    for f in county.facilities:
        if f.kind not in NOT_STOPS:
            places[f.code] = Place(f.code, f.name, f.kind.value, f.location, f.code)
    return places


def prepare_day(
    uow: RoutesUnitOfWork,
    county_code: str,
    day: dt.date,
    fleet: Fleet | FleetSource,
    settings: DaySettings = DEFAULT_DAY,
    roads: RoadDistances | None = None,
    by: Principal | None = None,
) -> tuple[DayProblem, Place, str, Fleet]:
    """The day's routing problem, its depot, and how distances were found (no solving).

    Stops: every route bag of the parcels sorted at the centre and not yet dispatched, and
    every station or outlet with outbound parcels taken in on `day` (local time) that have
    not left. Refused when there is nothing to carry, or when no plan could carry it all
    (a stop too big for every vehicle, cold chain without a refrigerated vehicle …).
    `fleet` may be a function of the county code, called only once the caller may plan.
    """
    county_code = county_code6(county_code)
    check(by, Action.EDIT, Resource.ROUTE, Where(county_code))
    fleet = fleet if isinstance(fleet, Fleet) else fleet(county_code)
    since = local_time(day, 0, settings.utc_offset_hours)
    with uow:
        county = _county(uow, county_code)
        depot = _depot(county)
        places = places_of(county)
        parcels = uow.routes.waiting_parcels(county.code)
        at = [f.code for f in county.facilities if f.kind in PICKUP_KINDS]
        pickups = uow.routes.waiting_pickups(county.code, since, since + dt.timedelta(days=1), at)
    if not parcels and not pickups:
        raise InvalidValue(
            "day", f"nothing to plan in {county.code} on {day}: no sorted parcels wait at the "
            "centre and no outbound parcels wait at stations"
        )  # fmt: skip
    circuity = county.plan.standards.circuity_factor
    dp = day_problem(
        depot, parcels, pickups, places, fleet.routing(depot.code), circuity, settings, roads
    )
    basis = (
        f"road km of the county's matrix where given, else great-circle × {circuity:g}; "
        if roads else f"great-circle km × {circuity:g}; "
    ) + f"{settings.speed_kmh:g} km/h"  # fmt: skip
    return dp, depot, basis, fleet


def plan_day(
    uow: RoutesUnitOfWork,
    county_code: str,
    day: dt.date,
    fleet: Fleet | FleetSource,
    planner: Planner | None = None,
    settings: DaySettings = DEFAULT_DAY,
    roads: RoadDistances | None = None,
    now: dt.datetime | None = None,
    by: Principal | None = None,
) -> DayPlan:
    """Plan the day's runs (see `prepare_day`) and store the plan, checked whole."""
    prepared = prepare_day(uow, county_code, day, fleet, settings, roads, by)
    plan = (planner or PyVRPPlanner(seconds=2.0))(prepared[0].problem)
    return record_plan(uow, county_code, day, prepared, plan, settings, now)


def record_plan(
    uow: RoutesUnitOfWork,
    county_code: str,
    day: dt.date,
    prepared: tuple[DayProblem, Place, str, Fleet],
    plan: RoutePlan,
    settings: DaySettings = DEFAULT_DAY,
    now: dt.datetime | None = None,
) -> DayPlan:
    """Check the solver's `plan` of `prepare_day`'s problem whole and store it (one
    transaction); the solving may have happened anywhere (`region plan`: on a worker)."""
    dp, depot, basis, fleet = prepared
    now = now or dt.datetime.now(dt.UTC)
    tz = dt.timezone(dt.timedelta(hours=settings.utc_offset_hours))
    code = county_code6(county_code)
    plan_id = f"RP-{code}-{day:%Y%m%d}-{uuid.uuid4().hex[:6]}"
    check_ = plan.check(dp.problem)
    stored = day_plan(plan_id, code, day, now.astimezone(tz), dp, plan, check_, fleet, depot,
                      basis, settings.utc_offset_hours)  # fmt: skip
    with uow:
        uow.routes.add(stored, stop_parcels(dp))
        uow.commit()
    return stored


def get_plan(uow: RoutesUnitOfWork, plan_id: str, by: Principal | None = None) -> DayPlan:
    """A stored plan; NotFound when there is none by that id, or when `by` may not read it
    (the same answer: see `services.authz`); Forbidden for a role that reads no plans."""
    check_kind(by, Action.READ, Resource.ROUTE)
    missing = NotFound(f"no route plan {plan_id}")
    with uow:
        plan = uow.routes.get(plan_id.strip())
    if plan is None:
        raise missing
    visible(by, Action.READ, Resource.ROUTE, Where(plan.county_code), missing)
    return plan


def plan_ids(
    uow: RoutesUnitOfWork, county_code: str, day: dt.date | None = None,
    by: Principal | None = None,
) -> list[str]:  # fmt: skip
    """The county's stored plans (of `day`), newest first."""
    county_code = county_code6(county_code)
    check(by, Action.READ, Resource.ROUTE, Where(county_code))
    with uow:
        return uow.routes.plan_ids(county_code, day)


def route_progress(
    uow: RoutesUnitOfWork, county_code: str, plan_id: str, by: Principal | None = None
) -> Progress:
    """The plan's stops against the ledger's scans: done, partial, pending, and off-plan."""
    county_code = county_code6(county_code)
    check(by, Action.READ, Resource.ROUTE, Where(county_code))
    with uow:
        plan = uow.routes.get(plan_id.strip())
        if plan is None or plan.county_code != county_code:
            raise NotFound(f"no route plan {plan_id} in county {county_code}")
        expected = uow.routes.expected(plan.plan_id)
        waybills = sorted({w for items in expected.values() for w, _ in items})
        events = uow.ledger.events_of(county_code, waybills)
    return progress(plan, expected, events)
