"""Green packaging (issue 14, task 17): carriers' monthly packaging reports.

A row is one carrier's month at one outlet (`outlet` "" for the carrier's whole county); a
later report of the same county, carrier, outlet and month replaces it. `source` names the
file it came from, `by` who imported it.
"""

from __future__ import annotations

from sqlalchemy import Column, DateTime, Integer, String, Table

from countyexpress.adapters.db.tables import metadata

packaging_reports = Table(
    "packaging_reports",
    metadata,
    Column("county_code", String(6), primary_key=True),
    Column("carrier", String(40), primary_key=True),
    Column("outlet", String(40), primary_key=True),  # "" = the carrier's whole county
    Column("month", String(7), primary_key=True),  # YYYY-MM, the county's month
    Column("parcels", Integer, nullable=False),
    Column("slim_tape", Integer, nullable=False),
    Column("e_waybill", Integer, nullable=False),
    Column("not_reboxed", Integer, nullable=False),
    Column("reusable_packaging", Integer, nullable=False),
    Column("non_degradable_bags", Integer, nullable=False),
    Column("transit_bags", Integer, nullable=False),
    Column("reusable_transit_bags", Integer, nullable=False),
    Column("reusable_boxes_in_use", Integer, nullable=False),
    Column("cartons_reused", Integer, nullable=False),
    Column("source", String(200), nullable=False),
    Column("by", String(100), nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
)
