"""The scan ledger on SQLite and PostgreSQL: idempotent, append-only, states derived."""

from __future__ import annotations

import datetime as dt
import random
import uuid
from typing import Any

import pytest
from sqlalchemy import Engine, func, select

from countyexpress.adapters.db.tables_ledger import parcels, scan_events
from countyexpress.adapters.db.uow import SqlUnitOfWork
from countyexpress.adapters.packs import builtin_pack_path, read_pack
from countyexpress.domain.lifecycle import ParcelSummary, derive
from countyexpress.errors import NotFound
from countyexpress.services import counties, scans

WAYBILL = "JT0019812345678"
T9 = dt.datetime(2026, 11, 28, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))


@pytest.fixture
def heshuo(engine: Engine) -> Engine:
    path = builtin_pack_path("heshuo")
    assert path is not None
    counties.load_county(SqlUnitOfWork(engine), read_pack(path))
    return engine


def record(kind: str, at: str, facility: str = "HS-CENTER", **extra: Any) -> dict[str, Any]:
    return {
        "event_id": str(uuid.uuid4()),
        "waybill_no": WAYBILL,
        "carrier": "jt",
        "kind": kind,
        "facility": facility,
        "at": at,
        **extra,
    }


def day() -> list[dict[str, Any]]:
    return [
        record("arrive", "2026-11-28T08:00:00+08:00"),
        record("sort", "2026-11-28T08:10:00+08:00"),
        record("depart", "2026-11-28T09:00:00+08:00"),
        record("arrive", "2026-11-28T10:30:00+08:00", "HS-STA-01"),
        record("store", "2026-11-28T10:31:00+08:00", "HS-STA-01"),
    ]


def ingest(engine: Engine, records: list[dict[str, Any]]) -> scans.IngestResult:
    return scans.ingest(SqlUnitOfWork(engine), list(enumerate(records, start=1)))


def stored_events(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.scalar(select(func.count()).select_from(scan_events)) or 0)


def test_a_day_of_scans_gives_the_parcel_its_state_and_place(heshuo: Engine) -> None:
    """Five scans down the network: stored at the village station."""
    result = ingest(heshuo, day())
    assert (result.accepted, result.duplicates, result.rejected) == (5, 0, [])
    view = scans.parcel_status(SqlUnitOfWork(heshuo), WAYBILL)
    assert (view.status.state.value, view.status.place) == ("stored", "HS-STA-01")
    assert scans.counts_by_state(SqlUnitOfWork(heshuo), "652828") == {"stored": 1}


def test_ingesting_the_same_file_again_is_harmless(heshuo: Engine) -> None:
    """Repeats are counted as duplicates, stored once, and change no state."""
    batch = day()
    ingest(heshuo, batch)
    again = ingest(heshuo, batch)
    assert (again.accepted, again.duplicates, again.rejected) == (0, 5, [])
    assert stored_events(heshuo) == 5


def test_the_same_event_id_with_other_content_is_refused_as_a_conflict(heshuo: Engine) -> None:
    """A changed event cannot overwrite the ledger: corrections are new events."""
    batch = day()
    ingest(heshuo, batch)
    changed = dict(batch[0], facility="HS-STA-02")
    result = ingest(heshuo, [changed])
    assert result.accepted == 0
    [rejection] = result.rejected
    assert "conflicts" in rejection.reason and rejection.line == 1
    view = scans.parcel_status(SqlUnitOfWork(heshuo), WAYBILL)
    assert view.status.events[0].facility == "HS-CENTER"


def test_late_out_of_order_uploads_end_in_the_right_state(heshuo: Engine) -> None:
    """The pickup arrives first, the earlier scans later: the parcel ends delivered."""
    pickup = record("pickup", "2026-11-28T18:00:00+08:00", "HS-STA-01")
    ingest(heshuo, [pickup])
    early = scans.parcel_status(SqlUnitOfWork(heshuo), WAYBILL)
    assert early.status.anomalies  # a pickup out of nowhere, for now
    ingest(heshuo, list(reversed(day())))
    view = scans.parcel_status(SqlUnitOfWork(heshuo), WAYBILL)
    assert view.status.state.value == "delivered"
    assert view.status.anomalies == ()
    assert scans.counts_by_state(SqlUnitOfWork(heshuo), "652828") == {"delivered": 1}


def test_bad_records_are_refused_with_their_line_and_the_rest_accepted(heshuo: Engine) -> None:
    """Each refusal names the line and what is wrong; good lines still count."""
    batch = day()
    batch[1] = dict(batch[1], kind="teleport")
    batch[2] = dict(batch[2], at="2026-11-28T09:00:00")
    batch[3] = dict(batch[3], facility="NOWHERE")
    batch[4] = dict(batch[4], carrier="dhl")
    del batch[0]["event_id"]
    result = ingest(heshuo, batch)
    assert result.accepted == 0
    reasons = {r.line: r.reason for r in result.rejected}
    assert reasons[1] == "event_id: event_id is missing"
    assert reasons[2].startswith("kind: kind 'teleport' is not one of")
    assert reasons[3].startswith("at: the time needs its UTC offset")
    assert reasons[4] == "facility: unknown facility 'NOWHERE'"
    assert reasons[5] == "carrier: unknown carrier 'dhl'"
    assert stored_events(heshuo) == 0


def test_an_unknown_parcel_is_not_found(heshuo: Engine) -> None:
    """Asking for a waybill no scan names is a clear NotFound."""
    with pytest.raises(NotFound):
        scans.parcel_status(SqlUnitOfWork(heshuo), "SF1234567890123")


def test_the_projection_kept_up_batch_by_batch_equals_a_full_replay(heshuo: Engine) -> None:
    """Parcels continued from their summary (later scans), replayed (late uploads, scans
    after delivery) or new: every row equals the state machine run over all its events."""
    rnd = random.Random(7)
    kinds = ["arrive", "sort", "depart", "arrive", "store", "pickup", "exception", "return"]
    records = []
    for n in range(40):
        waybill = f"JT00198{n:08d}"
        for step in range(rnd.randint(1, 7)):
            at = T9 + dt.timedelta(minutes=step * 10 + rnd.choice([0, 0, 0, -15]))
            place = rnd.choice(["HS-CENTER", "HS-STA-01"])
            rec = record(rnd.choice(kinds), at.isoformat(), place)
            records.append({**rec, "waybill_no": waybill})
    rnd.shuffle(records)
    for i in range(0, len(records), 17):
        ingest(heshuo, records[i : i + 17])
    uow = SqlUnitOfWork(heshuo)
    with uow:
        waybills = sorted({r["waybill_no"] for r in records})
        stored = uow.ledger.summaries("652828", waybills)
        history = uow.ledger.events_of("652828", waybills)
    with heshuo.connect() as conn:  # the driver-level fast path writes what SQLAlchemy reads
        rows = {r.waybill_no: r for r in conn.execute(select(parcels))}
    assert sorted(rows) == waybills
    for waybill, row in rows.items():
        last = row.last_at if row.last_at.tzinfo else row.last_at.replace(tzinfo=dt.UTC)
        assert last == stored[waybill].last_at and row.state == stored[waybill].state.value
    for waybill in waybills:
        assert stored[waybill] == ParcelSummary.of(derive(waybill, history[waybill]))


def test_every_event_time_is_stored_in_utc_as_sqlalchemy_reads_it(heshuo: Engine) -> None:
    """The ingest writes `at` through the driver (SQLite: from the time text by strftime
    when it has whole seconds): across midnight, month, year and leap-day ends, under any
    whole-minute offset, with and without a fraction, the stored UTC time is the event's."""
    rnd = random.Random(11)
    edges = [dt.datetime(2024, 2, 29, 23, 59, 59), dt.datetime(2026, 12, 31, 23, 30),
             dt.datetime(2026, 11, 30, 16, 0), dt.datetime(2027, 1, 1, 0, 0, 1),
             dt.datetime(2026, 3, 1, 7, 59, 59, 999_999)]  # fmt: skip
    records, expected = [], {}
    for n in range(300):
        local = edges[n % len(edges)] + dt.timedelta(minutes=rnd.randint(-600, 600))
        if n % 3 == 0:
            local = local.replace(microsecond=rnd.randint(1, 999_999))
        zone = dt.timezone(dt.timedelta(minutes=rnd.randint(-12 * 60, 14 * 60)))
        at = local.replace(tzinfo=zone)
        rec = {**record("arrive", at.isoformat()), "waybill_no": f"JT00198{n:08d}"}
        records.append(rec)
        expected[rec["event_id"]] = at.astimezone(dt.UTC)
    result = ingest(heshuo, records)
    assert result.accepted == 300, result.rejected[:3]
    with heshuo.connect() as conn:
        stored = {i: t for i, t in conn.execute(select(scan_events.c.event_id, scan_events.c.at))}
    got = {i: t if t.tzinfo else t.replace(tzinfo=dt.UTC) for i, t in stored.items()}
    assert got == expected
    before = dt.datetime(2026, 12, 1, tzinfo=dt.UTC)  # stored times compare as times
    with heshuo.connect() as conn:
        earlier = conn.scalar(
            select(func.count()).select_from(scan_events).where(scan_events.c.at < before)
        )
    assert earlier == sum(1 for t in expected.values() if t < before)
