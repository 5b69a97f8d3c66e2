"""Emergency resources on SQL (issue 14, task 13): teams, resources, and the order in which
stored route plans serve their priority stops."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Connection, and_, insert, select, update

from countyexpress.adapters.db.tables_emergency import emergency_resources, emergency_teams
from countyexpress.adapters.db.tables_ops import manifest_items
from countyexpress.adapters.db.tables_routes import route_parcels, route_plans, route_stops
from countyexpress.domain.emergency import Availability, Resource, ResourceKind, RouteOrder, Team


class SqlEmergency:
    """A county's emergency teams and resources inside the unit of work's transaction."""

    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def put_team(self, county_code: str, team: Team, at: dt.datetime) -> None:
        """Add `team` or replace the team with its code."""
        t = emergency_teams
        values = {
            "name": team.name, "leader": team.leader, "members": list(team.members),
            "vehicles": list(team.vehicles), "equipment": list(team.equipment),
            "availability": team.availability.value, "updated_at": at.astimezone(dt.UTC),
        }  # fmt: skip
        key = (t.c.county_code == county_code) & (t.c.code == team.code)
        if not self._c.execute(update(t).where(key).values(values)).rowcount:
            self._c.execute(insert(t).values(county_code=county_code, code=team.code, **values))

    def team(self, county_code: str, code: str) -> Team | None:
        """The team with `code`, or None."""
        t = emergency_teams
        row = self._c.execute(
            select(t).where(t.c.county_code == county_code, t.c.code == code)
        ).mappings().first()  # fmt: skip
        return None if row is None else _team(row)

    def teams(self, county_code: str) -> list[Team]:
        """The county's teams by code."""
        t = emergency_teams
        rows = self._c.execute(
            select(t).where(t.c.county_code == county_code).order_by(t.c.code)
        ).mappings()
        return [_team(r) for r in rows]

    def add_resource(self, county_code: str, resource: Resource, at: dt.datetime) -> int:
        """Store a new resource; its number."""
        r = resource
        done = self._c.execute(
            insert(emergency_resources).values(
                county_code=county_code, kind=r.kind.value, name=r.name, quantity=r.quantity,
                unit=r.unit, location=r.location, availability=r.availability.value,
                updated_at=at.astimezone(dt.UTC),
            )
        )  # fmt: skip
        pk = done.inserted_primary_key
        assert pk is not None
        return int(pk[0])

    def resources(self, county_code: str) -> list[Resource]:
        """The county's resources by kind, then number."""
        t = emergency_resources
        rows = self._c.execute(
            select(t).where(t.c.county_code == county_code).order_by(t.c.kind, t.c.id)
        ).mappings()
        return [
            Resource(
                ResourceKind(r["kind"]), r["name"], r["quantity"], r["unit"], r["location"],
                Availability(r["availability"]), r["id"],
            )
            for r in rows
        ]  # fmt: skip

    def route_orders(self, county_code: str) -> list[RouteOrder]:
        """Every stored plan of the county with its runs as priority flags in stop order: a
        stop is a priority stop when a parcel delivered there is marked as emergency supplies
        (manifest_items.priority)."""
        s, p, m = route_stops.c, route_parcels.c, manifest_items.c
        marked = (
            select(p.plan_id, p.stop)
            .join(
                manifest_items,
                and_(m.county_code == county_code, m.waybill_no == p.waybill_no),
            )
            .where(m.priority.is_(True), p.direction == "delivery")
            .distinct()
        )
        priority = {(r.plan_id, r.stop) for r in self._c.execute(marked)}
        plans = self._c.execute(
            select(route_plans.c.plan_id, route_plans.c.day)
            .where(route_plans.c.county_code == county_code)
            .order_by(route_plans.c.day, route_plans.c.plan_id)
        ).all()
        runs: dict[str, dict[str, list[bool]]] = {}
        rows = self._c.execute(
            select(s.plan_id, s.vehicle, s.stop)
            .join(route_plans, route_plans.c.plan_id == s.plan_id)
            .where(route_plans.c.county_code == county_code)
            .order_by(s.plan_id, s.vehicle, s.sequence)
        )
        for r in rows:
            flags = runs.setdefault(r.plan_id, {}).setdefault(r.vehicle, [])
            flags.append((r.plan_id, r.stop) in priority)
        return [
            RouteOrder(pl.plan_id, pl.day, tuple(map(tuple, runs.get(pl.plan_id, {}).values())))
            for pl in plans
        ]


def _team(row: Any) -> Team:
    return Team(
        row["code"], row["name"], row["leader"], tuple(row["members"]), tuple(row["vehicles"]),
        tuple(row["equipment"]), Availability(row["availability"]),
    )  # fmt: skip
