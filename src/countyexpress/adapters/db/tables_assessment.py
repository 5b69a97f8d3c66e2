"""The yearly assessment (issue 15).

`assessment_sheets` keeps each county's scoring sheet from its pack (`assessment.toml`) as
loaded; `assessment_reports` the frozen (issued) report of a county's year, as its JSON;
`assessment_notes` the lead units' progress notes on a task of a year, one row a note, never
updated (the audit trail: who, when); `assessment_evidence` the files attached to a note,
their content encrypted with the Vault (they may show people) and purged after retention;
`assessment_snapshots` each indicator's value in a county month (the trend: the indicators
measure today's data, a snapshot keeps what they said then).
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Column,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
)

from countyexpress.adapters.db.tables import metadata

assessment_sheets = Table(
    "assessment_sheets",
    metadata,
    Column("county_code", String(6), primary_key=True),
    Column("sheet", JSON, nullable=False),  # adapters.packs.assessment.to_data
    Column("source", String(200), nullable=False),  # the pack file, or "none"
    Column("loaded_at", DateTime(timezone=True), nullable=False),
)

assessment_reports = Table(
    "assessment_reports",
    metadata,
    Column("county_code", String(6), primary_key=True),
    Column("year", Integer, primary_key=True),
    Column("frozen_at", DateTime(timezone=True), nullable=False),
    Column("frozen_by", String(100), nullable=False),
    Column("replaced_at", DateTime(timezone=True)),  # when an earlier freeze was replaced
    Column("report", JSON, nullable=False),  # services.assessment.to_json, nothing personal
)

assessment_notes = Table(
    "assessment_notes",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("county_code", String(6), nullable=False),
    Column("year", Integer, nullable=False),
    Column("task", Integer, nullable=False),
    Column("text", Text, nullable=False),  # scrubbed of phone and ID numbers
    Column("added_at", DateTime(timezone=True), nullable=False),
    Column("added_by", String(100), nullable=False),
    Index("ix_assessment_notes_county_year_task", "county_code", "year", "task"),
)

assessment_evidence = Table(
    "assessment_evidence",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column(
        "note_id",
        Integer,
        ForeignKey("assessment_notes.id", ondelete="CASCADE"),
        nullable=False,
    ),
    Column("county_code", String(6), nullable=False),
    # as uploaded, sanitised; a name may name a person: purged too
    Column("file_name", String(120), nullable=False, info={"personal": "clear"}),
    Column("content_type", String(40), nullable=False),  # sniffed from the bytes
    Column("size", Integer, nullable=False),
    Column("sha256", String(64), nullable=False),  # of the plain bytes, for evidence
    Column("content_enc", Text, info={"personal": "ciphertext"}),
    Column("added_at", DateTime(timezone=True), nullable=False),
    Column("added_by", String(100), nullable=False),
    Index("ix_assessment_evidence_note", "note_id"),
    info={"personal_clock": "added_at"},
)

assessment_snapshots = Table(
    "assessment_snapshots",
    metadata,
    Column("county_code", String(6), primary_key=True),
    Column("month", String(7), primary_key=True),  # the county's month, YYYY-MM
    Column("indicator", String(80), primary_key=True),
    Column("value", Float),  # None: the indicator had no figure that month
    Column("taken_at", DateTime(timezone=True), nullable=False),
)
