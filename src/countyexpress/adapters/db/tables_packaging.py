"""Green packaging (issue 14, task 17): carriers' monthly packaging reports, and each
parcel's packaging recorded at intake.

A report row is one carrier's month at one outlet (`outlet` "" for the carrier's whole
county); a later report of the same county, carrier, outlet and month replaces it. `source`
names the file it came from, `by` who imported it. `parcel_packaging` holds what the intake
desk saw of a parcel (no personal data), by the county month it was taken in.
"""

from __future__ import annotations

from sqlalchemy import Boolean, Column, DateTime, Float, Integer, String, Table

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

parcel_packaging = Table(
    "parcel_packaging",
    metadata,
    Column("county_code", String(6), primary_key=True),
    Column("waybill_no", String(32), primary_key=True),
    Column("carrier", String(20), nullable=False),
    Column("facility", String(40), nullable=False),
    Column("month", String(7), nullable=False, index=True),  # the county month of intake
    Column("bag_type", String(24), nullable=False),
    Column("tape_width_mm", Float),  # none: no tape
    Column("filler", String(16), nullable=False),
    Column("e_waybill", Boolean, nullable=False),
    Column("reboxed", Boolean, nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
)
