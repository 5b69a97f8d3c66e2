"""Every column that holds personal data is marked `info={"personal": KIND}` (docs/operations.md,
"Personal data"): the purge and the key rotation are driven by these marks, so a column that
looks personal but carries no mark would be silently kept forever. This test walks the whole
schema and fails for any such column, unless it is named below with the reason it is not
personal data of receivers or senders."""

from __future__ import annotations

import re

from sqlalchemy import Column, DateTime, Table

from countyexpress.adapters.db.schema import full_metadata
from countyexpress.domain import privacy

KINDS = {"ciphertext", "digest", "clear"}

LOOKS_PERSONAL = re.compile(
    r"phone|mobile|(^|_)tel(_|$)|id_number|id_no|(^|_)name|receiver|sender|address|contact"
    r"|actor|signer|(^|_)to_|_by$|person|owner|email|consignee|recipient",
)

# (table, column) pairs whose names look personal but whose values are not personal data of
# receivers or senders; each with the reason.
EXEMPT: dict[tuple[str, str], str] = {
    # Names of places and organisations, from the county's public data pack.
    ("counties", "name"): "the county's name",
    ("counties", "name_en"): "the county's English name",
    ("divisions", "name"): "a township, village or community name",
    ("facilities", "name"): "a station, locker or centre name",
    ("carriers", "name"): "a carrier's (company) name",
    ("carriers", "name_en"): "a carrier's English name",
    ("route_plans", "depot_name"): "the sorting centre's name",
    ("route_stops", "name"): "a stop: a facility, village or community name",
    # Labels that staff give to things.
    ("api_keys", "name"): "a label for a carrier's key",
    ("siting_scenarios", "name"): "a saved scenario's title",
    # Staff accounts and who-did-what of staff: kept while the account exists (an account is
    # removed by deactivation, not by the receivers' retention clock); the audit log of personal
    # reads must be kept by PIPL art. 51/54, and names a user and a waybill, never a receiver.
    ("users", "username"): "a staff member's log-in name",
    ("users", "display_name"): "a staff member's display name",
    ("siting_scenarios", "created_by"): "the staff user who saved the scenario",
    ("scenario_runs", "created_by"): "the staff user who started the run",
    ("front_warehouse", "created_by"): "the staff user who uploaded the order history",
    ("intake_records", "inspected_by"): "the staff member who inspected (real-name rule)",
    ("credit_events", "recorded_by"): "the regulator who recorded the credit event",
    ("blacklist_repairs", "recorded_by"): "the regulator who accepted the rectification",
    ("supervision_attachments", "added_by"): "the staff member who attached the file",
    ("assessment_reports", "frozen_by"): "the staff user who froze the yearly report",
    ("assessment_notes", "added_by"): "the staff user who wrote the progress note (audit)",
    ("assessment_evidence", "added_by"): "the staff user who attached the evidence (audit)",
    ("health_levels", "set_by"): "the regulator's user who set the township's risk level",
    ("health_logs", "logged_by"): "the staff user who logged the facility's measures",
    ("station_slots", "closed_by"): "how a slot was closed (pickup, return …), not a person",
    # The scan's operator (courier, keeper, device): staff, not a receiver; phone and ID
    # patterns in it are scrubbed at ingest (issue 11 defect 4), the ledger is append-only.
    ("scan_events", "actor"): "the staff member or device that scanned",
    ("vehicles", "owner"): "a carrier's code or the centre, an organisation",
    ("emergency_teams", "name"): "a team's name (一队), not a person's; members by staff number",
    ("emergency_resources", "name"): "a material, radio or fund (帐篷, 卫星电话), not a person",
    ("pack_documents", "name"): "the name of a pack file (health, packaging …)",
}


def _columns() -> list[tuple[Table, Column[object]]]:
    metadata = full_metadata()
    return [(t, c) for t in metadata.sorted_tables for c in t.columns]


def test_every_column_that_looks_personal_is_marked_or_exempt() -> None:
    unmarked = [
        f"{t.name}.{c.name}"
        for t, c in _columns()
        if LOOKS_PERSONAL.search(c.name)
        and "personal" not in c.info
        and (t.name, c.name) not in EXEMPT
    ]
    assert unmarked == [], f"mark or exempt: {unmarked}"


def test_exemptions_name_real_unmarked_columns() -> None:
    columns = {(t.name, c.name): c for t, c in _columns()}
    stale = [k for k in EXEMPT if k not in columns or "personal" in columns[k].info]
    assert stale == []


def test_marks_follow_the_contract() -> None:
    marked_tables = 0
    for table, column in _columns():
        mark = column.info.get("personal")
        if mark is None:
            continue
        assert mark in KINDS, f"{table.name}.{column.name}: unknown kind {mark!r}"
        if mark == "digest":
            of = column.info.get("of")
            if of is not None:
                assert table.c[of].info.get("personal") == "ciphertext", (table.name, of)
            normalise = column.info.get("normalise")
            assert normalise == "none" or callable(getattr(privacy, str(normalise), None)), (
                f"{table.name}.{column.name}: normalise {normalise!r} not in domain.privacy"
            )
    for table in full_metadata().sorted_tables:
        personal = [c for c in table.columns if "personal" in c.info]
        clock = table.info.get("personal_clock")
        if not personal:
            assert clock is None, table.name
            continue
        marked_tables += 1
        assert clock is not None, f"{table.name} holds personal columns but names no clock"
        assert isinstance(table.c[clock].type, DateTime), f"{table.name}.{clock}"
    assert marked_tables >= 4  # manifest items, consents, outbox, intake records at least
