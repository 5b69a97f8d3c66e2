"""Route plans on SQL, and what a day's plan is made from: waiting parcels and pickups.

Times are stored in UTC (SQLite keeps no offset) with the county's offset beside them, so
a plan reads back in the county's local time.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import Connection, and_, exists, insert, select

from countyexpress.adapters.db.ledger import _aware
from countyexpress.adapters.db.tables_intake import intake_records
from countyexpress.adapters.db.tables_ledger import scan_events
from countyexpress.adapters.db.tables_ops import manifest_items
from countyexpress.adapters.db.tables_routes import route_parcels, route_plans, route_stops
from countyexpress.domain.geography import Coordinates
from countyexpress.domain.scans import ScanKind
from countyexpress.planning.routing.daily import Parcel, Pickup, Place
from countyexpress.planning.routing.dayplan import DayPlan, PlannedStop, VehicleRun


def _utc(value: dt.datetime) -> dt.datetime:
    return value.astimezone(dt.UTC)


def _local(value: dt.datetime, offset_min: int) -> dt.datetime:
    return _aware(value).astimezone(dt.timezone(dt.timedelta(minutes=offset_min)))


def _where(lat: float | None, lon: float | None) -> Coordinates | None:
    return None if lat is None or lon is None else Coordinates(lat, lon)


def _offset_min(value: dt.datetime) -> int:
    delta = value.utcoffset()
    return round(delta.total_seconds() / 60) if delta is not None else 0


class SqlRoutes:
    """Stored route plans of one connection's transaction, and the inputs of a new one."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection

    # inputs of a day's plan ----------------------------------------------------
    def waiting_parcels(self, county: str) -> list[Parcel]:
        """Parcels sorted to a route bag and not yet dispatched, by waybill."""
        c = manifest_items.c
        rows = self.connection.execute(
            select(c.waybill_no, c.carrier, c.route_bag, c.weight_kg, c.size, c.cold, c.priority)
            .where(c.county_code == county, c.route_bag.is_not(None), c.vehicle.is_(None))
            .order_by(c.waybill_no)
        )
        return [
            Parcel(
                r.waybill_no,
                r.carrier,
                r.route_bag,
                r.weight_kg,
                r.size,
                bool(r.cold),
                bool(r.priority),
            )
            for r in rows
        ]

    def waiting_pickups(
        self, county: str, since: dt.datetime, until: dt.datetime, facilities: Sequence[str]
    ) -> list[Pickup]:
        """Outbound parcels taken in (揽收, by the device's clock) at `facilities` in
        [since, until) that have not left yet."""
        if not facilities:
            return []
        i, e = intake_records.c, scan_events.c
        d = scan_events.alias("departed")
        departed = exists().where(
            d.c.county_code == county,
            d.c.waybill_no == e.waybill_no,
            d.c.kind == ScanKind.DEPART.value,
        )
        rows = self.connection.execute(
            select(e.waybill_no, e.carrier, e.facility)
            .join(
                intake_records, and_(i.county_code == e.county_code, i.waybill_no == e.waybill_no)
            )
            .where(
                e.county_code == county,
                e.kind == ScanKind.COLLECT.value,
                e.at >= _utc(since),
                e.at < _utc(until),
                e.facility.in_(list(facilities)),
                ~departed,
            )
            .order_by(e.waybill_no)
            .distinct()
        )
        return [Pickup(r.waybill_no, r.carrier, r.facility) for r in rows]

    # plans --------------------------------------------------------------------
    def add(self, plan: DayPlan, parcels: Mapping[str, Sequence[tuple[str, str, str]]]) -> None:
        """Store a plan, its stops and each stop's parcels (waybill, carrier, direction)."""
        self.connection.execute(
            insert(route_plans).values(
                plan_id=plan.plan_id,
                county_code=plan.county_code,
                day=plan.day,
                created_at=_utc(plan.created_at),
                depot=plan.depot.code,
                depot_name=plan.depot.name,
                depot_lat=plan.depot.location.lat if plan.depot.location else None,
                depot_lon=plan.depot.location.lon if plan.depot.location else None,
                distance_km=plan.distance_km,
                duration_h=plan.duration_h,
                cost=plan.cost,
                feasible=plan.feasible,
                violations=list(plan.violations),
                unserved=list(plan.unserved),
                runs=[_run_json(r) for r in plan.runs],
                basis=plan.basis,
                fleet_label=plan.fleet_label,
            )
        )
        stops = [_stop_row(plan.plan_id, r.vehicle, s) for r in plan.runs for s in r.stops]
        if stops:
            self.connection.execute(insert(route_stops), stops)
        rows = [
            {"plan_id": plan.plan_id, "waybill_no": w, "stop": stop, "carrier": carrier,
             "direction": direction}
            for stop, items in parcels.items() for w, carrier, direction in items
        ]  # fmt: skip
        if rows:
            self.connection.execute(insert(route_parcels), rows)

    def get(self, plan_id: str) -> DayPlan | None:
        """The stored plan, in the county's local time."""
        p = self.connection.execute(
            select(route_plans).where(route_plans.c.plan_id == plan_id)
        ).one_or_none()
        if p is None:
            return None
        s = route_stops.c
        by_vehicle: dict[str, list[PlannedStop]] = {}
        for r in self.connection.execute(
            select(route_stops).where(s.plan_id == plan_id).order_by(s.vehicle, s.sequence)
        ):
            by_vehicle.setdefault(r.vehicle, []).append(
                PlannedStop(
                    sequence=r.sequence,
                    code=r.stop,
                    name=r.name,
                    kind=r.kind,
                    location=_where(r.lat, r.lon),
                    parcels=r.parcels,
                    kg=r.kg,
                    m3=r.m3,
                    pickups=r.pickups,
                    cold=bool(r.cold),
                    arrival=_local(r.planned_arrival, r.utc_offset_min),
                )
            )
        runs = tuple(_run(j, tuple(by_vehicle.get(j["vehicle"], ()))) for j in p.runs)
        offset = runs[0].departs.utcoffset() if runs else None
        created = _aware(p.created_at)
        if offset is not None:
            created = created.astimezone(dt.timezone(offset))
        return DayPlan(
            plan_id=p.plan_id,
            county_code=p.county_code,
            day=p.day,
            created_at=created,
            depot=Place(p.depot, p.depot_name, "center", _where(p.depot_lat, p.depot_lon)),
            runs=runs,
            unserved=tuple(p.unserved),
            distance_km=p.distance_km,
            duration_h=p.duration_h,
            cost=p.cost,
            violations=tuple(p.violations),
            basis=p.basis,
            fleet_label=p.fleet_label,
        )

    def expected(self, plan_id: str) -> dict[str, list[tuple[str, str]]]:
        """Each stop's (waybill, direction) as planned."""
        c = route_parcels.c
        out: dict[str, list[tuple[str, str]]] = {}
        rows = self.connection.execute(
            select(c.stop, c.waybill_no, c.direction)
            .where(c.plan_id == plan_id)
            .order_by(c.stop, c.waybill_no)
        )
        for r in rows:
            out.setdefault(r.stop, []).append((r.waybill_no, r.direction))
        return out

    def plan_ids(self, county: str, day: dt.date | None = None) -> list[str]:
        """The county's plans (of `day`), newest first."""
        c = route_plans.c
        q = select(c.plan_id).where(c.county_code == county)
        if day is not None:
            q = q.where(c.day == day)
        return [r.plan_id for r in self.connection.execute(q.order_by(c.created_at.desc()))]


def _run_json(r: VehicleRun) -> dict[str, Any]:
    return {
        "vehicle": r.vehicle,
        "kind": r.kind,
        "plate": r.plate,
        "number": r.number,
        "refrigerated": r.refrigerated,
        "departs": r.departs.isoformat(),
        "returns": r.returns.isoformat(),
        "distance_km": r.distance_km,
        "duration_h": r.duration_h,
        "cost": r.cost,
    }


def _run(j: Mapping[str, Any], stops: tuple[PlannedStop, ...]) -> VehicleRun:
    return VehicleRun(
        vehicle=j["vehicle"],
        kind=j["kind"],
        plate=j["plate"],
        number=j["number"],
        refrigerated=bool(j["refrigerated"]),
        departs=dt.datetime.fromisoformat(j["departs"]),
        returns=dt.datetime.fromisoformat(j["returns"]),
        distance_km=float(j["distance_km"]),
        duration_h=float(j["duration_h"]),
        cost=float(j["cost"]),
        stops=stops,
    )


def _stop_row(plan_id: str, vehicle: str, s: PlannedStop) -> dict[str, Any]:
    return {
        "plan_id": plan_id,
        "vehicle": vehicle,
        "sequence": s.sequence,
        "stop": s.code,
        "name": s.name,
        "kind": s.kind,
        "lat": s.location.lat if s.location else None,
        "lon": s.location.lon if s.location else None,
        "parcels": s.parcels,
        "kg": s.kg,
        "m3": s.m3,
        "pickups": s.pickups,
        "cold": s.cold,
        "planned_arrival": _utc(s.arrival),
        "utc_offset_min": _offset_min(s.arrival),
    }
