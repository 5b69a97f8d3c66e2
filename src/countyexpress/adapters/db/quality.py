"""The ledger read for service quality: each inbound parcel's first arrival, hand-over,
destination and reported loss or damage (tables of the ledger and the manifests)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from sqlalchemy import Connection, and_, case, func, select

from countyexpress.adapters.db.tables_intake import intake_records
from countyexpress.adapters.db.tables_ledger import scan_events
from countyexpress.adapters.db.tables_ops import manifest_items
from countyexpress.domain.inspection import ProhibitedCategory, parse_category
from countyexpress.domain.supervision.ledger_credit import LossReport, ProhibitedFound
from countyexpress.domain.supervision.quality import LOSS_WORDS, Trip
from countyexpress.errors import InvalidValue

__all__ = ["loss_reports", "prohibited_found", "quality_trips"]


def _utc(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def quality_trips(
    conn: Connection, county: str, since: dt.datetime, levels: Mapping[str, str]
) -> list[Trip]:
    """Inbound parcels (on a manifest) first arriving in the county since `since`; `levels`
    maps a division code to its destination (county_seat, township, village)."""
    e, m = scan_events, manifest_items
    arrived = func.min(case((e.c.kind == "arrive", e.c.at)))
    delivered = func.min(case((e.c.kind == "pickup", e.c.at)))
    rows = conn.execute(
        select(
            e.c.waybill_no, m.c.carrier, m.c.division_code, m.c.township_code, arrived, delivered
        )
        .join(m, and_(m.c.county_code == e.c.county_code, m.c.waybill_no == e.c.waybill_no))
        .where(e.c.county_code == county)
        .group_by(e.c.waybill_no, m.c.carrier, m.c.division_code, m.c.township_code)
        .having(arrived >= since)
    ).all()
    reported = {
        r.waybill_no
        for r in conn.execute(
            select(e.c.waybill_no, e.c.payload).where(
                e.c.county_code == county, e.c.kind == "exception", e.c.at >= since
            )
        )
        if any(w in str((r.payload or {}).get("reason", "")).lower() for w in LOSS_WORDS)
    }
    out = []
    for r in rows:
        level = levels.get(r.division_code or "", "township")
        out.append(
            Trip(
                carrier=r.carrier,
                level=level,
                township=r.township_code or "",
                arrived=_utc(r[4]),
                delivered=_utc(r[5]) if r[5] is not None else None,
                lost_or_damaged=r.waybill_no in reported,
            )
        )
    return out


def loss_reports(conn: Connection, county: str) -> list[LossReport]:
    """The county's exception scans whose reason reports a loss or a damage."""
    e = scan_events
    rows = conn.execute(
        select(e.c.carrier, e.c.waybill_no, e.c.at, e.c.payload).where(
            e.c.county_code == county, e.c.kind == "exception"
        )
    )
    out = []
    for r in rows:
        reason = str((r.payload or {}).get("reason", ""))
        if any(w in reason.lower() for w in LOSS_WORDS):
            out.append(LossReport(r.carrier, r.waybill_no, _utc(r.at), reason))
    return out


def prohibited_found(conn: Connection, county: str) -> list[ProhibitedFound]:
    """Exception scans whose payload names a prohibited category (`"prohibited"`) on
    parcels the county took in, with the intake's carrier and facility."""
    e, i = scan_events, intake_records
    rows = conn.execute(
        select(e.c.waybill_no, e.c.at, e.c.payload, i.c.carrier, i.c.facility)
        .join(i, and_(i.c.county_code == e.c.county_code, i.c.waybill_no == e.c.waybill_no))
        .where(e.c.county_code == county, e.c.kind == "exception")
    )
    out = []
    for r in rows:
        named = str((r.payload or {}).get("prohibited", "")).strip()
        try:
            category = parse_category(named) if named else None
        except InvalidValue:
            continue
        if isinstance(category, ProhibitedCategory):
            out.append(
                ProhibitedFound(r.carrier, r.waybill_no, _utc(r.at), category.value, r.facility)
            )
    return out
