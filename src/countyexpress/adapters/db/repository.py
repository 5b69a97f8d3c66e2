"""The county repository: County aggregates to rows and back, with a cache per database.

Every operations service reads the whole county (divisions, facilities, plan, rules) at
the start of its transaction: about 17 ms on SQLite. A county changes only through `add`
(a load, a registry import) and `remove`, and `add` stamps `counties.loaded_at`; so the
county read once is kept per database (engine) with the `loaded_at` it was read at, and
each `get` costs one primary-key look-up of `loaded_at` while the county is unchanged.
A change in another transaction or process shows as another `loaded_at`, and the county
is read again; a change rolled back never matches the committed `loaded_at`.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from dataclasses import asdict
from typing import Any

from sqlalchemy import Connection, Engine, delete, func, insert, select

from countyexpress.adapters.db import tables as t
from countyexpress.adapters.rules_codec import rules_from_dict, rules_to_dict
from countyexpress.domain.county import County, Source
from countyexpress.domain.facilities import (
    Carrier,
    ColdStore,
    Facility,
    FacilityKind,
    FacilityStatus,
    FiveHaves,
    LockerCompartments,
    OutletFiling,
)
from countyexpress.domain.geography import Coordinates, DataQuality, Division, DivisionLevel
from countyexpress.domain.plan import CountyPlan, PlanTask, Standards, Target, Unit
from countyexpress.memo import WeakMemo


def _plan_to_json(plan: CountyPlan) -> dict[str, Any]:
    data = asdict(plan)
    data["issued_on"] = plan.issued_on.isoformat() if plan.issued_on else None
    data["standards"]["extra"] = dict(plan.standards.extra)
    return data


def _plan_from_json(data: dict[str, Any]) -> CountyPlan:
    std = dict(data["standards"])
    std["five_haves"] = tuple(std["five_haves"])
    return CountyPlan(
        title=data["title"],
        title_en=data["title_en"],
        issued_on=dt.date.fromisoformat(data["issued_on"]) if data["issued_on"] else None,
        issuer=data["issuer"],
        units=tuple(Unit(**u) for u in data["units"]),
        tasks=tuple(
            PlanTask(**{**x, "lead": tuple(x["lead"]), "cooperating": tuple(x["cooperating"])})
            for x in data["tasks"]
        ),
        targets=tuple(Target(**x) for x in data["targets"]),
        standards=Standards(**std),
    )


def _details_to_json(f: Facility) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if f.filing:
        filing = asdict(f.filing)
        for k in ("opened_on", "filed_on"):
            filing[k] = filing[k].isoformat() if filing[k] else None
        out["filing"] = filing
    if f.five_haves:
        out["five_haves"] = asdict(f.five_haves)
    if f.compartments:
        out["compartments"] = asdict(f.compartments)
    if f.cold:
        out["cold"] = asdict(f.cold)
    return out


def _details_from_json(data: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if "filing" in data:
        filing = dict(data["filing"])
        for k in ("opened_on", "filed_on"):
            filing[k] = dt.date.fromisoformat(filing[k]) if filing[k] else None
        out["filing"] = OutletFiling(**filing)
    if "five_haves" in data:
        out["five_haves"] = FiveHaves(**data["five_haves"])
    if "compartments" in data:
        out["compartments"] = LockerCompartments(**data["compartments"])
    if "cold" in data:
        out["cold"] = ColdStore(**data["cold"])
    return out


def _point(lat: float | None, lon: float | None) -> Coordinates | None:
    return None if lat is None or lon is None else Coordinates(lat, lon)


class CountyCache:
    """Counties of one database as last read, each with its version (`loaded_at`).

    Shared by the units of work of a process (the web app's threads among them); the
    County objects handed out are shared too, and are never changed in place (a registry
    import stores a changed copy)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._entries: dict[str, tuple[dt.datetime, County]] = {}

    def get(
        self, code: str, version: dt.datetime, read: Callable[[], County | None]
    ) -> County | None:
        """The county at `version`: kept, or `read` and kept."""
        with self._lock:
            hit = self._entries.get(code)
        if hit is not None and hit[0] == version:
            return hit[1]
        county = read()
        if county is not None:
            with self._lock:
                self._entries[code] = (version, county)
        return county

    def forget(self, code: str) -> None:
        """Drop a county (it was removed or replaced)."""
        with self._lock:
            self._entries.pop(code, None)


county_cache: WeakMemo[Engine, CountyCache] = WeakMemo(lambda _engine: CountyCache())
"""The county cache of the database behind an engine, made on first use."""


class SqlCountyRepository:
    """Counties stored in the tables of `adapters.db.tables`, on one connection; with a
    `cache`, `get` reads a county again only when its `loaded_at` changed."""

    def __init__(self, connection: Connection, cache: CountyCache | None = None) -> None:
        self.connection = connection
        self._versions = cache

    def codes(self) -> list[str]:
        """The codes of every stored county."""
        rows = self.connection.execute(select(t.counties.c.code).order_by(t.counties.c.code))
        return [r.code for r in rows]

    def count(self) -> int:
        """How many counties are stored."""
        return int(self.connection.scalar(select(func.count()).select_from(t.counties)) or 0)

    def remove(self, code: str) -> None:
        """Delete a county and all its pack rows."""
        if self._versions is not None:
            self._versions.forget(code)
        for table in (t.carriers, t.facilities, t.divisions):
            self.connection.execute(delete(table).where(table.c.county_code == code))
        self.connection.execute(delete(t.counties).where(t.counties.c.code == code))

    def add(self, county: County) -> None:
        """Store a county, replacing what was stored under its code."""
        self.remove(county.code)
        c = county
        self.connection.execute(
            insert(t.counties).values(
                code=c.code,
                name=c.name,
                name_en=c.name_en,
                province=c.province,
                prefecture=c.prefecture,
                population=c.population,
                population_source=c.population_source,
                population_source_en=c.population_source_en,
                seat_lat=c.seat.lat if c.seat else None,
                seat_lon=c.seat.lon if c.seat else None,
                sources=[asdict(s) for s in c.sources],
                plan=_plan_to_json(c.plan),
                operations=rules_to_dict(c.operations),
                loaded_at=dt.datetime.now(dt.UTC),
            )
        )
        if c.divisions:
            self.connection.execute(
                insert(t.divisions),
                [
                    {
                        "county_code": c.code,
                        "code": d.code,
                        "seq": i,
                        "name": d.name,
                        "level": d.level.value,
                        "parent_code": d.parent_code,
                        "population": d.population,
                        "lat": d.location.lat if d.location else None,
                        "lon": d.location.lon if d.location else None,
                        "quality": d.quality.value,
                        "coord_quality": d.coord_quality.value,
                        "note": d.note,
                    }
                    for i, d in enumerate(c.divisions)
                ],
            )
        if c.facilities:
            self.connection.execute(
                insert(t.facilities),
                [
                    {
                        "county_code": c.code,
                        "code": f.code,
                        "seq": i,
                        "name": f.name,
                        "kind": f.kind.value,
                        "division_code": f.division_code,
                        "lat": f.location.lat if f.location else None,
                        "lon": f.location.lon if f.location else None,
                        "operator": f.operator,
                        "status": f.status.value,
                        "quality": f.quality.value,
                        "carriers": list(f.carriers),
                        "details": _details_to_json(f),
                        "note": f.note,
                    }
                    for i, f in enumerate(c.facilities)
                ],
            )
        if c.carriers:
            self.connection.execute(
                insert(t.carriers),
                [{"county_code": c.code, "seq": i, **asdict(x)} for i, x in enumerate(c.carriers)],
            )

    def get(self, code: str) -> County | None:
        """The stored county with this code, or None."""
        if self._versions is None:
            return self._read(code)
        version = self.connection.scalar(
            select(t.counties.c.loaded_at).where(t.counties.c.code == code)
        )
        if version is None:
            return None
        return self._versions.get(code, version, lambda: self._read(code))

    def _read(self, code: str) -> County | None:
        row = self.connection.execute(
            select(t.counties).where(t.counties.c.code == code)
        ).one_or_none()
        if row is None:
            return None
        county = County(
            code=row.code,
            name=row.name,
            name_en=row.name_en,
            province=row.province,
            prefecture=row.prefecture,
            population=row.population,
            population_source=row.population_source,
            population_source_en=row.population_source_en,
            seat=_point(row.seat_lat, row.seat_lon),
            sources=tuple(Source(**s) for s in row.sources),
            plan=_plan_from_json(row.plan),
            operations=rules_from_dict(row.operations or {}),
        )
        county.divisions = [
            Division(
                code=d.code,
                name=d.name,
                level=DivisionLevel(d.level),
                parent_code=d.parent_code,
                population=d.population,
                location=_point(d.lat, d.lon),
                quality=DataQuality(d.quality),
                coord_quality=DataQuality(d.coord_quality),
                note=d.note,
            )
            for d in self._rows(t.divisions, code)
        ]
        county.facilities = [
            Facility(
                code=f.code,
                name=f.name,
                kind=FacilityKind(f.kind),
                location=_point(f.lat, f.lon),
                division_code=f.division_code,
                operator=f.operator,
                status=FacilityStatus(f.status),
                quality=DataQuality(f.quality),
                carriers=tuple(f.carriers),
                note=f.note,
                **_details_from_json(f.details),
            )
            for f in self._rows(t.facilities, code)
        ]
        county.carriers = [
            Carrier(code=x.code, name=x.name, name_en=x.name_en, note=x.note, note_en=x.note_en)
            for x in self._rows(t.carriers, code)
        ]
        return county

    def facility_counties(self) -> dict[str, set[str]]:
        """Which counties have a facility of each code (codes may repeat across counties)."""
        out: dict[str, set[str]] = {}
        for r in self.connection.execute(select(t.facilities.c.code, t.facilities.c.county_code)):
            out.setdefault(r.code, set()).add(r.county_code)
        return out

    def carrier_codes(self, code: str) -> set[str]:
        """The carriers a county's pack lists (empty: the pack lists none)."""
        rows = self.connection.execute(
            select(t.carriers.c.code).where(t.carriers.c.county_code == code)
        )
        return {r.code for r in rows}

    def _rows(self, table: Any, code: str) -> Any:
        return self.connection.execute(
            select(table).where(table.c.county_code == code).order_by(table.c.seq)
        )
