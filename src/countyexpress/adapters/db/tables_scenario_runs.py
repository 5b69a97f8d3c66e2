"""Stored policy-scenario runs (issue 7): what a planner asked for, how far the run got, and
the comparison it produced, so a result survives a restart and can be read later."""

from __future__ import annotations

from sqlalchemy import JSON, Column, DateTime, Index, Integer, String, Table, Text

from countyexpress.adapters.db.tables import metadata

scenario_runs = Table(
    "scenario_runs",
    metadata,
    Column("run_id", String(40), primary_key=True),
    Column("county_code", String(6), nullable=False),
    Column("kind", String(20), nullable=False),  # simulate | database
    Column("status", String(12), nullable=False),  # queued | running | done | failed
    Column("request", JSON, nullable=False),  # scenarios, days, start, seed, scale …
    Column("done_steps", Integer, nullable=False),
    Column("total_steps", Integer, nullable=False),
    Column("stage", String(200), nullable=False),
    Column("result", JSON),  # adapters.scenario_files.to_record of the comparison
    Column("error", Text),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("created_by", String(100), nullable=False),
    Column("started_at", DateTime(timezone=True)),
    Column("finished_at", DateTime(timezone=True)),
    Index("ix_scenario_runs_county_created", "county_code", "created_at"),
)
