"""Siting plans and scenarios as JSON-ready dicts, shared by the command line and the API."""

from __future__ import annotations

import math
from typing import Any

from countyexpress.domain.siting_scenarios import Scenario, ScenarioFigures
from countyexpress.planning.siting import Service
from countyexpress.services.siting import SitePlan


def _service(s: Service) -> dict[str, Any]:
    return {"open_sites": s.open_sites, "mean_km": _round(s.mean_km), "coverage": s.covered_share}


def _round(x: float | None, digits: int = 3) -> float | None:
    return None if x is None or not math.isfinite(x) else round(x, digits)


def site_plan_json(plan: SitePlan) -> dict[str, Any]:
    """A siting run: the solver's answer, the sentence, coverage before/after, data notes."""
    r = plan.result
    return r.as_dict() | {
        "county": plan.county,
        "kind": plan.kind.value,
        "objective_kind": r.request.objective.value,
        "p": r.request.p,
        "radius_km": plan.radius_km,
        "explanation": plan.explain(),
        "chosen_sites": [{"id": i, "name": plan.names.get(i, i)} for i in r.chosen],
        "existing": list(plan.existing),
        "before": _service(plan.before),
        "after": _service(plan.after),
        "unreachable": list(r.unreachable),
        "notes": list(plan.notes),
        "saved": plan.saved,
        "replaced": plan.replaced,
    }


def scenario_json(s: Scenario) -> dict[str, Any]:
    """A saved scenario, its sites included."""
    return {
        "name": s.name,
        "county": s.county,
        "kind": s.kind.value,
        "objective": s.objective,
        "p": s.p,
        "radius_km": s.radius_km,
        "new": len(s.new_sites),
        "existing": len(s.sites) - len(s.new_sites),
        "optimal": s.optimal,
        "explanation": s.explanation,
        "created_at": s.created_at.isoformat(),
        "created_by": s.created_by,
        "sites": [
            {
                "id": x.id,
                "name": x.name,
                "lat": x.location.lat,
                "lon": x.location.lon,
                "existing": x.existing,
            }
            for x in s.sites
        ],
    }


def figures_json(f: ScenarioFigures) -> dict[str, Any]:
    """One scenario's column of a comparison."""
    return {
        "name": f.name,
        "kind": f.kind.value,
        "objective": f.objective,
        "radius_km": f.radius_km,
        "existing": f.existing,
        "new": f.new,
        "coverage": _round(f.coverage_share, 4),
        "mean_km": _round(f.mean_km),
        "cost_cny": f.cost_cny,
        "cost_is_estimate": f.cost_is_estimate,
        "new_sites": list(f.new_sites),
    }
