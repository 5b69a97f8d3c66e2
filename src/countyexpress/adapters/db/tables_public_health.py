"""Public health (issue 14, tasks 15-16): township risk levels over time and the daily
measure logs of staffed facilities (docs/health.md). No personal data: who set or logged
is a user name.
"""

from __future__ import annotations

from sqlalchemy import Column, Date, DateTime, String, Table

from countyexpress.adapters.db.tables import metadata

health_levels = Table(
    "health_levels",
    metadata,
    Column("county_code", String(6), primary_key=True),
    Column("township_code", String(12), primary_key=True),
    Column("from_day", Date, primary_key=True),  # a county day; holds until the next change
    Column("level", String(40), nullable=False),  # a level of health.toml, or "none" (lifted)
    Column("set_by", String(100), nullable=False),
    Column("set_at", DateTime(timezone=True), nullable=False),
)

health_logs = Table(
    "health_logs",
    metadata,
    Column("county_code", String(6), primary_key=True),
    Column("facility_code", String(40), primary_key=True),
    Column("day", Date, primary_key=True),  # a county day
    Column("measures", String(1000), nullable=False),  # measure codes done, comma-separated
    Column("logged_by", String(100), nullable=False),
    Column("logged_at", DateTime(timezone=True), nullable=False),
)
