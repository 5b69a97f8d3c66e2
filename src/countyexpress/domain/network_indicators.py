"""Indicators of the network (plan tasks 2–5): outlets, village coverage, stations, lockers.

Each figure is computed from the county's divisions and operating (open) facilities; the
rules are in `docs/indicators.md`. Importing this module registers them.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from fractions import Fraction

from countyexpress.domain.county import County
from countyexpress.domain.facilities import Facility, FacilityKind
from countyexpress.domain.geography import DataQuality, Division, DivisionLevel
from countyexpress.domain.indicators import (
    Direction,
    Indicator,
    Inputs,
    Measurement,
    Part,
    Scalar,
    Status,
    register,
    status_of,
)
from countyexpress.domain.plan import Standards

REQUIRES_FIVE_HAVES = "village_coverage_requires_five_haves"
"""Pack standard (true/false, default false): a station covers its village only if it meets
the five haves the pack names."""

REGULAR_STOP_VILLAGES = "regular_stop_villages"
"""Optional input: codes of villages with a regular delivery stop (they count as covered)."""

_HIGHER, _LOWER = Direction.HIGHER_IS_BETTER, Direction.LOWER_IS_BETTER


def operating(county: County, kind: FacilityKind) -> list[Facility]:
    """The open facilities of one kind."""
    return [f for f in county.facilities_of(kind) if f.is_operating]


def _by_division(facilities: Iterable[Facility]) -> dict[str, list[Facility]]:
    out: dict[str, list[Facility]] = defaultdict(list)
    for f in facilities:
        out[f.division_code].append(f)
    return out


def meets_five_haves(station: Facility, standards: Standards) -> bool:
    """Whether a station has every have the pack's standard names."""
    haves = station.five_haves
    return haves is not None and all(getattr(haves, h, False) for h in standards.five_haves)


def _missing_haves(station: Facility, standards: Standards) -> list[str]:
    haves = station.five_haves
    return [h for h in standards.five_haves if haves is None or not getattr(haves, h, False)]


def _share(numerator: int, denominator: int) -> float | None:
    return numerator / denominator if denominator else None


def _codes(facilities: Iterable[Facility]) -> str:
    return " ".join(f.code for f in facilities)


def required_outlets(population: int, per_10k: float) -> int:
    """Outlets a community needs: ceil(population / 10,000 × per_10k), exactly."""
    return math.ceil(Fraction(population) * Fraction(repr(per_10k)) / 10_000)


def _outlet_parts(county: County) -> tuple[list[Part], dict[str, int]]:
    std = county.plan.standards
    outlets = _by_division(operating(county, FacilityKind.OUTLET))
    parts: list[Part] = []
    totals = {"required": 0, "required_max": 0, "shortfall": 0, "below": 0, "unknown": 0}
    for c in county.divisions_at(DivisionLevel.COMMUNITY):
        have = len(outlets.get(c.code, []))
        detail: dict[str, Scalar] = {
            "population": c.population,
            "outlets": _codes(outlets.get(c.code, [])),
        }
        if c.population is None:
            totals["unknown"] += 1
            parts.append(_part(c, have, None, Status.NO_DATA, detail))
            continue
        need = required_outlets(c.population, std.outlets_per_10k_residents_min)
        need_max = required_outlets(c.population, std.outlets_per_10k_residents_max)
        short = max(0, need - have)
        totals["required"] += need
        totals["required_max"] += need_max
        totals["shortfall"] += short
        totals["below"] += short > 0
        detail |= {"required_max": need_max, "shortfall": short}
        parts.append(_part(c, have, need, status_of(have, need, _HIGHER), detail))
    return parts, totals


def _part(
    d: Division,
    value: float | None,
    required: float | None,
    status: Status,
    detail: dict[str, Scalar],
) -> Part:
    return Part(d.code, d.name, d.level.value, value, required, status, detail)


def _standard_detail(county: County, totals: dict[str, int]) -> dict[str, int | float]:
    std = county.plan.standards
    communities = {c.code for c in county.divisions_at(DivisionLevel.COMMUNITY)}
    outside = [
        f for f in operating(county, FacilityKind.OUTLET) if f.division_code not in communities
    ]
    return {
        "standard_min_per_10k": std.outlets_per_10k_residents_min,
        "standard_max_per_10k": std.outlets_per_10k_residents_max,
        "required_by_standard": totals["required"],
        "required_by_standard_max": totals["required_max"],
        "standard_shortfall": totals["shortfall"],
        "communities": len(communities),
        "communities_below_standard": totals["below"],
        "communities_without_population": totals["unknown"],
        "outlets_outside_communities": len(outside),
    }


def urban_outlets(county: County, _: Inputs) -> Measurement:
    """Open outlets, with each community's count against the per-10,000 standard."""
    parts, totals = _outlet_parts(county)
    value = len(operating(county, FacilityKind.OUTLET))
    return Measurement(value, tuple(parts), _standard_detail(county, totals))


def outlet_standard_shortfall(county: County, _: Inputs) -> Measurement:
    """Outlets the communities lack to reach the standard's minimum, summed over communities."""
    parts, totals = _outlet_parts(county)
    if not parts or totals["unknown"] == len(parts):
        return Measurement(None, tuple(parts), note="no community with a population")
    note = ""
    if totals["unknown"]:
        note = f"{totals['unknown']} communities without population are not counted"
    return Measurement(totals["shortfall"], tuple(parts), _standard_detail(county, totals), note)


def _covering_stations(county: County) -> dict[str, list[Facility]]:
    std = county.plan.standards
    strict = std.extra.get(REQUIRES_FIVE_HAVES) is True
    stations = operating(county, FacilityKind.STATION)
    if strict:
        stations = [s for s in stations if meets_five_haves(s, std)]
    return _by_division(stations)


def village_coverage_rate(county: County, inputs: Inputs) -> Measurement:
    """Share of administrative villages with an open (or five-haves) station or a regular stop."""
    strict = county.plan.standards.extra.get(REQUIRES_FIVE_HAVES) is True
    stations = _covering_stations(county)
    raw_stops = inputs.get(REGULAR_STOP_VILLAGES, ())
    stops = {str(s) for s in raw_stops} if isinstance(raw_stops, Iterable) else set()
    villages = county.divisions_at(DivisionLevel.VILLAGE)
    parts = []
    covered = 0
    for v in villages:
        by = "station" if stations.get(v.code) else "stop" if v.code in stops else ""
        covered += bool(by)
        parts.append(
            _part(
                v,
                1 if by else 0,
                1,
                Status.MET if by else Status.BEHIND,
                {"by": by, "stations": _codes(stations.get(v.code, []))},
            )
        )
    detail: dict[str, Scalar] = {
        "covered": covered,
        "villages": len(villages),
        "uncovered": len(villages) - covered,
        "requires_five_haves": strict,
        "placeholder_villages": sum(v.is_placeholder for v in villages),
    }
    return Measurement(_share(covered, len(villages)), tuple(parts), detail)


def stations_five_haves_rate(county: County, _: Inputs) -> Measurement:
    """Share of open village stations that meet the pack's five haves."""
    std = county.plan.standards
    stations = operating(county, FacilityKind.STATION)
    parts = []
    for code, group in _by_division(stations).items():
        d = county.division(code)
        ok = sum(meets_five_haves(s, std) for s in group)
        missing = {s.code: " ".join(_missing_haves(s, std)) for s in group}
        parts.append(
            Part(
                code,
                d.name if d is not None else code,
                d.level.value if d is not None else "",
                ok / len(group),
                1,
                status_of(ok / len(group), 1, _HIGHER),
                {k: v for k, v in missing.items() if v},
            )
        )
    met = sum(meets_five_haves(s, std) for s in stations)
    detail: dict[str, Scalar] = {
        "stations": len(stations),
        "meeting": met,
        "five_haves": " ".join(std.five_haves),
    }
    return Measurement(_share(met, len(stations)), tuple(parts), detail)


def lockers_per_community(county: County, _: Inputs) -> Measurement:
    """Open locker banks in communities, per community."""
    lockers = _by_division(operating(county, FacilityKind.LOCKER))
    communities = county.divisions_at(DivisionLevel.COMMUNITY)
    parts = [
        _part(c, len(lockers.get(c.code, [])), None, Status.NO_TARGET,
              {"lockers": _codes(lockers.get(c.code, []))})
        for c in communities
    ]  # fmt: skip
    in_communities = sum(len(lockers.get(c.code, [])) for c in communities)
    all_lockers = len(operating(county, FacilityKind.LOCKER))
    detail: dict[str, Scalar] = {
        "lockers": all_lockers,
        "lockers_in_communities": in_communities,
        "communities": len(communities),
        "communities_without_locker": sum(not lockers.get(c.code) for c in communities),
    }
    return Measurement(_share(in_communities, len(communities)), tuple(parts), detail)


def outlets_filed_rate(county: County, _: Inputs) -> Measurement:
    """Share of open outlets whose filing record (备案) is complete."""
    outlets = operating(county, FacilityKind.OUTLET)
    complete = [o for o in outlets if o.filing is not None and o.filing.is_complete]
    parts = []
    for code, group in _by_division(outlets).items():
        d = county.division(code)
        ok = sum(o.filing is not None and o.filing.is_complete for o in group)
        lacking = {o.code: " ".join(o.filing.missing()) for o in group if o.filing is not None}
        parts.append(
            Part(
                code,
                d.name if d is not None else code,
                d.level.value if d is not None else "",
                ok / len(group),
                1,
                status_of(ok / len(group), 1, _HIGHER),
                {k: v for k, v in lacking.items() if v},
            )
        )
    detail: dict[str, Scalar] = {"outlets": len(outlets), "complete": len(complete)}
    return Measurement(_share(len(complete), len(outlets)), tuple(parts), detail)


def administrative_villages(county: County, _: Inputs) -> Measurement:
    """Administrative villages in the registry (the plan counts 25 for Heshuo)."""
    villages = county.divisions_at(DivisionLevel.VILLAGE)
    placeholders = sum(v.is_placeholder for v in villages)
    return Measurement(len(villages), detail={"placeholders": placeholders})


def placeholder_divisions(county: County, _: Inputs) -> Measurement:
    """Divisions whose name or code is only a placeholder, with placeholder coordinates too."""
    parts = [
        _part(d, 1, None, Status.NO_TARGET, {"coordinates_placeholder":
              d.coord_quality is DataQuality.PLACEHOLDER})
        for d in county.divisions
        if d.is_placeholder
    ]  # fmt: skip
    detail: dict[str, Scalar] = {
        "divisions": len(county.divisions),
        "placeholder_coordinates": sum(
            d.coord_quality is DataQuality.PLACEHOLDER for d in county.divisions
        ),
    }
    return Measurement(len(parts), tuple(parts), detail)


NETWORK_INDICATORS = (
    Indicator(
        "urban_outlets", 2, "outlets", urban_outlets, _HIGHER,
        title="城市快递末端网点", title_en="Urban last-mile outlets",
        rule="open outlets; per community: required = ceil(population / 10,000 × minimum "
        "per 10,000) of the pack's standard",
        coverage=True,
    ),
    Indicator(
        "outlet_standard_shortfall", 2, "outlets", outlet_standard_shortfall, _LOWER,
        title="末端网点标准缺口", title_en="Outlets short of the per-10,000 standard",
        rule="sum over communities of max(0, required − open outlets in the community)",
        coverage=True, implied_target=0,
    ),
    Indicator(
        "outlets_filed_rate", 2, "share", outlets_filed_rate, _HIGHER,
        title="末端网点备案完整率", title_en="Outlets with a complete filing record",
        rule="open outlets with a filing number and all five filing items / open outlets",
    ),
    Indicator(
        "lockers_per_community", 3, "lockers/community", lockers_per_community, _HIGHER,
        title="社区智能快件箱", title_en="Smart lockers per community",
        rule="open locker banks in communities / communities",
        coverage=True,
    ),
    Indicator(
        "village_coverage_rate", 4, "share", village_coverage_rate, _HIGHER,
        title="建制村快递服务覆盖率", title_en="Administrative villages with express service",
        rule="villages with an open station (only one meeting the five haves when the pack "
        f"sets {REQUIRES_FIVE_HAVES}) or a regular delivery stop / villages",
        coverage=True,
    ),
    Indicator(
        "administrative_villages", 4, "villages", administrative_villages, _HIGHER,
        title="建制村数", title_en="Administrative villages in the registry",
        rule="village divisions in the county's registry",
    ),
    Indicator(
        "stations_five_haves_rate", 5, "share", stations_five_haves_rate, _HIGHER,
        title="村级服务站“五有”达标率", title_en="Village stations meeting the five haves",
        rule="open stations with every have the pack names / open stations",
    ),
    Indicator(
        "placeholder_divisions", None, "divisions", placeholder_divisions, _LOWER,
        title="占位行政区划", title_en="Placeholder divisions (data still to replace)",
        rule="divisions whose name or code is a placeholder",
    ),
)  # fmt: skip
"""The network's indicators, in the order a screen shows them."""

register(*NETWORK_INDICATORS)
