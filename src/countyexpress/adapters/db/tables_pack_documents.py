"""A county's pack rule files as loaded (`pack_documents`): one row a county and file name
(`health`, `packaging`, `emergency`, `policy`), the TOML parsed as read and its text."""

from __future__ import annotations

from sqlalchemy import JSON, Column, DateTime, String, Table, Text

from countyexpress.adapters.db.tables import metadata

pack_documents = Table(
    "pack_documents",
    metadata,
    Column("county_code", String(6), primary_key=True),
    Column("name", String(40), primary_key=True),  # adapters.packs.documents.DOCUMENTS
    Column("content", JSON, nullable=False),  # the TOML as parsed
    Column("source", Text, nullable=False),  # the file's text, written back by `county export`
    Column("loaded_at", DateTime(timezone=True), nullable=False),
)
