"""The scan ledger (append-only) and the parcel projection derived from it.

`scan_events` is only ever inserted into. `parcels` is a projection: the one state
machine (domain.lifecycle) writes it after each ingest; nothing else does.
`scan_personal` keeps the personal values a device put in an event's payload (a phone, an
ID number, a name…), encrypted, out of the append-only ledger: the event keeps
"[encrypted]" at that path, and the purge can empty the row.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    DateTime,
    Index,
    Integer,
    String,
    Table,
    Text,
)

from countyexpress.adapters.db.tables import metadata

scan_events = Table(
    "scan_events",
    metadata,
    Column("event_id", String(36), primary_key=True),
    Column("county_code", String(6), nullable=False),
    Column("waybill_no", String(32), nullable=False),
    Column("carrier", String(20), nullable=False),
    Column("kind", String(20), nullable=False),
    Column("facility", String(40), nullable=False),
    Column("actor", String(100), nullable=False, default=""),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("at_text", String(40), nullable=False),
    Column("received_at", DateTime(timezone=True), nullable=False),
    Column("payload", JSON, nullable=False),
    Column("fingerprint", String(32), nullable=False),
    Index("ix_scan_events_county_waybill", "county_code", "waybill_no"),
    Index("ix_scan_events_county_received", "county_code", "received_at"),
    Index("ix_scan_events_county_at", "county_code", "at"),
)

parcels = Table(
    "parcels",
    metadata,
    Column("county_code", String(6), primary_key=True),
    Column("waybill_no", String(32), primary_key=True),
    Column("carrier", String(20), nullable=False),
    Column("state", String(20), nullable=False),
    Column("place", String(40), nullable=False),
    Column("last_at", DateTime(timezone=True)),
    Column("events", Integer, nullable=False),
    Column("anomalies", Integer, nullable=False),
    Column("open_exception", Boolean, nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Index("ix_parcels_county_state", "county_code", "state"),
    Index("ix_parcels_county_place", "county_code", "place"),
)

scan_personal = Table(
    "scan_personal",
    metadata,
    Column("event_id", String(36), primary_key=True),
    Column("path", String(200), primary_key=True),  # JSON Pointer into the event's payload
    Column("county_code", String(6), nullable=False),
    Column("value_enc", Text, nullable=False, info={"personal": "ciphertext"}),
    Column(
        "value_hash",
        String(64),
        nullable=False,
        info={"personal": "digest", "of": "value_enc", "normalise": "none"},
    ),
    Column("received_at", DateTime(timezone=True), nullable=False),
    Index("ix_scan_personal_county_received", "county_code", "received_at"),
    info={"personal_clock": "received_at"},
)
