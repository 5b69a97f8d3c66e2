"""Saved siting scenarios (issue 5): a siting result under a name, per county.

The open sites (existing and new, with their locations) are kept so a scenario can be
compared later against the county's current villages and communities.
"""

from __future__ import annotations

from sqlalchemy import JSON, Boolean, Column, DateTime, Float, Integer, String, Table, Text

from countyexpress.adapters.db.tables import metadata

siting_scenarios = Table(
    "siting_scenarios",
    metadata,
    Column("county_code", String(6), primary_key=True),
    Column("name", String(60), primary_key=True),
    Column("kind", String(20), nullable=False),
    Column("objective", String(20), nullable=False),
    Column("p", Integer),
    Column("radius_km", Float),
    Column("sites", JSON, nullable=False),  # [{id, name, lat, lon, existing}]
    Column("explanation", Text, nullable=False),
    Column("optimal", Boolean, nullable=False),
    Column("figures", JSON, nullable=False),  # the run's own figures, as solved
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("created_by", String(100), nullable=False),
)
