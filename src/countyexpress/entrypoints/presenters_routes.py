"""Route plans and their progress as JSON-ready dicts, for the command line and the API."""

from __future__ import annotations

from typing import Any

from countyexpress.planning.routing.dayplan import DayPlan, PlannedStop, VehicleRun
from countyexpress.planning.routing.progress import Progress, StopState


def _hhmm(t: Any) -> str:
    return str(t.strftime("%H:%M"))


def stop_json(s: PlannedStop) -> dict[str, Any]:
    """One stop of a run."""
    return {
        "sequence": s.sequence,
        "stop": s.code,
        "name": s.name,
        "kind": s.kind,
        "lat": s.location.lat if s.location else None,
        "lon": s.location.lon if s.location else None,
        "parcels": s.parcels,
        "kg": round(s.kg, 2),
        "m3": round(s.m3, 3),
        "pickups": s.pickups,
        "cold": s.cold,
        "planned_arrival": s.arrival.isoformat(),
    }


def run_json(r: VehicleRun) -> dict[str, Any]:
    """One vehicle's run."""
    return {
        "vehicle": r.vehicle,
        "kind": r.kind,
        "plate": r.plate,
        "number": r.number,
        "name": r.label,  # unified number · plate · kind, as every screen names it
        "refrigerated": r.refrigerated,
        "departs": r.departs.isoformat(),
        "returns": r.returns.isoformat(),
        "distance_km": round(r.distance_km, 2),
        "duration_h": round(r.duration_h, 2),
        "cost": round(r.cost, 2),
        "parcels": r.parcels,
        "pickups": r.pickups,
        "stops": [stop_json(s) for s in r.stops],
    }


def plan_json(p: DayPlan) -> dict[str, Any]:
    """A stored plan with its runs and figures."""
    return {
        "plan_id": p.plan_id,
        "county": p.county_code,
        "date": p.day.isoformat(),
        "created_at": p.created_at.isoformat(),
        "depot": {
            "code": p.depot.code,
            "name": p.depot.name,
            "lat": p.depot.location.lat if p.depot.location else None,
            "lon": p.depot.location.lon if p.depot.location else None,
        },
        "vehicles": len(p.runs),
        "stops": sum(len(r.stops) for r in p.runs),
        "parcels": sum(r.parcels for r in p.runs),
        "pickups": sum(r.pickups for r in p.runs),
        "distance_km": round(p.distance_km, 2),
        "duration_h": round(p.duration_h, 2),
        "cost": round(p.cost, 2),
        "feasible": p.feasible,
        "violations": list(p.violations),
        "unserved": list(p.unserved),
        "basis": p.basis,
        "fleet": p.fleet_label,
        "runs": [run_json(r) for r in p.runs],
    }


def progress_json(p: Progress) -> dict[str, Any]:
    """Each planned stop's state, the counts by state, and the off-plan scans."""
    return {
        "plan_id": p.plan_id,
        "counts": {s.value: p.count(s) for s in StopState},
        "stops": [
            {
                "vehicle": s.vehicle,
                "sequence": s.sequence,
                "stop": s.stop,
                "state": s.state.value,
                "parcels": s.parcels,
                "delivered": s.delivered,
                "pickups": s.pickups,
                "picked_up": s.picked_up,
                "planned_arrival": s.planned.isoformat(),
                "last_scan": s.last_scan.isoformat() if s.last_scan else None,
            }
            for s in p.stops
        ],
        "off_plan": [
            {
                "waybill_no": o.waybill_no,
                "stop": o.stop,
                "kind": o.kind,
                "facility": o.facility,
                "at": o.at.isoformat(),
                "reason": o.reason,
            }
            for o in p.off_plan
        ],
    }
