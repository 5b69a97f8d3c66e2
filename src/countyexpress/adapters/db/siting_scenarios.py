"""Saved siting scenarios on SQL (tables_scenarios)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Connection, delete, insert, select

from countyexpress.adapters.db.tables_scenarios import siting_scenarios as t
from countyexpress.domain.facilities import FacilityKind
from countyexpress.domain.geography import Coordinates
from countyexpress.domain.siting_scenarios import Scenario, ScenarioSite


class SqlSitingScenarios:
    """A county's saved siting scenarios, inside the unit of work's transaction."""

    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def save(self, s: Scenario) -> bool:
        """Store `s`, replacing a scenario of the same name; True when one was replaced."""
        gone = self._c.execute(
            delete(t).where(t.c.county_code == s.county, t.c.name == s.name)
        ).rowcount
        self._c.execute(
            insert(t).values(
                county_code=s.county,
                name=s.name,
                kind=s.kind.value,
                objective=s.objective,
                p=s.p,
                radius_km=s.radius_km,
                sites=[_site_json(x) for x in s.sites],
                explanation=s.explanation,
                optimal=s.optimal,
                figures=dict(s.figures or {}),
                created_at=s.created_at.astimezone(dt.UTC),
                created_by=s.created_by,
            )
        )
        return bool(gone)

    def get(self, county: str, name: str) -> Scenario | None:
        """The scenario of this name, if any."""
        row = self._c.execute(select(t).where(t.c.county_code == county, t.c.name == name)).first()
        return None if row is None else _scenario(row._mapping)

    def list(self, county: str) -> list[Scenario]:
        """The county's scenarios, oldest first."""
        rows = self._c.execute(
            select(t).where(t.c.county_code == county).order_by(t.c.created_at, t.c.name)
        )
        return [_scenario(r._mapping) for r in rows]


def _site_json(s: ScenarioSite) -> dict[str, Any]:
    return {
        "id": s.id,
        "name": s.name,
        "lat": s.location.lat,
        "lon": s.location.lon,
        "existing": s.existing,
    }


def _scenario(m: Any) -> Scenario:
    created: dt.datetime = m["created_at"]
    if created.tzinfo is None:  # SQLite keeps no offset; stored in UTC
        created = created.replace(tzinfo=dt.UTC)
    return Scenario(
        county=m["county_code"],
        name=m["name"],
        kind=FacilityKind(m["kind"]),
        objective=m["objective"],
        p=m["p"],
        radius_km=m["radius_km"],
        sites=tuple(
            ScenarioSite(x["id"], x["name"], Coordinates(x["lat"], x["lon"]), bool(x["existing"]))
            for x in m["sites"]
        ),
        explanation=m["explanation"],
        optimal=bool(m["optimal"]),
        created_at=created,
        created_by=m["created_by"],
        figures=dict(m["figures"]),
    )
