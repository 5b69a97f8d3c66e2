"""Siting scenarios: a siting result kept under a name, and scenarios compared side by side.

A scenario keeps its open sites (existing ones and the new ones it chose) with their
locations, so it can be compared later against the county's current villages and
communities: coverage within one radius, population-weighted distance, new facilities and a
simple cost (new facilities × a setup cost per kind, an estimate unless the pack sets it).
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from countyexpress.domain.county import County
from countyexpress.domain.facilities import FacilityKind
from countyexpress.domain.geography import Coordinates, DivisionLevel
from countyexpress.errors import InvalidValue

__all__ = [
    "SETUP_COST_CNY",
    "SITED_KINDS",
    "Scenario",
    "ScenarioFigures",
    "ScenarioSite",
    "compare",
    "setup_cost",
]

SITED_KINDS = (FacilityKind.LOCKER, FacilityKind.STATION, FacilityKind.OUTLET)
"""The kinds a siting run places."""

SETUP_COST_CNY: Mapping[FacilityKind, float] = {
    FacilityKind.LOCKER: 30_000.0,  # [estimate] a locker bank of ~60 compartments, installed
    FacilityKind.STATION: 20_000.0,  # [estimate] shelves, device, sign, fit-out of a village shop
    FacilityKind.OUTLET: 60_000.0,  # [estimate] premises fit-out, shelves, CCTV, first-year rent
}
"""Setup cost of one new facility, CNY: estimates, overridden by the pack's
`setup_cost_cny_<kind>` standard."""

_NAME = re.compile(r"[\w.-]{1,60}")


@dataclass(frozen=True)
class ScenarioSite:
    """An open site of a scenario: an existing facility or a new one it chose."""

    id: str
    name: str
    location: Coordinates
    existing: bool


@dataclass(frozen=True)
class Scenario:
    """A siting result kept under a name, per county."""

    county: str
    name: str
    kind: FacilityKind
    objective: str
    p: int | None
    radius_km: float | None
    sites: tuple[ScenarioSite, ...]
    explanation: str
    optimal: bool
    created_at: dt.datetime
    created_by: str = ""
    figures: Mapping[str, object] | None = None  # the run's own figures, as solved

    def __post_init__(self) -> None:
        if not _NAME.fullmatch(self.name):
            raise InvalidValue(
                "name", f"scenario name {self.name!r}: 1-60 letters, digits, '.', '-' or '_'"
            )

    @property
    def new_sites(self) -> tuple[ScenarioSite, ...]:
        """The sites the scenario adds."""
        return tuple(s for s in self.sites if not s.existing)


@dataclass(frozen=True)
class ScenarioFigures:
    """One scenario's column in a comparison."""

    name: str
    kind: FacilityKind
    objective: str
    radius_km: float
    existing: int
    new: int
    coverage_share: float | None  # population within the radius / population
    mean_km: float | None  # population-weighted distance to the nearest open site
    cost_cny: float
    cost_is_estimate: bool
    new_sites: tuple[str, ...]


def setup_cost(county: County, kind: FacilityKind) -> tuple[float, bool]:
    """The setup cost of one new facility of `kind` and whether it is an estimate."""
    value = county.plan.standards.extra.get(f"setup_cost_cny_{kind.value}")
    if isinstance(value, int | float) and not isinstance(value, bool) and value >= 0:
        return float(value), False
    return SETUP_COST_CNY.get(kind, 0.0), True


def compare(
    county: County, scenarios: Sequence[Scenario], radius_km: float
) -> list[ScenarioFigures]:
    """Each scenario's figures against the county's villages and communities as they are now,
    at one radius (road km = great-circle × the pack's circuity factor)."""
    if not (math.isfinite(radius_km) and radius_km > 0):
        raise InvalidValue("radius_km", f"radius {radius_km} km must be positive")
    circuity = county.plan.standards.circuity_factor
    places = [
        (d.location, d.population or 0)
        for d in county.divisions
        if d.level is not DivisionLevel.TOWNSHIP and d.location is not None
    ]
    total = sum(w for _, w in places)
    out = []
    for s in scenarios:
        within = weighted = 0.0
        for at, w in places:
            near = min((at.distance_km(x.location) * circuity for x in s.sites), default=None)
            if near is None:
                continue
            weighted += w * near
            within += w if near <= radius_km else 0
        cost, estimate = setup_cost(county, s.kind)
        new = s.new_sites
        out.append(
            ScenarioFigures(
                name=s.name,
                kind=s.kind,
                objective=s.objective,
                radius_km=radius_km,
                existing=len(s.sites) - len(new),
                new=len(new),
                coverage_share=within / total if total and s.sites else None,
                mean_km=weighted / total if total and s.sites else None,
                cost_cny=cost * len(new),
                cost_is_estimate=estimate,
                new_sites=tuple(x.id for x in new),
            )
        )
    return out
