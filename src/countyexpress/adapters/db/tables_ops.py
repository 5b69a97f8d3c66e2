"""Operations: carriers' manifests, receivers' consent, station shelves, lockers, outbox.

Receivers' names, phone numbers and addresses are stored encrypted (`*_enc`) with a keyed
hash (`*_hash`) for look-ups and a masked form for display; never in clear.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    DateTime,
    Float,
    Index,
    Integer,
    String,
    Table,
    Text,
    false,
)

from countyexpress.adapters.db.tables import metadata

manifest_items = Table(
    "manifest_items",
    metadata,
    Column("county_code", String(6), primary_key=True),
    Column("waybill_no", String(32), primary_key=True),
    Column("carrier", String(20), nullable=False),
    Column("manifest_id", String(64), nullable=False),
    Column("receiver_name_enc", Text, nullable=False, info={"personal": "ciphertext"}),
    Column("receiver_name_masked", String(100), nullable=False, info={"personal": "clear"}),
    Column("receiver_phone_enc", Text, nullable=False, info={"personal": "ciphertext"}),
    Column(
        "receiver_phone_hash",
        String(64),
        nullable=False,
        info={"personal": "digest", "of": "receiver_phone_enc", "normalise": "phone_digits"},
    ),
    Column("receiver_phone_masked", String(32), nullable=False, info={"personal": "clear"}),
    Column(
        "phone_tail_hash",
        String(64),
        nullable=False,
        info={"personal": "digest", "of": "receiver_phone_enc", "normalise": "phone_tail"},
    ),
    Column("address_enc", Text, nullable=False, info={"personal": "ciphertext"}),
    Column("address_masked", String(300), nullable=False, info={"personal": "clear"}),
    Column("division_code", String(12)),
    Column("township_code", String(12)),
    Column("resolution", String(200), nullable=False),
    Column("delivery_mode", String(10), nullable=False),
    Column("delivery_flagged", Boolean, nullable=False),
    Column("delivery_reason", String(200), nullable=False),
    Column("target_facility", String(40)),
    Column("route_bag", String(40)),
    Column("vehicle", String(40)),
    Column("weight_kg", Float),
    Column("size", String(1), nullable=False),
    Column("cold", Boolean, nullable=False),
    # emergency supplies (应急物资): the route stop is served first (migration 0017)
    Column("priority", Boolean, nullable=False, server_default=false()),
    Column("fee", String(12), nullable=False),
    Column("received_at", DateTime(timezone=True), nullable=False),
    Index("ix_manifest_items_county_division", "county_code", "division_code"),
    Index("ix_manifest_items_county_received", "county_code", "received_at"),
    Index("ix_manifest_items_county_bag", "county_code", "route_bag", "vehicle"),
    info={"personal_clock": "received_at"},
)

consents = Table(
    "consents",
    metadata,
    Column("county_code", String(6), primary_key=True),
    # No ciphertext of the phone is kept here, so there is no "of": a key rotation cannot
    # recompute this digest from this table alone. Part of the primary key: the purge
    # deletes the row (a consent without its phone means nothing).
    Column(
        "phone_hash",
        String(64),
        primary_key=True,
        info={"personal": "digest", "normalise": "phone_digits"},
    ),
    Column("choice", String(10), nullable=False),
    Column("recorded_at", DateTime(timezone=True), nullable=False),
    Column("language", String(8)),  # of the SMS the receiver is sent; none: Chinese
    Column("source", String(40), nullable=False),
    info={"personal_clock": "recorded_at"},
)

station_slots = Table(
    "station_slots",
    metadata,
    Column("county_code", String(6), primary_key=True),
    Column("waybill_no", String(32), primary_key=True),
    Column("facility", String(40), nullable=False),
    Column("shelf", String(10), nullable=False),
    Column("pickup_code", String(20), nullable=False),
    Column("stored_at", DateTime(timezone=True), nullable=False),
    Column("closed_at", DateTime(timezone=True)),
    Column("closed_by", String(10)),
    Index("ix_station_slots_open", "county_code", "facility", "closed_at"),
)

handover_attempts = Table(
    "handover_attempts",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("county_code", String(6), nullable=False),
    Column("facility", String(40), nullable=False),
    Column("waybill_no", String(32), nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("ok", Boolean, nullable=False),
    Index("ix_handover_attempts_parcel", "county_code", "waybill_no"),
    Index("ix_handover_attempts_station", "county_code", "facility", "at"),
)

locker_compartments = Table(
    "locker_compartments",
    metadata,
    Column("county_code", String(6), primary_key=True),
    Column("facility", String(40), primary_key=True),
    Column("compartment", String(10), primary_key=True),
    Column("size", String(1), nullable=False),
    Column("waybill_no", String(32)),
    Column("pickup_code", String(20)),
    Column("deposited_at", DateTime(timezone=True)),
)

outbox = Table(
    "outbox",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("county_code", String(6), nullable=False),
    Column("channel", String(10), nullable=False),
    Column("to_enc", Text, nullable=False, info={"personal": "ciphertext"}),
    Column("to_masked", String(32), nullable=False, info={"personal": "clear"}),
    Column("template", String(40), nullable=False),
    Column("params", JSON, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("sent_at", DateTime(timezone=True)),
    info={"personal_clock": "created_at"},
)
