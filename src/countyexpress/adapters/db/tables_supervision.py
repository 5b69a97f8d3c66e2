"""The regulator's records (issue 13): one family of tables for every kind.

`supervision_records` holds a record of any kind (filing, licence, inspection, finding,
complaint …) about a subject; `supervision_steps` its trail, one row a verb, never updated;
`supervision_clocks` its clocks. `credit_events` and `blacklist_repairs` feed credit.
`supervision_rules` keeps each county's rules from its pack (`supervision.toml`) as loaded.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
)

from countyexpress.adapters.db.tables import metadata

supervision_rules = Table(
    "supervision_rules",
    metadata,
    Column("county_code", String(6), primary_key=True),
    Column("rules", JSON, nullable=False),  # adapters.packs.supervision.to_data
    Column("source", String(200), nullable=False),  # the pack file, or "defaults"
    Column("loaded_at", DateTime(timezone=True), nullable=False),
)

supervision_records = Table(
    "supervision_records",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("county_code", String(6), nullable=False),
    Column("kind", String(40), nullable=False),
    Column("subject", String(100), nullable=False),  # kind:key, e.g. carrier:zto
    Column("state", String(40), nullable=False),
    Column("facts", JSON, nullable=False),  # what the record says, nothing personal
    # a manager's name and ID number, a complainant's phone …: one encrypted JSON object,
    # kept while the record is open and purged after the retention from its closing
    Column("personal_enc", Text, info={"personal": "ciphertext"}),
    Column("opened_on", Date, nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Column("closed_at", DateTime(timezone=True)),
    Index("ix_supervision_records_county_kind_state", "county_code", "kind", "state"),
    Index("ix_supervision_records_county_subject", "county_code", "subject"),
    info={"personal_clock": "closed_at"},
)

supervision_steps = Table(
    "supervision_steps",
    metadata,
    Column(
        "record_id",
        Integer,
        ForeignKey("supervision_records.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("seq", Integer, primary_key=True),
    Column("verb", String(40), nullable=False),
    Column("on_day", Date, nullable=False),  # the day it counts from (county days)
    Column("by", String(100), nullable=False),
    Column("state", String(40), nullable=False),
    Column("note", Text, nullable=False),  # scrubbed of phone and ID numbers
    Column("recorded_at", DateTime(timezone=True), nullable=False),
)

supervision_clocks = Table(
    "supervision_clocks",
    metadata,
    Column(
        "record_id",
        Integer,
        ForeignKey("supervision_records.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("rule", String(60), primary_key=True),
    Column("started", Date, nullable=False),
    Column("due", Date, nullable=False),
    Column("stopped", Date),
    Index("ix_supervision_clocks_due", "due"),
)

supervision_attachments = Table(
    "supervision_attachments",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column(
        "record_id",
        Integer,
        ForeignKey("supervision_records.id", ondelete="CASCADE"),
        nullable=False,
    ),
    Column("county_code", String(6), nullable=False),
    # as uploaded, sanitised; a name may name a person ("王小明身份证.jpg"): purged too
    Column("file_name", String(120), nullable=False, info={"personal": "clear"}),
    Column("content_type", String(40), nullable=False),  # sniffed from the bytes
    Column("size", Integer, nullable=False),
    Column("sha256", String(64), nullable=False),  # of the plain bytes, for evidence
    # photos of premises and evidence may show people or an ID card: kept encrypted,
    # purged after the retention from the record's closing
    Column("content_enc", Text, info={"personal": "ciphertext"}),
    Column("added_at", DateTime(timezone=True), nullable=False),
    Column("added_by", String(100), nullable=False),
    Column("closed_at", DateTime(timezone=True)),  # the record's, copied when it closes
    Index("ix_supervision_attachments_record", "record_id"),
    info={"personal_clock": "closed_at"},
)

credit_events = Table(
    "credit_events",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("county_code", String(6), nullable=False),
    Column("subject", String(100), nullable=False),
    Column("type", String(60), nullable=False),
    Column("on_day", Date, nullable=False),
    Column("note", Text, nullable=False),
    Column("ref", String(100), nullable=False),  # the record it came from, if any
    Column("recorded_at", DateTime(timezone=True), nullable=False),
    Column("recorded_by", String(100), nullable=False),
    Index("ix_credit_events_county_subject", "county_code", "subject"),
)

blacklist_repairs = Table(
    "blacklist_repairs",
    metadata,
    Column("county_code", String(6), primary_key=True),
    Column("subject", String(100), primary_key=True),
    Column("listed_on", Date, primary_key=True),  # the entry's start
    Column("rectified_on", Date, nullable=False),
    Column("note", Text, nullable=False),
    Column("recorded_at", DateTime(timezone=True), nullable=False),
    Column("recorded_by", String(100), nullable=False),
)
