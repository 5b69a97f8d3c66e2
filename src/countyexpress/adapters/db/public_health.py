"""Public health on SQL (issue 14, tasks 15-16): township levels, measure logs, and the
ledger's final deliveries (first 取件 scan of each waybill) for the contactless share."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Connection, func, insert, select, update

from countyexpress.adapters.db.tables_ledger import scan_events
from countyexpress.adapters.db.tables_public_health import health_levels, health_logs
from countyexpress.domain.county_time import county_date
from countyexpress.domain.public_health import LevelChange, MeasureLog
from countyexpress.domain.public_health_indicators import Delivery
from countyexpress.domain.scans import ScanKind


def _aware(at: dt.datetime) -> dt.datetime:
    return at if at.tzinfo is not None else at.replace(tzinfo=dt.UTC)


class SqlPublicHealth:
    """Levels and logs of each county inside the unit of work's transaction."""

    def __init__(self, connection: Connection) -> None:
        self._conn = connection

    def set_level(self, county_code: str, change: LevelChange) -> None:
        """Record the township's level from `change.from_day` (replacing that day's)."""
        at = _aware(change.set_at or dt.datetime.now(dt.UTC)).astimezone(dt.UTC)
        key = (
            (health_levels.c.county_code == county_code)
            & (health_levels.c.township_code == change.township_code)
            & (health_levels.c.from_day == change.from_day)
        )
        values = {"level": change.level, "set_by": change.set_by, "set_at": at}
        if not self._conn.execute(update(health_levels).where(key).values(values)).rowcount:
            self._conn.execute(
                insert(health_levels).values(
                    county_code=county_code,
                    township_code=change.township_code,
                    from_day=change.from_day,
                    **values,
                )
            )

    def changes(self, county_code: str) -> list[LevelChange]:
        """Every level change of the county, by township and day."""
        rows = self._conn.execute(
            select(health_levels)
            .where(health_levels.c.county_code == county_code)
            .order_by(health_levels.c.township_code, health_levels.c.from_day)
        ).mappings()
        return [
            LevelChange(r["township_code"], r["level"], r["from_day"], r["set_by"],
                        _aware(r["set_at"]))
            for r in rows
        ]  # fmt: skip

    def log(self, county_code: str, entry: MeasureLog) -> MeasureLog:
        """Add the measures done to the facility's log of the day; the day's log as it is now."""
        key = (
            (health_logs.c.county_code == county_code)
            & (health_logs.c.facility_code == entry.facility_code)
            & (health_logs.c.day == entry.day)
        )
        row = self._conn.execute(select(health_logs.c.measures).where(key)).first()
        done = entry.done | (_codes(row[0]) if row is not None else frozenset())
        at = _aware(entry.logged_at or dt.datetime.now(dt.UTC)).astimezone(dt.UTC)
        values = {"measures": ",".join(sorted(done)), "logged_by": entry.logged_by,
                  "logged_at": at}  # fmt: skip
        if row is not None:
            self._conn.execute(update(health_logs).where(key).values(values))
        else:
            self._conn.execute(
                insert(health_logs).values(
                    county_code=county_code, facility_code=entry.facility_code, day=entry.day,
                    **values,
                )
            )  # fmt: skip
        return MeasureLog(entry.facility_code, entry.day, done, entry.logged_by, at)

    def logs(
        self, county_code: str, first: dt.date, last: dt.date
    ) -> dict[tuple[str, dt.date], MeasureLog]:
        """The county's logs from `first` to `last` (both included), by (facility, day)."""
        rows = self._conn.execute(
            select(health_logs).where(
                health_logs.c.county_code == county_code,
                health_logs.c.day >= first,
                health_logs.c.day <= last,
            )
        ).mappings()
        return {
            (r["facility_code"], r["day"]): MeasureLog(
                r["facility_code"], r["day"], _codes(r["measures"]), r["logged_by"],
                _aware(r["logged_at"]),
            )
            for r in rows
        }  # fmt: skip

    def deliveries(
        self, county_code: str, since: dt.datetime, until: dt.datetime
    ) -> list[Delivery]:
        """Final deliveries scanned in [since, until): each waybill's first 取件 scan ever,
        kept when it falls in the window (a second pickup scan is an anomaly, not a delivery)."""
        e = scan_events
        first = (
            select(e.c.waybill_no, func.min(e.c.at).label("at"))
            .where(e.c.county_code == county_code, e.c.kind == ScanKind.PICKUP.value)
            .group_by(e.c.waybill_no)
            .subquery()
        )
        rows = self._conn.execute(
            select(e.c.waybill_no, e.c.at, e.c.facility, e.c.payload)
            .join(first, (first.c.waybill_no == e.c.waybill_no) & (first.c.at == e.c.at))
            .where(
                e.c.county_code == county_code,
                e.c.kind == ScanKind.PICKUP.value,
                first.c.at >= since.astimezone(dt.UTC),
                first.c.at < until.astimezone(dt.UTC),
            )
            .order_by(e.c.waybill_no, e.c.event_id)
        )
        out: dict[str, Delivery] = {}
        for waybill, at, facility, payload in rows:
            if waybill not in out:
                out[waybill] = Delivery(
                    waybill, county_date(_aware(at)), facility, _method(payload)
                )
        return list(out.values())


def _method(payload: Any) -> str:
    return str(payload.get("method", "")) if isinstance(payload, dict) else ""


def _codes(text: str) -> frozenset[str]:
    return frozenset(c for c in text.split(",") if c)
