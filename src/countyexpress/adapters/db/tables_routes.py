"""Stored route plans (issue 6): a plan, its runs' stops in order, and each stop's parcels.

A plan is never changed once stored: a new plan of the same day is a new row. Drivers'
scans are matched against `route_parcels` (services.routes.route_progress).
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    Index,
    Integer,
    String,
    Table,
)

from countyexpress.adapters.db.tables import metadata

route_plans = Table(
    "route_plans",
    metadata,
    Column("plan_id", String(40), primary_key=True),
    Column("county_code", String(6), nullable=False),
    Column("day", Date, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("depot", String(40), nullable=False),
    Column("depot_name", String(200), nullable=False),
    Column("depot_lat", Float),
    Column("depot_lon", Float),
    Column("distance_km", Float, nullable=False),
    Column("duration_h", Float, nullable=False),
    Column("cost", Float, nullable=False),
    Column("feasible", Boolean, nullable=False),
    Column("violations", JSON, nullable=False),
    Column("unserved", JSON, nullable=False),
    Column("runs", JSON, nullable=False),  # per vehicle: kind, plate, number, times, figures
    Column("basis", String(200), nullable=False),
    Column("fleet_label", String(200), nullable=False),
    Index("ix_route_plans_county_day", "county_code", "day"),
)

route_stops = Table(
    "route_stops",
    metadata,
    Column("plan_id", String(40), primary_key=True),
    Column("vehicle", String(40), primary_key=True),
    Column("sequence", Integer, primary_key=True),
    Column("stop", String(40), nullable=False),
    Column("name", String(200), nullable=False),
    Column("kind", String(20), nullable=False),
    Column("lat", Float),
    Column("lon", Float),
    Column("parcels", Integer, nullable=False),
    Column("kg", Float, nullable=False),
    Column("m3", Float, nullable=False),
    Column("pickups", Integer, nullable=False),
    Column("cold", Boolean, nullable=False),
    Column("planned_arrival", DateTime(timezone=True), nullable=False),
    Column("utc_offset_min", Integer, nullable=False),  # the county's clock, to show local time
)

route_parcels = Table(
    "route_parcels",
    metadata,
    Column("plan_id", String(40), primary_key=True),
    Column("waybill_no", String(32), primary_key=True),
    Column("stop", String(40), nullable=False),
    Column("carrier", String(20), nullable=False),
    Column("direction", String(10), nullable=False),  # delivery | pickup
    Index("ix_route_parcels_plan_stop", "plan_id", "stop"),
)
