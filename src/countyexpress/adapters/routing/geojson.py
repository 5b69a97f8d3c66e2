"""A day's plan as GeoJSON (RFC 7946): a LineString per vehicle, a Point per stop and depot.

Coordinates are WGS-84 in [longitude, latitude] order, as RFC 7946 requires. A line runs
depot → stops in order → depot; a stop without coordinates is left out of the map.
"""

from __future__ import annotations

from typing import Any

from countyexpress.domain.geography import Coordinates
from countyexpress.planning.routing.dayplan import DayPlan

__all__ = ["plan_geojson"]


def _xy(where: Coordinates) -> list[float]:
    return [round(where.lon, 6), round(where.lat, 6)]


def plan_geojson(plan: DayPlan) -> dict[str, Any]:
    """The plan as a FeatureCollection; each feature's `role` is depot, route or stop."""
    features: list[dict[str, Any]] = []
    depot = plan.depot.location
    if depot is not None:
        features.append({
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": _xy(depot)},
            "properties": {"role": "depot", "plan_id": plan.plan_id, "code": plan.depot.code,
                           "name": plan.depot.name},
        })  # fmt: skip
    for run in plan.runs:
        points = [s.location for s in run.stops if s.location is not None]
        if depot is not None:
            points = [depot, *points, depot]
        if len(points) >= 2:
            features.append({
                "type": "Feature",
                "geometry": {"type": "LineString", "coordinates": [_xy(p) for p in points]},
                "properties": {
                    "role": "route", "plan_id": plan.plan_id, "vehicle": run.vehicle,
                    "kind": run.kind, "plate": run.plate, "number": run.number,
                    "name": run.label,
                    "refrigerated": run.refrigerated, "stops": len(run.stops),
                    "parcels": run.parcels, "pickups": run.pickups,
                    "distance_km": run.distance_km, "duration_h": run.duration_h,
                    "departs": run.departs.isoformat(), "returns": run.returns.isoformat(),
                },
            })  # fmt: skip
        for s in run.stops:
            if s.location is None:
                continue
            features.append({
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": _xy(s.location)},
                "properties": {
                    "role": "stop", "plan_id": plan.plan_id, "vehicle": run.vehicle,
                    "sequence": s.sequence, "code": s.code, "name": s.name, "kind": s.kind,
                    "parcels": s.parcels, "kg": s.kg, "pickups": s.pickups, "cold": s.cold,
                    "planned_arrival": s.arrival.isoformat(),
                },
            })  # fmt: skip
    return {
        "type": "FeatureCollection",
        "name": plan.plan_id,
        "properties": {
            "plan_id": plan.plan_id,
            "county": plan.county_code,
            "date": plan.day.isoformat(),
            "basis": plan.basis,
            "fleet": plan.fleet_label,
        },
        "features": features,
    }
