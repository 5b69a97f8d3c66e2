"""Carriers' packaging reports on SQL (issue 14, task 17): a report replaces the one of the
same county, carrier, outlet and month, so importing a file twice changes nothing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, delete, insert, select

from countyexpress.adapters.db.tables_packaging import packaging_reports, parcel_packaging
from countyexpress.domain.county_time import county_date
from countyexpress.domain.packaging import (
    COUNTS,
    BagType,
    Counts,
    Filler,
    IntakeFact,
    PackagingReport,
    ParcelPackaging,
    TakenIn,
    month_of,
)

__all__ = ["SqlPackaging"]


class SqlPackaging:
    """Packaging reports of each county inside the unit of work's transaction."""

    def __init__(self, connection: Connection) -> None:
        self._conn = connection

    def put(
        self, county_code: str, reports: Sequence[PackagingReport], *, by: str, source: str,
        at: dt.datetime,
    ) -> int:  # fmt: skip
        """Store `reports`, each in place of the county's report with the same key."""
        t = packaging_reports
        for r in reports:
            self._conn.execute(delete(t).where(
                t.c.county_code == county_code, t.c.carrier == r.carrier,
                t.c.outlet == r.outlet, t.c.month == r.month,
            ))  # fmt: skip
        if reports:
            stamp = {"source": source[:200], "by": by[:100], "at": at.astimezone(dt.UTC)}
            self._conn.execute(insert(t), [_row(county_code, r) | stamp for r in reports])
        return len(reports)

    def reports(
        self, county_code: str, *, year: int | None = None, month: str | None = None,
        carrier: str | None = None,
    ) -> list[PackagingReport]:  # fmt: skip
        """The county's reports (of a year, a month or a carrier) by month, carrier, outlet."""
        t = packaging_reports
        query = select(t).where(t.c.county_code == county_code)
        if year is not None:
            query = query.where(t.c.month.like(f"{year:04d}-%"))
        if month is not None:
            query = query.where(t.c.month == month)
        if carrier is not None:
            query = query.where(t.c.carrier == carrier)
        rows = self._conn.execute(query.order_by(t.c.month, t.c.carrier, t.c.outlet)).mappings()
        return [_report(r) for r in rows]

    def record(self, county_code: str, parcels: Sequence[TakenIn]) -> None:
        """Keep each parcel's packaging as taken in: (waybill, carrier, facility, at, facts)."""
        rows = [
            {"county_code": county_code, "waybill_no": waybill, "carrier": carrier,
             "facility": facility, "month": month_of(county_date(at)),
             "bag_type": p.bag_type.value, "tape_width_mm": p.tape_width_mm,
             "filler": p.filler.value, "e_waybill": p.e_waybill, "reboxed": p.reboxed,
             "at": at.astimezone(dt.UTC)}
            for waybill, carrier, facility, at, p in parcels
        ]  # fmt: skip
        if rows:
            self._conn.execute(insert(parcel_packaging), rows)

    def parcel_facts(
        self, county_code: str, *, year: int | None = None, month: str | None = None
    ) -> list[IntakeFact]:
        """The county's intake facts (carrier, facility, month, packaging) of a year or month."""
        t = parcel_packaging
        query = select(t).where(t.c.county_code == county_code)
        if year is not None:
            query = query.where(t.c.month.like(f"{year:04d}-%"))
        if month is not None:
            query = query.where(t.c.month == month)
        rows = self._conn.execute(query.order_by(t.c.month, t.c.waybill_no)).mappings()
        return [
            (r["carrier"], r["facility"], r["month"],
             ParcelPackaging(BagType(r["bag_type"]), r["tape_width_mm"], Filler(r["filler"]),
                             r["e_waybill"], r["reboxed"]))
            for r in rows
        ]  # fmt: skip


def _row(county_code: str, r: PackagingReport) -> dict[str, Any]:
    counts = {name: getattr(r.counts, name) for name in COUNTS}
    return {"county_code": county_code, "carrier": r.carrier, "outlet": r.outlet,
            "month": r.month, **counts}  # fmt: skip


def _report(row: Any) -> PackagingReport:
    counts = Counts(**{name: row[name] for name in COUNTS})
    return PackagingReport(row["carrier"], row["month"], counts, row["outlet"])
