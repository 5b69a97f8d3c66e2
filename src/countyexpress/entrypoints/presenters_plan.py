"""Public shapes of indicators and coverage, shared by the CLI's JSON and the API."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from countyexpress.domain.coverage import CoverageReport, PlaceCoverage
from countyexpress.domain.indicators import IndicatorValue, Part


def number(x: float | None) -> float | int | None:
    """A whole float as an int (15.0 → 15), anything else as it is."""
    if isinstance(x, float) and x.is_integer():
        return int(x)
    return x


def _detail(d: Mapping[str, Any]) -> dict[str, Any]:
    return {k: number(v) if isinstance(v, float) else v for k, v in d.items()}


def part_json(p: Part) -> dict[str, Any]:
    """One division's share of an indicator."""
    return {
        "code": p.code,
        "name": p.name,
        "level": p.level,
        "value": number(p.value),
        "required": number(p.required),
        "status": p.status.value,
        "detail": _detail(p.detail),
    }


def indicator_json(v: IndicatorValue) -> dict[str, Any]:
    """An indicator's value against its target, with its task's units and breakdown."""
    return {
        "task": v.task,
        "indicator": v.indicator,
        "value": number(v.value),
        "target": number(v.target),
        "unit": v.unit,
        "year": v.year,
        "target_year": v.target_year,
        "lead_unit": v.lead_unit,
        "status": v.status.value,
        "direction": v.direction.value,
        "lead_units": list(v.lead_units),
        "cooperating_units": list(v.cooperating_units),
        "title": v.title,
        "title_en": v.title_en,
        "rule": v.rule,
        "target_note": v.target_note,
        "target_note_en": v.target_note_en,
        "note": str(v.note),
        "detail": _detail(v.detail),
        "parts": [part_json(p) for p in v.parts],
    }


def _place_json(p: PlaceCoverage) -> dict[str, Any]:
    return {
        "code": p.code,
        "name": p.name,
        "level": p.level.value,
        "parent_code": p.parent_code,
        "population": p.population,
        "located": p.located,
        "outside": [k.value for k in p.outside],
        "nearest": {
            r.kind.value: {
                "code": r.code,
                "name": r.name,
                "km": round(r.km, 3) if r.km is not None else None,
                "basis": r.basis.value if r.basis is not None else None,
                "within": r.within,
                "judged": r.judged,
            }
            for r in p.nearest
        },
    }


def coverage_json(r: CoverageReport) -> dict[str, Any]:
    """Nearest facilities of every village and community, and who is outside the radius."""
    return {
        "county": r.county,
        "radius_km": r.radius_km,
        "circuity": r.circuity,
        "road_pairs": r.road_pairs,
        "kinds": [k.value for k in r.kinds],
        "summary": [
            {
                "kind": s.kind.value,
                "facilities": s.facilities,
                "places": s.places,
                "places_within": s.places_within,
                "population": s.population,
                "population_within": s.population_within,
                "population_share": s.population_share,
                "outside": list(s.outside),
            }
            for s in r.summary
        ],
        "places": [_place_json(p) for p in r.places],
    }
