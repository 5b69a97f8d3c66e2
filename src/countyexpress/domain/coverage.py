"""Coverage: from each village and community, the nearest facility of each kind and how far.

Travel distance is the road distance where the county has a road matrix for the pair, else
the great-circle distance times the pack's circuity factor. A place is outside a radius for
a kind when its nearest open facility of that kind is farther, or there is none.

A village station (村级寄递物流综合服务站) serves administrative villages: an urban community
is judged by outlets and lockers, never by a village station (`JUDGED_BY`).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from countyexpress.domain.county import County
from countyexpress.domain.facilities import Facility, FacilityKind
from countyexpress.domain.geography import Coordinates, DivisionLevel
from countyexpress.errors import InvalidValue

__all__ = [
    "DEFAULT_KINDS",
    "DEFAULT_RADIUS_KM",
    "JUDGED_BY",
    "RADIUS_STANDARD",
    "Basis",
    "CoverageReport",
    "KindCoverage",
    "PlaceCoverage",
    "Reach",
    "RoadDistances",
    "coverage",
    "default_radius",
    "judges",
    "served_in_place",
    "travel_km",
]

DEFAULT_KINDS = (FacilityKind.OUTLET, FacilityKind.LOCKER, FacilityKind.STATION)
"""The last-mile kinds a resident reaches."""

DEFAULT_RADIUS_KM = 5.0
"""The radius when neither the caller nor the pack (`coverage_radius_km`) gives one."""

RADIUS_STANDARD = "coverage_radius_km"
"""Pack standard: the default radius of coverage, in km."""

JUDGED_BY: Mapping[DivisionLevel, tuple[FacilityKind, ...]] = {
    DivisionLevel.VILLAGE: (FacilityKind.STATION, FacilityKind.OUTLET, FacilityKind.LOCKER),
    DivisionLevel.COMMUNITY: (FacilityKind.OUTLET, FacilityKind.LOCKER),
}
"""The last-mile kinds that cover a place of each level: a community is not a village."""


def judges(kind: FacilityKind, level: DivisionLevel) -> bool:
    """Whether facilities of `kind` count for places of `level`: a village station counts
    for villages only; other kinds (a centre's distance, say) are measured for every place."""
    return kind is not FacilityKind.STATION or level is DivisionLevel.VILLAGE


def served_in_place(county: County) -> dict[str, bool]:
    """Each village and community: whether a facility that covers its level stands in it
    (a village its station, a community an outlet or locker), by division code."""
    present: dict[str, set[FacilityKind]] = {}
    for f in county.facilities:
        if f.division_code:
            present.setdefault(f.division_code, set()).add(f.kind)
    return {
        d.code: any(k in present.get(d.code, ()) for k in JUDGED_BY[d.level])
        if d.level is DivisionLevel.COMMUNITY
        else FacilityKind.STATION in present.get(d.code, ())
        for d in county.divisions
        if d.level is not DivisionLevel.TOWNSHIP
    }


class Basis(StrEnum):
    """Where a travel distance comes from."""

    ROAD = "road"  # the county's road distance matrix
    GREAT_CIRCLE = "great_circle"  # great-circle distance × circuity factor


@dataclass(frozen=True)
class RoadDistances:
    """Road kilometres between places named by code (division or facility), either way round."""

    km: Mapping[tuple[str, str], float] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for (a, b), km in self.km.items():
            if not a or not b:
                raise InvalidValue("code", "a road distance names both ends")
            if not (math.isfinite(km) and km >= 0):
                raise InvalidValue("km", f"road distance {a}–{b} of {km} km must be 0 or more")

    def between(self, a: str, b: str) -> float | None:
        """The road distance from `a` to `b`, or from `b` to `a` when only that is given."""
        found = self.km.get((a, b))
        return found if found is not None else self.km.get((b, a))

    def codes(self) -> set[str]:
        """Every code the matrix names."""
        return {c for pair in self.km for c in pair}

    def __len__(self) -> int:
        return len(self.km)


def travel_km(
    a: str,
    a_at: Coordinates | None,
    b: str,
    b_at: Coordinates | None,
    circuity: float,
    roads: RoadDistances | None = None,
) -> tuple[float, Basis] | None:
    """Road km from the matrix, else great-circle × circuity; None without either."""
    if roads is not None:
        km = roads.between(a, b)
        if km is not None:
            return km, Basis.ROAD
    if a_at is None or b_at is None:
        return None
    return a_at.distance_km(b_at) * circuity, Basis.GREAT_CIRCLE


@dataclass(frozen=True)
class Reach:
    """The nearest open facility of one kind from a place (code None: there is none).
    `judged` False: the kind does not cover a place of this level (a village station and an
    urban community), so the place is neither within nor outside for it."""

    kind: FacilityKind
    code: str | None
    name: str
    km: float | None
    basis: Basis | None
    within: bool
    judged: bool = True


@dataclass(frozen=True)
class PlaceCoverage:
    """A village or community and its nearest facility of each kind."""

    code: str
    name: str
    level: DivisionLevel
    parent_code: str
    population: int | None
    located: bool
    nearest: tuple[Reach, ...]

    @property
    def outside(self) -> tuple[FacilityKind, ...]:
        """The kinds that judge this place whose nearest facility is beyond the radius, or
        missing."""
        return tuple(r.kind for r in self.nearest if r.judged and not r.within)

    @property
    def covered(self) -> bool:
        """Whether a last-mile facility that covers this level (`JUDGED_BY`) is within the
        radius, among the kinds the report measured."""
        return any(r.within for r in self.nearest if r.kind in JUDGED_BY[self.level])


@dataclass(frozen=True)
class KindCoverage:
    """How many places and residents are within the radius of one kind of facility."""

    kind: FacilityKind
    facilities: int
    places: int  # the places this kind judges (`judges`)
    places_within: int
    population: int
    population_within: int
    outside: tuple[str, ...]  # codes of the places outside

    @property
    def population_share(self) -> float | None:
        """The share of residents (of places with a known population) within the radius."""
        return self.population_within / self.population if self.population else None


@dataclass(frozen=True)
class CoverageReport:
    """Coverage of a county's villages and communities within a radius."""

    county: str
    radius_km: float
    circuity: float
    road_pairs: int
    kinds: tuple[FacilityKind, ...]
    places: tuple[PlaceCoverage, ...]
    summary: tuple[KindCoverage, ...]


def _nearest(
    place_code: str,
    at: Coordinates | None,
    facilities: Iterable[Facility],
    kind: FacilityKind,
    radius_km: float,
    circuity: float,
    roads: RoadDistances | None,
    judged: bool = True,
) -> Reach:
    best: tuple[float, Basis, Facility] | None = None
    for f in facilities:
        found = travel_km(place_code, at, f.code, f.location, circuity, roads)
        if found is not None and (best is None or found[0] < best[0]):
            best = (found[0], found[1], f)
    if best is None:
        return Reach(kind, None, "", None, None, False, judged)
    km, basis, f = best
    return Reach(kind, f.code, f.name, km, basis, judged and km <= radius_km, judged)


def coverage(
    county: County,
    radius_km: float,
    *,
    kinds: Iterable[FacilityKind] = DEFAULT_KINDS,
    roads: RoadDistances | None = None,
) -> CoverageReport:
    """For each village and community: the nearest open facility of each kind, and who is
    outside `radius_km` (road km, or great-circle × the pack's circuity factor)."""
    if not (math.isfinite(radius_km) and radius_km > 0):
        raise InvalidValue("radius_km", f"radius {radius_km} km must be positive")
    kinds = tuple(dict.fromkeys(kinds))
    circuity = county.plan.standards.circuity_factor
    open_of = {k: [f for f in county.facilities_of(k) if f.is_operating] for k in kinds}
    places = []
    for d in county.divisions:
        if d.level is DivisionLevel.TOWNSHIP:
            continue
        nearest = tuple(
            _nearest(d.code, d.location, open_of[k], k, radius_km, circuity, roads,
                     judges(k, d.level))
            for k in kinds
        )  # fmt: skip
        located = d.location is not None
        places.append(
            PlaceCoverage(d.code, d.name, d.level, d.parent_code, d.population, located, nearest)
        )
    summary = []
    for i, k in enumerate(kinds):
        judged = [p for p in places if p.nearest[i].judged]
        within = [p for p in judged if p.nearest[i].within]
        summary.append(
            KindCoverage(
                kind=k,
                facilities=len(open_of[k]),
                places=len(judged),
                places_within=len(within),
                population=sum(p.population or 0 for p in judged),
                population_within=sum(p.population or 0 for p in within),
                outside=tuple(p.code for p in judged if not p.nearest[i].within),
            )
        )
    return CoverageReport(
        county=county.code,
        radius_km=radius_km,
        circuity=circuity,
        road_pairs=len(roads) if roads is not None else 0,
        kinds=kinds,
        places=tuple(places),
        summary=tuple(summary),
    )


def default_radius(county: County) -> float:
    """The pack's `coverage_radius_km`, else DEFAULT_RADIUS_KM."""
    value = county.plan.standards.extra.get(RADIUS_STANDARD)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    return DEFAULT_RADIUS_KM
