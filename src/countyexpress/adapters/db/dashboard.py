"""Aggregates for the overview: scan events per day and kind, counted in the database."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, Date, cast, func, select, text

from countyexpress.adapters.db.tables_ledger import scan_events


def local_day(connection: Connection, at: Any, utc_offset_hours: int) -> Any:
    """The SQL expression of the day an instant column falls on in UTC+`utc_offset_hours`."""
    if connection.dialect.name == "sqlite":
        return func.date(at, f"{utc_offset_hours:+d} hours")
    local = func.timezone("UTC", at) + text(f"INTERVAL '{int(utc_offset_hours)} hours'")
    return cast(local, Date)


class SqlDashboard:
    """Read-only counts over the scan ledger, on one connection."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection

    def scans_per_day(
        self,
        county: str,
        since: dt.datetime,
        kinds: Sequence[str],
        utc_offset_hours: int = 8,
    ) -> list[tuple[dt.date, str, int]]:
        """(local day, kind, events) scanned since `since`, days in UTC+`utc_offset_hours`.

        Counted by the device's time of the scan, not by when it was uploaded: a day's
        work uploaded late (an offline station, a simulated month) counts on its day."""
        e = scan_events.c
        day = local_day(self.connection, e.at, utc_offset_hours)
        q = (
            select(day.label("day"), e.kind, func.count().label("n"))
            .where(
                e.county_code == county, e.at >= since.astimezone(dt.UTC), e.kind.in_(list(kinds))
            )
            .group_by(day, e.kind)
            .order_by(day)
        )
        out = []
        for r in self.connection.execute(q):
            d = r.day if isinstance(r.day, dt.date) else dt.date.fromisoformat(str(r.day))
            out.append((d, str(r.kind), int(r.n)))
        return out

    def scans_by_place(
        self, county: str, since: dt.datetime, kinds: Sequence[str]
    ) -> list[tuple[str, str, str, int]]:
        """(facility, carrier, kind, events) scanned since `since` (the overview's volume
        per station, unclaimed returns and carrier shares)."""
        e = scan_events.c
        q = (
            select(e.facility, e.carrier, e.kind, func.count().label("n"))
            .where(
                e.county_code == county, e.at >= since.astimezone(dt.UTC), e.kind.in_(list(kinds))
            )
            .group_by(e.facility, e.carrier, e.kind)
        )
        return [(str(f), str(c), str(k), int(n)) for f, c, k, n in self.connection.execute(q)]
