"""The region screen's figures, read set-based for every county at once (issue 17, item 5).

Each method is one query over all the counties asked for (a prefecture's code prefix, or
all), grouped by county: the registry tables, the newest assessment snapshot, the scan
ledger's last days, the parcels projection and the credit events. Nothing here runs a
county's indicator computation; a figure the tables do not hold is absent, not guessed.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, Connection, Engine, and_, distinct, func, select

from countyexpress.adapters.db.tables import counties, divisions, facilities
from countyexpress.adapters.db.tables_assessment import assessment_snapshots
from countyexpress.adapters.db.tables_ledger import parcels, scan_events
from countyexpress.adapters.db.tables_ops import manifest_items
from countyexpress.adapters.db.tables_supervision import credit_events
from countyexpress.memo import WeakMemo

__all__ = ["SqlRegionOverview"]


class RegistryFigures:
    """Figures of a county's registry (villages, stations) as computed at a version of the
    county (`counties.loaded_at`, stamped by every load and registry import): shared by the
    units of work of a process, recomputed only for a county whose version changed."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._entries: dict[str, tuple[dt.datetime, Any]] = {}

    def get(self, code: str, version: dt.datetime) -> Any | None:
        with self._lock:
            hit = self._entries.get(code)
        return hit[1] if hit is not None and hit[0] == version else None

    def put(self, code: str, version: dt.datetime, value: Any) -> None:
        with self._lock:
            self._entries[code] = (version, value)


registry_figures: WeakMemo[Engine, RegistryFigures] = WeakMemo(lambda _e: RegistryFigures())
"""The registry figures of the database behind an engine, made on first use."""


SIMULATED_RECHECK_S = 300.0
"""A county found without simulated parcels is looked at again after this many seconds; one
found with them stays so (simulated parcels leave only with a purge or a reload)."""


class SimulatedCounties:
    """Which counties hold simulated parcels, as last found: shared by the units of work of a
    process, so the region screen does not look through every county's manifests on every
    request."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._entries: dict[str, tuple[float, bool]] = {}

    def known(self, codes: Sequence[str]) -> tuple[set[str], list[str]]:
        """The counties of `codes` known to hold simulated parcels, and those to look at."""
        now = time.monotonic()
        yes: set[str] = set()
        ask: list[str] = []
        with self._lock:
            for code in codes:
                hit = self._entries.get(code)
                if hit is not None and hit[1]:
                    yes.add(code)
                elif hit is None or now - hit[0] > SIMULATED_RECHECK_S:
                    ask.append(code)
        return yes, ask

    def found(self, asked: Sequence[str], simulated: set[str]) -> None:
        now = time.monotonic()
        with self._lock:
            for code in asked:
                self._entries[code] = (now, code in simulated)


simulated_counties: WeakMemo[Engine, SimulatedCounties] = WeakMemo(lambda _e: SimulatedCounties())
"""The simulated counties of the database behind an engine, made on first use."""


def _prefix(column: ColumnElement[str], prefecture: str | None) -> ColumnElement[bool]:
    return column.like(f"{prefecture}%") if prefecture else column.is_not(None)


class SqlRegionOverview:
    """Read-only figures of many counties, on one connection."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection
        self.kept = registry_figures(connection.engine)

    def counties(self, prefecture: str | None) -> list[dict[str, Any]]:
        """Code, names, prefecture, plan and operating rules of each loaded county."""
        c = counties.c
        q = select(
            c.code, c.name, c.name_en, c.prefecture, c.plan, c.operations, c.loaded_at
        ).where(_prefix(c.code, prefecture))
        return [dict(r._mapping) for r in self.connection.execute(q.order_by(c.code))]

    def villages(
        self, codes: Sequence[str]
    ) -> list[tuple[str, str, int | None, float | None, float | None]]:
        """(county, code, population, lat, lon) of every administrative village of `codes`."""
        d = divisions.c
        q = select(d.county_code, d.code, d.population, d.lat, d.lon).where(
            d.county_code.in_(list(codes)), d.level == "village"
        )
        return [(str(k), str(c), p, a, o) for k, c, p, a, o in self.connection.execute(q)]

    def stations(
        self, codes: Sequence[str]
    ) -> list[tuple[str, str, bool, float | None, float | None]]:
        """(county, division, open, lat, lon) of every village station of `codes`."""
        f = facilities.c
        q = select(f.county_code, f.division_code, f.status, f.lat, f.lon).where(
            f.county_code.in_(list(codes)), f.kind == "station"
        )
        return [(str(k), str(d), s == "open", a, o) for k, d, s, a, o in self.connection.execute(q)]

    def newest_snapshots(
        self, prefecture: str | None
    ) -> dict[str, tuple[str, dict[str, float | None]]]:
        """Each county's newest snapshot month and its indicator values."""
        s = assessment_snapshots.c
        newest = (
            select(s.county_code.label("county"), func.max(s.month).label("month"))
            .where(_prefix(s.county_code, prefecture))
            .group_by(s.county_code)
            .subquery()
        )
        q = select(s.county_code, s.month, s.indicator, s.value).join(
            newest, and_(s.county_code == newest.c.county, s.month == newest.c.month)
        )
        out: dict[str, tuple[str, dict[str, float | None]]] = {}
        for code, month, name, value in self.connection.execute(q):
            out.setdefault(str(code), (str(month), {}))[1][str(name)] = (
                None if value is None else float(value)
            )
        return out

    def scans_since(
        self, prefecture: str | None, since: dt.datetime, kinds: Sequence[str]
    ) -> dict[tuple[str, str], int]:
        """Events of `kinds` scanned since `since`, per (county, kind): one statement, a
        count per county and kind, each a range of the (county, at) index."""
        c, e = counties.c, scan_events.c
        counts = [
            select(func.count())
            .where(e.county_code == c.code, e.at >= since.astimezone(dt.UTC), e.kind == kind)
            .scalar_subquery()
            .label(f"n{i}")
            for i, kind in enumerate(kinds)
        ]
        q = select(c.code, *counts).where(_prefix(c.code, prefecture))
        return {
            (str(r[0]), kind): int(r[i + 1])
            for r in self.connection.execute(q)
            for i, kind in enumerate(kinds)
        }

    def stuck(
        self, prefecture: str | None, before: dt.datetime, states: Sequence[str]
    ) -> dict[str, int]:
        """Parcels in one of `states` whose last event is older than `before`, per county:
        one statement, a count per county over the (county, state) index."""
        c, p = counties.c, parcels.c
        n = (
            select(func.count())
            .where(
                p.county_code == c.code,
                p.state.in_(list(states)),
                p.last_at.is_not(None),
                p.last_at < before.astimezone(dt.UTC),
            )
            .scalar_subquery()
        )
        q = select(c.code, n).where(_prefix(c.code, prefecture))
        return {str(k): int(v) for k, v in self.connection.execute(q)}

    def simulated(self, codes: Sequence[str], prefix: str) -> set[str]:
        """The counties of `codes` that hold simulated parcels (a manifest whose id starts
        with `prefix`, as services.simulation.is_simulated): one statement for the counties
        not known already (SimulatedCounties), the first such manifest line of each."""
        known = simulated_counties(self.connection.engine)
        yes, ask = known.known(codes)
        if ask:
            c, m = counties.c, manifest_items.c
            any_line = (
                select(m.county_code)
                .where(m.county_code == c.code, m.manifest_id.startswith(prefix, autoescape=True))
                .exists()
            )
            q = select(c.code).where(c.code.in_(list(ask)), any_line)
            found = {str(k) for (k,) in self.connection.execute(q)}
            known.found(ask, found)
            yes |= found
        return yes

    def estimated(self, codes: Sequence[str]) -> set[str]:
        """The counties of `codes` whose villages or communities hold an estimate or a
        placeholder (a name, a population or a position): their coverage is estimated."""
        d = divisions.c
        q = (
            select(d.county_code)
            .distinct()
            .where(
                d.county_code.in_(list(codes)),
                d.level.in_(("village", "community")),
                d.quality.in_(("estimate", "placeholder"))
                | d.coord_quality.in_(("estimate", "placeholder")),
            )
        )  # fmt: skip
        return {str(k) for (k,) in self.connection.execute(q)}

    def credit_subjects(self, prefecture: str | None, since: dt.date) -> dict[str, int]:
        """Subjects with a credit event (a demerit) on or after `since`, per county."""
        e = credit_events.c
        q = (
            select(e.county_code, func.count(distinct(e.subject)))
            .where(_prefix(e.county_code, prefecture), e.on_day >= since)
            .group_by(e.county_code)
        )
        return {str(k): int(n) for k, n in self.connection.execute(q)}
