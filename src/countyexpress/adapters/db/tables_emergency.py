"""Emergency resources (issue 14, task 13): each county's support teams and its stocks.

Teams name people by staff number and vehicles by unified number, kept as strings (the
registries are separate; the service checks them when a team is added). Nothing personal:
no names, ID numbers or phones are kept here.
"""

from __future__ import annotations

from sqlalchemy import JSON, Column, DateTime, Float, Index, Integer, String, Table

from countyexpress.adapters.db.tables import metadata

emergency_teams = Table(
    "emergency_teams",
    metadata,
    Column("county_code", String(6), primary_key=True),
    Column("code", String(40), primary_key=True),
    Column("name", String(100), nullable=False),
    Column("leader", String(32), nullable=False),  # a staff number
    Column("members", JSON, nullable=False),  # staff numbers
    Column("vehicles", JSON, nullable=False),  # unified numbers
    Column("equipment", JSON, nullable=False),  # what the team carries
    Column("availability", String(12), nullable=False),  # on_duty | standby | unavailable
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

emergency_resources = Table(
    "emergency_resources",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("county_code", String(6), nullable=False),
    Column("kind", String(20), nullable=False),  # material | communications | funds | vehicle
    Column("name", String(100), nullable=False),
    Column("quantity", Float, nullable=False),
    Column("unit", String(20), nullable=False),
    Column("location", String(40), nullable=False),  # a facility code
    Column("availability", String(12), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Index("ix_emergency_resources_county_kind", "county_code", "kind"),
)
