"""The schema as SQLAlchemy Core tables; Alembic migrations are the truth, this mirrors them.

Every table that holds county data carries `county_code`, so one database can hold a region.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Column,
    DateTime,
    Float,
    ForeignKeyConstraint,
    Integer,
    MetaData,
    String,
    Table,
    Text,
)

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

counties = Table(
    "counties",
    metadata,
    Column("code", String(6), primary_key=True),
    Column("name", String(100), nullable=False),
    Column("name_en", String(200), nullable=False, default=""),
    Column("province", String(100), nullable=False, default=""),
    Column("prefecture", String(100), nullable=False, default=""),
    Column("population", Integer),
    Column("population_source", Text, nullable=False, default=""),
    Column("population_source_en", Text, nullable=False, default="", server_default=""),
    Column("seat_lat", Float),
    Column("seat_lon", Float),
    Column("sources", JSON, nullable=False),
    Column("plan", JSON, nullable=False),
    Column("operations", JSON, nullable=False, server_default="{}"),
    Column("loaded_at", DateTime(timezone=True), nullable=False),
)

divisions = Table(
    "divisions",
    metadata,
    Column("county_code", String(6), primary_key=True),
    Column("code", String(12), primary_key=True),
    Column("seq", Integer, nullable=False),
    Column("name", String(100), nullable=False),
    Column("level", String(20), nullable=False),
    Column("parent_code", String(12), nullable=False),
    Column("population", Integer),
    Column("lat", Float),
    Column("lon", Float),
    Column("quality", String(20), nullable=False),
    Column("coord_quality", String(20), nullable=False),
    Column("note", Text, nullable=False, default=""),
    ForeignKeyConstraint(["county_code"], ["counties.code"], ondelete="CASCADE"),
)

facilities = Table(
    "facilities",
    metadata,
    Column("county_code", String(6), primary_key=True),
    Column("code", String(40), primary_key=True),
    Column("seq", Integer, nullable=False),
    Column("name", String(200), nullable=False),
    Column("kind", String(20), nullable=False),
    Column("division_code", String(12), nullable=False, default=""),
    Column("lat", Float),
    Column("lon", Float),
    Column("operator", String(200), nullable=False, default=""),
    Column("status", String(20), nullable=False),
    Column("quality", String(20), nullable=False),
    Column("carriers", JSON, nullable=False),
    Column("details", JSON, nullable=False),
    Column("note", Text, nullable=False, default=""),
    ForeignKeyConstraint(["county_code"], ["counties.code"], ondelete="CASCADE"),
)

carriers = Table(
    "carriers",
    metadata,
    Column("county_code", String(6), primary_key=True),
    Column("code", String(20), primary_key=True),
    Column("seq", Integer, nullable=False),
    Column("name", String(100), nullable=False),
    Column("name_en", String(100), nullable=False, default=""),
    Column("note", Text, nullable=False, default=""),
    Column("note_en", Text, nullable=False, default="", server_default=""),
    ForeignKeyConstraint(["county_code"], ["counties.code"], ondelete="CASCADE"),
)
