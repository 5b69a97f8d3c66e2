"""The front warehouse's (前置仓, issue 16) last forecast of each county: the order history
it was made from (its tail), every item's forecast and backtest, the stocking list and its
summary, kept as one JSON document so the pages read it without forecasting again."""

from __future__ import annotations

from sqlalchemy import JSON, Column, DateTime, String, Table

from countyexpress.adapters.db.tables import metadata

front_warehouse = Table(
    "front_warehouse",
    metadata,
    Column("county_code", String(6), primary_key=True),
    Column("source", String(20), nullable=False),  # upload | synthetic
    Column("document", JSON, nullable=False),  # services.front_warehouse.run's result
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("created_by", String(100), nullable=False),
)
