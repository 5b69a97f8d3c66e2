"""Staff (issue 14, tasks 19-20): couriers and handlers of a county's carriers, stations and
centre, keyed by staff number (docs/staff.md).

Name, ID number and phone are personal: encrypted with the Vault and marked for the purge,
which counts from the day the person left (`left_at`; never while they work here).
"""

from __future__ import annotations

from sqlalchemy import Column, Date, DateTime, Integer, String, Table, Text

from countyexpress.adapters.db.tables import metadata

staff = Table(
    "staff",
    metadata,
    Column("county_code", String(6), primary_key=True),
    Column("staff_no", String(32), primary_key=True),
    Column("employer", String(100), nullable=False),  # a carrier, station or centre code
    Column("occupation", String(12), nullable=False),  # 4-02-07-08 / 4-02-07-09
    Column("level", Integer),  # 职业技能等级 5..1
    Column("pre_job_trained_on", Date),  # 岗前培训
    Column("trained_on", Date),  # last periodic training
    Column("social_insurance_until", Date),
    Column("injury_insurance_until", Date),  # 工伤保险
    Column("account", String(64)),  # the user account's log-in, where one exists
    Column("name_enc", Text, info={"personal": "ciphertext"}),
    Column("id_number_enc", Text, info={"personal": "ciphertext"}),
    Column("phone_enc", Text, info={"personal": "ciphertext"}),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Column("left_at", DateTime(timezone=True)),
    info={"personal_clock": "left_at"},
)
