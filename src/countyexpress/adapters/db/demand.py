"""Inbound parcels per day and destination village, counted over the scan ledger (the
front warehouse's history from the ledger, docs/forecasting.md)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Connection, and_, distinct, func, select

from countyexpress.adapters.db.dashboard import local_day
from countyexpress.adapters.db.tables import facilities
from countyexpress.adapters.db.tables_ledger import scan_events

DELIVERY_POINTS = ("station", "locker", "outlet")


class SqlDemand:
    """Read-only counts for the forecasts, on one connection."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection

    def inbound_per_day(
        self, county: str, utc_offset_hours: int = 8
    ) -> list[tuple[dt.date, str, int]]:
        """(local day, village or community code, parcels) of the parcels shelved at a
        station, outlet or locker (入库/入柜: inbound only), each counted once a day."""
        e, f = scan_events.c, facilities.c
        day = local_day(self.connection, e.at, utc_offset_hours)
        q = (
            select(day.label("day"), f.division_code, func.count(distinct(e.waybill_no)).label("n"))
            .select_from(
                scan_events.join(
                    facilities, and_(f.county_code == e.county_code, f.code == e.facility)
                )
            )
            .where(e.county_code == county, e.kind == "store", f.kind.in_(DELIVERY_POINTS))
            .group_by(day, f.division_code)
            .order_by(day, f.division_code)
        )
        out = []
        for r in self.connection.execute(q):
            d = r.day if isinstance(r.day, dt.date) else dt.date.fromisoformat(str(r.day))
            out.append((d, str(r.division_code), int(r.n)))
        return out
