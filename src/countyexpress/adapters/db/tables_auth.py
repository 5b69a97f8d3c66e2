"""Tables of log-in and audit: users, carriers' API keys and reads of personal data."""

from __future__ import annotations

from sqlalchemy import Boolean, Column, DateTime, Integer, String, Table, Text

from countyexpress.adapters.db.tables import metadata

users = Table(
    "users",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("username", String(40), nullable=False, unique=True),
    Column("display_name", String(100), nullable=False, default=""),
    Column("role", String(20), nullable=False),
    Column("password_hash", String(200), nullable=False),
    Column("county_code", String(6)),
    Column("station_code", String(40)),
    Column("carrier_code", String(20)),
    Column("active", Boolean, nullable=False, default=True),
    Column("session_version", Integer, nullable=False, default=1),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("last_login_at", DateTime(timezone=True)),
    Column("unit_code", String(40)),  # a regulator's unit of the plan (issue 15)
)

api_keys = Table(
    "api_keys",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("prefix", String(16), nullable=False, unique=True),
    Column("key_hash", String(64), nullable=False, unique=True),
    Column("carrier_code", String(20), nullable=False),
    Column("county_code", String(6)),
    Column("name", String(100), nullable=False, default=""),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("revoked_at", DateTime(timezone=True)),
    Column("last_used_at", DateTime(timezone=True)),
)

audit_log = Table(
    "audit_log",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", DateTime(timezone=True), nullable=False, index=True),
    Column("principal_id", String(60), nullable=False),
    Column("role", String(20), nullable=False),
    Column("action", String(20), nullable=False),
    Column("resource", String(30), nullable=False),
    Column("county_code", String(6), index=True),
    Column("subject", Text, nullable=False, default=""),
)
