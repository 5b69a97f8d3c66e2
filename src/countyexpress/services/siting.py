"""Siting for a county (issue 5): where to add lockers, stations or outlets, and scenarios.

Each call is one transaction and checks its principal: planning a site or saving a scenario
is EDIT on PLANNING in the county, reading and comparing scenarios is READ.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from countyexpress.domain.access import Action, Principal, Resource, Where
from countyexpress.domain.county import County
from countyexpress.domain.coverage import default_radius
from countyexpress.domain.facilities import FacilityKind
from countyexpress.domain.geography import county_code6
from countyexpress.domain.siting_scenarios import (
    SITED_KINDS,
    Scenario,
    ScenarioFigures,
    ScenarioSite,
    compare,
)
from countyexpress.errors import InvalidValue, NotFound
from countyexpress.planning.siting import (
    CandidateSite,
    Objective,
    Service,
    SitingRequest,
    SitingResult,
    SolveLimits,
    evaluate,
    solve,
)
from countyexpress.planning.siting.county import CountyProblem, county_problem
from countyexpress.services.authz import check
from countyexpress.services.unit_of_work import CountyRepository, Transaction

__all__ = ["SitePlan", "compare_scenarios", "list_scenarios", "plan_sites"]

DEFAULT_LIMITS = SolveLimits()
"""A minute for the solver, optimality proven to 1e-6."""


class ScenarioStore(Protocol):
    """Where saved siting scenarios are kept (adapters.db.siting_scenarios)."""

    def save(self, s: Scenario) -> bool: ...
    def get(self, county: str, name: str) -> Scenario | None: ...
    def list(self, county: str) -> list[Scenario]: ...


class SitingUnitOfWork(Transaction, Protocol):
    """One transaction with the counties and the scenarios."""

    @property
    def counties(self) -> CountyRepository: ...
    @property
    def siting(self) -> ScenarioStore: ...


@dataclass(frozen=True)
class SitePlan:
    """A siting run on a county: the result, coverage before and after, and data notes."""

    county: str
    kind: FacilityKind
    result: SitingResult
    radius_km: float  # the radius coverage is reported at
    before: Service
    after: Service
    existing: tuple[str, ...]
    names: dict[str, str]
    notes: tuple[str, ...]
    saved: str | None = None
    replaced: bool = False
    sites: tuple[ScenarioSite, ...] = ()  # open after the run: existing and chosen, located

    def explain(self) -> str:
        """The planner's sentence, with coverage at the report radius for a p-median run."""
        text = self.result.explain(self.kind.value)
        if self.result.request.objective is Objective.PMEDIAN:
            text += (
                f"; coverage within {self.radius_km:g} km from "
                f"{(self.before.covered_share or 0):.0%} to {(self.after.covered_share or 0):.0%}"
            )
        return text


def _county(uow: SitingUnitOfWork, code: str) -> County:
    try:
        key = county_code6(code)
    except InvalidValue as exc:
        raise NotFound(exc.reason) from exc
    county = uow.counties.get(key)
    if county is None:
        raise NotFound(f"county {code} is not loaded: run `countyexpress county load PATH`")
    return county


def _kind(kind: FacilityKind | str) -> FacilityKind:
    k = FacilityKind(kind)
    if k not in SITED_KINDS:
        raise InvalidValue("kind", f"siting places lockers, stations or outlets, not {k.value}")
    return k


def plan_sites(
    uow: SitingUnitOfWork,
    county: str,
    kind: FacilityKind | str,
    request: SitingRequest,
    *,
    by: Principal | None,
    candidates: Sequence[CandidateSite] | None = None,
    save: str | None = None,
    limits: SolveLimits = DEFAULT_LIMITS,
    now: dt.datetime | None = None,
) -> SitePlan:
    """Choose new sites of `kind` in `county`, its open ones fixed open; with `save`, keep the
    result as the scenario of that name (replacing one of the same name)."""
    k = _kind(kind)
    with uow:
        c = _county(uow, county)
        check(by, Action.EDIT, Resource.PLANNING, Where(county=c.code))
        cp = county_problem(c, k, candidates)
        result = solve(cp.problem, request, limits)
        plan = _plan(c, k, cp, result)
        if save is None:
            return plan
        saved = _store(uow, plan, save, by, now)
    return saved


def save_plan(
    uow: SitingUnitOfWork,
    plan: SitePlan,
    name: str,
    *,
    by: Principal | None,
    now: dt.datetime | None = None,
) -> SitePlan:
    """Keep a plan already solved as the scenario `name` (replacing one of the same name),
    without solving again."""
    with uow:
        check(by, Action.EDIT, Resource.PLANNING, Where(county=plan.county))
        return _store(uow, plan, name, by, now)


def _store(
    uow: SitingUnitOfWork, plan: SitePlan, name: str, by: Principal | None,
    now: dt.datetime | None,
) -> SitePlan:  # fmt: skip
    scenario = _scenario(plan, name, by, now or dt.datetime.now(dt.UTC))
    replaced = uow.siting.save(scenario)
    uow.commit()
    return dataclasses.replace(plan, saved=scenario.name, replaced=replaced)


def _plan(c: County, k: FacilityKind, cp: CountyProblem, result: SitingResult) -> SitePlan:
    problem = cp.problem
    radius = result.request.radius_km or default_radius(c)
    before_open = list(problem.existing)
    chosen = set(result.chosen)
    after_open = [s.existing or s.id in chosen for s in problem.candidates]
    return SitePlan(
        county=c.code,
        kind=k,
        result=result,
        radius_km=radius,
        before=evaluate(problem, before_open, radius),
        after=evaluate(problem, after_open, radius),
        existing=tuple(s.id for s in problem.candidates if s.existing),
        names=cp.names,
        notes=cp.notes,
        sites=tuple(
            ScenarioSite(s.id, cp.names.get(s.id, s.id), s.location, s.existing)
            for s in problem.candidates
            if (s.existing or s.id in chosen) and s.location is not None
        ),
    )


def _scenario(plan: SitePlan, name: str, by: Principal | None, at: dt.datetime) -> Scenario:
    sites = plan.sites
    r = plan.result
    return Scenario(
        county=plan.county,
        name=name.strip(),
        kind=plan.kind,
        objective=r.request.objective.value,
        p=r.request.p,
        radius_km=r.request.radius_km,
        sites=sites,
        explanation=plan.explain(),
        optimal=r.optimal,
        created_at=at,
        created_by=by.name if by is not None else "local",
        figures=r.as_dict()
        | {
            "radius_km": plan.radius_km,
            "coverage_before": plan.before.covered_share,
            "coverage_after": plan.after.covered_share,
            "mean_km_before": plan.before.mean_km,
            "mean_km_after": plan.after.mean_km,
            "notes": list(plan.notes),
        },
    )


def list_scenarios(uow: SitingUnitOfWork, county: str, *, by: Principal | None) -> list[Scenario]:
    """The county's saved siting scenarios, oldest first."""
    with uow:
        c = _county(uow, county)
        check(by, Action.READ, Resource.PLANNING, Where(county=c.code))
        return uow.siting.list(c.code)


def compare_scenarios(
    uow: SitingUnitOfWork,
    county: str,
    names: Sequence[str],
    radius_km: float | None = None,
    *,
    by: Principal | None,
) -> list[ScenarioFigures]:
    """Saved scenarios side by side at one radius (default: the pack's coverage radius):
    coverage, population-weighted distance, new facilities and their setup cost."""
    wanted = [n.strip() for n in names if n.strip()]
    if not wanted:
        raise InvalidValue("names", "name at least one scenario to compare")
    with uow:
        c = _county(uow, county)
        check(by, Action.READ, Resource.PLANNING, Where(county=c.code))
        found = []
        for n in dict.fromkeys(wanted):
            s = uow.siting.get(c.code, n)
            if s is None:
                raise NotFound(f"no siting scenario {n!r} in county {c.code}")
            found.append(s)
    return compare(c, found, radius_km if radius_km is not None else default_radius(c))
