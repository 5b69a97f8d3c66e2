"""The vehicle registry (issue 14, task 18): each county's vehicles, and who imported them.

A county's fleet is replaced whole by an import (all or nothing); `vehicle_imports` keeps
the audit trail of imports: who, when, from which file, how many vehicles.
"""

from __future__ import annotations

from sqlalchemy import JSON, Boolean, Column, Date, DateTime, Integer, String, Table

from countyexpress.adapters.db.tables import metadata

vehicles = Table(
    "vehicles",
    metadata,
    Column("county_code", String(6), primary_key=True),
    Column("unified_no", String(40), primary_key=True),  # 统一编号
    Column("plate", String(20), nullable=False),
    Column("kind", String(20), nullable=False),  # van, refrigerated_van, etricycle
    Column("owner", String(100), nullable=False),  # a carrier's code or "centre"
    Column("new_energy", Boolean, nullable=False),
    Column("insured_until", Date),
    Column("marked", Boolean, nullable=False),  # 标识 done
    Column("courier_staff_no", String(40)),  # a staff number, no foreign key
    Column("priority_permit", Boolean, nullable=False),
    Column("routing", JSON, nullable=False),  # code, capacities, costs, hours, range, shift
)

vehicle_imports = Table(
    "vehicle_imports",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("county_code", String(6), nullable=False),
    Column("by", String(100), nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("source", String(200), nullable=False),
    Column("count", Integer, nullable=False),
)
