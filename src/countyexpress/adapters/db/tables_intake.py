"""Outbound intake (农产品进城): real-name intake records and carrier confirmations.

The sender's ID number and name are never stored in clear: `*_enc` is AES-GCM ciphertext
(services.ports.Cipher), `id_number_hash` a keyed hash to find a sender's parcels, and
`sender_name_masked` what a screen may show.
"""

from __future__ import annotations

from sqlalchemy import Boolean, Column, DateTime, Index, Integer, String, Table, Text

from countyexpress.adapters.db.tables import metadata

intake_records = Table(
    "intake_records",
    metadata,
    Column("county_code", String(6), primary_key=True),
    Column("waybill_no", String(32), primary_key=True),
    Column("carrier", String(20), nullable=False),
    Column("facility", String(40), nullable=False),
    Column("id_type", String(40), nullable=False),
    Column("id_number_enc", Text, nullable=False, info={"personal": "ciphertext"}),
    Column(
        "id_number_hash",
        String(64),
        nullable=False,
        info={"personal": "digest", "of": "id_number_enc", "normalise": "none"},
    ),
    Column("sender_name_enc", Text, nullable=False, info={"personal": "ciphertext"}),
    Column("sender_name_masked", String(100), nullable=False, info={"personal": "clear"}),
    Column("category", String(40), nullable=False),
    Column("description", String(200), nullable=False),
    Column("inspected_by", String(100), nullable=False),
    Column("screening_place", String(40), nullable=False),
    Column("security_mark", Boolean, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Index("ix_intake_records_county_id_hash", "county_code", "id_number_hash"),
    Index("ix_intake_records_county_created", "county_code", "created_at"),
    info={"personal_clock": "created_at"},
)

carrier_confirmations = Table(
    "carrier_confirmations",
    metadata,
    Column("county_code", String(6), primary_key=True),
    Column("shape", String(40), primary_key=True),
    Column("carrier", String(20), primary_key=True),
    Column("times", Integer, nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)
