"""A county's siting problem: demand from its villages and communities, candidates from its
divisions' points (or a file), its open facilities of the kind fixed open, and distances as
great-circle km × the pack's circuity factor.

A village station (村级寄递物流综合服务站) is proposed only in an administrative village: its
candidates are the villages' points, and a candidate file must name villages by code."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from countyexpress.domain.county import County
from countyexpress.domain.facilities import FacilityKind
from countyexpress.domain.geography import DataQuality, DivisionLevel
from countyexpress.errors import InvalidValue
from countyexpress.planning.siting.distances import great_circle_km
from countyexpress.planning.siting.model import CandidateSite, DemandPoint, SitingProblem

__all__ = ["CountyProblem", "county_problem"]

Floats = npt.NDArray[np.float64]

_PLACES = (DivisionLevel.VILLAGE, DivisionLevel.COMMUNITY)

SITED_IN: dict[FacilityKind, tuple[DivisionLevel, ...]] = {
    FacilityKind.STATION: (DivisionLevel.VILLAGE,),
}
"""The levels of division where a new facility of a kind may go (default: villages and
communities): a village station serves villages, never an urban community."""


@dataclass(frozen=True)
class CountyProblem:
    """The siting problem of a county, with names for its ids and notes on its data."""

    problem: SitingProblem
    names: dict[str, str]  # id → name of demand points, candidates and facilities
    circuity: float
    notes: tuple[str, ...]  # placeholders, estimates and what was left out


def county_problem(
    county: County, kind: FacilityKind, candidates: Sequence[CandidateSite] | None = None
) -> CountyProblem:
    """Demand: villages and communities weighted by population; candidates: the points of
    those where `kind` may go (`SITED_IN`; or `candidates`); the open facilities of `kind`
    with a location are existing sites."""
    notes: list[str] = []
    names: dict[str, str] = {}
    places = [d for d in county.divisions if d.level in _PLACES]
    demand: list[DemandPoint] = []
    unlocated = no_population = 0
    for d in places:
        names[d.code] = d.name
        if d.location is None:
            unlocated += 1
            continue
        if d.population is None:
            no_population += 1
        demand.append(DemandPoint(d.code, float(d.population or 0), d.location))
    if not demand:
        raise InvalidValue("county", f"county {county.code} has no located villages or communities")
    located = [d for d in places if d.location is not None]
    _count(notes, sum(d.coord_quality is DataQuality.PLACEHOLDER for d in located),
           len(located), "places have placeholder coordinates")  # fmt: skip
    _count(notes, sum(d.coord_quality is DataQuality.ESTIMATE for d in located),
           len(located), "places have estimated coordinates")  # fmt: skip
    _count(notes, sum(d.quality is DataQuality.PLACEHOLDER for d in located),
           len(located), "places are placeholders (name, code or population)")  # fmt: skip
    _count(notes, sum(d.quality is DataQuality.ESTIMATE for d in located),
           len(located), "places have estimated data (population)")  # fmt: skip
    if unlocated:
        notes.append(f"{unlocated} place(s) without coordinates are left out of the demand")
    if no_population:
        notes.append(f"{no_population} place(s) without a population weigh 0")
    sites: list[CandidateSite] = []
    opened = [f for f in county.facilities_of(kind) if f.is_operating]
    for f in opened:
        names[f.code] = f.name
        if f.location is None:
            notes.append(f"existing {kind.value} {f.code} has no location and is left out")
            continue
        sites.append(CandidateSite(f.code, f.location, existing=True))
    _count(notes, sum(f.quality is not DataQuality.VERIFIED for f in opened), len(opened),
           f"existing {kind.value}s are estimates or demo data")  # fmt: skip
    taken = {s.id for s in sites}
    levels = SITED_IN.get(kind, _PLACES)
    allowed = {d.code for d in places if d.level in levels}
    if candidates is None:
        # a village has one station: one open already is its site
        has_one = {f.division_code for f in opened} if kind in SITED_IN else set()
        for d in located:
            if d.code not in taken and d.code in allowed and d.code not in has_one:
                sites.append(CandidateSite(d.code, d.location))
    else:
        for c in candidates:
            if c.id in taken:
                raise InvalidValue("candidates", f"candidate {c.id} is an existing {kind.value}")
            if kind in SITED_IN and c.id not in allowed:
                raise InvalidValue(
                    "candidates",
                    f"candidate {c.id} is not an administrative village of county "
                    f"{county.code}: a {kind.value} goes only in one (name it by its code)",
                )
            sites.append(c)
            names.setdefault(c.id, c.id)
    circuity = county.plan.standards.circuity_factor
    notes.append(f"distances: great-circle km × circuity factor {circuity:g} (pack)")
    problem = SitingProblem(tuple(demand), tuple(sites))
    km = great_circle_km(*_latlon(problem.demand), *_latlon(problem.candidates)) * circuity
    return CountyProblem(SitingProblem(problem.demand, problem.candidates, km), names, circuity,
                         tuple(notes))  # fmt: skip


def _count(notes: list[str], n: int, of: int, what: str) -> None:
    if n:
        notes.append(f"{n} of {of} {what}")


def _latlon(items: Sequence[DemandPoint] | Sequence[CandidateSite]) -> tuple[Floats, Floats]:
    lat = np.array([i.location.lat for i in items if i.location is not None], dtype=np.float64)
    lon = np.array([i.location.lon for i in items if i.location is not None], dtype=np.float64)
    return lat, lon
