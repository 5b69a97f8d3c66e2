"""The scan ingest rules of issue 11 on SQLite and on the real PostgreSQL: personal values
kept encrypted apart from the ledger, repeats and conflicts by key-independent
fingerprints, a scan never changes a carrier, a waiting parcel leaves only with its code,
a scan that takes it away closes its slot; and migration 0012 scrubs the events stored
before."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, insert, select

from countyexpress.adapters.db.engine import make_engine
from countyexpress.adapters.db.migrate import upgrade
from countyexpress.adapters.db.tables_ledger import scan_events, scan_personal
from countyexpress.adapters.db.tables_ops import station_slots
from countyexpress.adapters.db.uow import SqlUnitOfWork
from countyexpress.adapters.packs import builtin_pack_path, read_pack
from countyexpress.adapters.vault import Vault
from countyexpress.domain.access import Principal, Role
from countyexpress.domain.scans import PERSONAL_MARK, ScanEvent, ScanKind
from countyexpress.services import counties, scans

WAYBILL = "JT0019812345678"
PHONE, ID = "13700001111", "652828198501011238"
VAULT = Vault(b"a data key for the ingest rule tests")
OPERATOR = Principal("u1", "centre", Role.CENTRE_OPERATOR, county="652828")


@pytest.fixture
def heshuo(engine: Engine) -> Engine:
    path = builtin_pack_path("heshuo")
    assert path is not None
    counties.load_county(SqlUnitOfWork(engine), read_pack(path))
    return engine


def record(kind: str, minutes: int, facility: str = "HS-CENTER", **extra: Any) -> dict[str, Any]:
    at = dt.datetime.now(dt.UTC) - dt.timedelta(hours=3) + dt.timedelta(minutes=minutes)
    return {"event_id": str(uuid.uuid4()), "waybill_no": WAYBILL, "carrier": "jt",
            "kind": kind, "facility": facility, "at": at.isoformat(), **extra}  # fmt: skip


def ingest(engine: Engine, *records: dict[str, Any], by: Principal | None = None) -> Any:
    return scans.ingest(SqlUnitOfWork(engine), list(enumerate(records, start=1)), by=by,
                        cipher=VAULT)  # fmt: skip


def test_personal_values_are_encrypted_apart_and_repeats_still_recognised(heshuo: Engine) -> None:
    sent = record(
        "arrive",
        0,
        actor=f"司机 {PHONE}",
        payload={"party": {"phone": PHONE, "id_number": ID}, "note": f"tel {PHONE}"},
    )
    assert ingest(heshuo, sent).accepted == 1
    with heshuo.connect() as c:
        row = c.execute(select(scan_events).where(scan_events.c.event_id == sent["event_id"])).one()
        kept = c.execute(select(scan_personal)).all()
    assert PHONE not in f"{row.actor}{row.payload}" and ID not in json.dumps(row.payload)
    assert row.payload["party"] == {"phone": PERSONAL_MARK, "id_number": PERSONAL_MARK}
    assert {r.path: json.loads(VAULT.decrypt(r.value_enc)) for r in kept} == {
        "/party/phone": PHONE, "/party/id_number": ID,
    }  # fmt: skip
    assert all(r.value_hash == VAULT.digest(VAULT.decrypt(r.value_enc)) for r in kept)
    again = ingest(heshuo, sent)
    assert (again.accepted, again.duplicates) == (0, 1)
    other = dict(sent, payload={**sent["payload"], "party": {"phone": "13700002222",
                                                              "id_number": ID}})  # fmt: skip
    assert "conflicts" in ingest(heshuo, other).rejected[0].reason


def test_no_scan_changes_a_carrier_even_within_one_batch(heshuo: Engine) -> None:
    first = record("arrive", 0)
    result = ingest(heshuo, first, dict(record("sort", 5), carrier="zto"))
    assert result.accepted == 1 and "jt parcel" in result.rejected[0].reason
    assert ingest(heshuo, dict(record("depart", 9), carrier="sf")).accepted == 0


def test_a_waiting_parcel_leaves_with_its_code_and_a_scan_taking_it_closes_the_slot(
    heshuo: Engine,
) -> None:
    assert ingest(heshuo, record("arrive", 0, "HS-STA-01"), record("store", 1, "HS-STA-01"))
    stored = dt.datetime.now(dt.UTC) - dt.timedelta(hours=3) + dt.timedelta(minutes=1)
    with heshuo.begin() as c:
        c.execute(insert(station_slots).values(
            county_code="652828", waybill_no=WAYBILL, facility="HS-STA-01", shelf="A",
            pickup_code="A-0001", stored_at=stored))  # fmt: skip
    refused = ingest(heshuo, record("pickup", 30, "HS-STA-01"), by=OPERATOR)
    assert refused.accepted == 0 and "pickup code" in refused.rejected[0].reason
    assert ingest(heshuo, record("return", 40, "HS-STA-01"), by=OPERATOR).accepted == 1
    with heshuo.connect() as c:
        slot = c.execute(select(station_slots)).one()
    assert slot.closed_at is not None and slot.closed_by == "scan"


def test_migration_0012_scrubs_the_events_stored_before(database_url: str, tmp_path: Path) -> None:
    engine = make_engine(database_url)
    upgrade(engine, "0011")
    at = dt.datetime(2026, 11, 28, 9, 0, tzinfo=dt.UTC)
    plain = ScanEvent(str(uuid.uuid4()), WAYBILL, "jt", ScanKind.ARRIVE, "HS-CENTER", at,
                      f"王 {PHONE}", {"phone": PHONE, "shelf": "A"})  # fmt: skip
    clean = ScanEvent(str(uuid.uuid4()), WAYBILL, "jt", ScanKind.SORT, "HS-CENTER", at,
                      "op", {"shelf": "B"})  # fmt: skip
    with engine.begin() as c:
        for e in (plain, clean):
            c.execute(insert(scan_events).values(
                event_id=e.event_id, county_code="652828", waybill_no=e.waybill_no,
                carrier=e.carrier, kind=e.kind.value, facility=e.facility, actor=e.actor,
                at=e.at, at_text=e.at.isoformat(), received_at=at, payload=dict(e.payload),
                fingerprint=e.fingerprint()))  # fmt: skip
    upgrade(engine)
    with engine.connect() as c:
        rows = {r.event_id: r for r in c.execute(select(scan_events))}
    scrubbed = rows[plain.event_id]
    assert PHONE not in scrubbed.actor and scrubbed.payload == {
        "phone": PERSONAL_MARK,
        "shelf": "A",
    }
    kept = ScanEvent(plain.event_id, WAYBILL, "jt", ScanKind.ARRIVE, "HS-CENTER", at,
                     scrubbed.actor, scrubbed.payload)  # fmt: skip
    assert scrubbed.fingerprint == kept.fingerprint() != plain.fingerprint()
    assert rows[clean.event_id].fingerprint == clean.fingerprint()
    engine.dispose()
    if database_url.startswith("sqlite"):
        files = b"".join(p.read_bytes() for p in tmp_path.glob("test.db*"))
        assert PHONE.encode() not in files and PHONE[-4:].encode() in files


def test_the_purge_empties_an_uploads_personal_values_and_a_resend_stays_a_repeat(
    heshuo: Engine,
) -> None:
    from countyexpress.services import privacy

    sent = record("arrive", 0, payload={"receiver_phone": PHONE, "id_number": ID})
    assert ingest(heshuo, sent).accepted == 1
    later = dt.datetime.now(dt.UTC) + dt.timedelta(days=1)
    result = privacy.purge_personal_data(SqlUnitOfWork(heshuo), "652828", 0, now=later)
    assert result.tables.get("scan_personal") == 2
    with heshuo.connect() as c:
        rows = c.execute(select(scan_personal.c.value_enc, scan_personal.c.value_hash)).all()
    assert rows and all(r.value_enc in ("", None) and r.value_hash in ("", None) for r in rows)
    again = ingest(heshuo, sent)
    assert (again.accepted, again.duplicates) == (0, 1)


AT_TEXTS = (
    st.text(max_size=40)
    | st.datetimes().map(lambda d: d.isoformat())
    | st.datetimes(timezones=st.timezones()).map(lambda d: d.isoformat())
    | st.datetimes(timezones=st.timezones()).map(lambda d: d.isoformat(timespec="microseconds"))
)


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])  # fmt: skip
@given(at=AT_TEXTS, key=st.text(min_size=1, max_size=300))
def test_no_time_or_payload_key_breaks_a_batch(heshuo: Engine, at: str, key: str) -> None:
    """Any `at` text and any personal field's path: the line is stored or refused with a
    reason, and the good line beside it is stored, on both databases (column widths)."""
    odd = record("arrive", 0, at=at, payload={key: {"phone": PHONE}})
    good = record("exception", 1)
    result = ingest(heshuo, odd, good, by=OPERATOR)
    assert result.accepted + len(result.rejected) == 2
    assert all(r.line == 1 for r in result.rejected)


def test_a_time_with_a_seconds_offset_or_a_long_personal_path_is_refused_not_a_crash(
    heshuo: Engine,
) -> None:
    """Both would overflow a column on PostgreSQL (at_text 40, path 200 characters)."""
    now = dt.datetime.now(dt.UTC)
    lmt = dt.timezone(dt.timedelta(hours=5, minutes=49, seconds=43, microseconds=123456))
    odd_offset = record("arrive", 0, at=now.astimezone(lmt).isoformat(timespec="microseconds"))
    long_path = record("arrive", 0, payload={"x" * 250: {"phone": PHONE}})
    result = ingest(heshuo, odd_offset, long_path, record("exception", 1), by=OPERATOR)
    assert result.accepted == 1 and [r.line for r in result.rejected] == [1, 2]
