"""The ledger on PostgreSQL at region scale: monthly partitions of scan_events, made by the
migration, on demand and by the maintenance command; retention by detaching whole months."""

from __future__ import annotations

import datetime as dt
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select, text

from countyexpress.adapters.db import pg_ledger
from countyexpress.adapters.db.engine import make_engine
from countyexpress.adapters.db.ledger import SqlLedger
from countyexpress.adapters.db.migrate import downgrade, upgrade
from countyexpress.adapters.db.tables_ledger import parcels, scan_events
from countyexpress.adapters.db.uow import SqlUnitOfWork
from countyexpress.adapters.packs import builtin_pack_path, read_pack
from countyexpress.domain.scans import ScanEvent, ScanKind
from countyexpress.errors import InvalidValue
from countyexpress.services import counties, scans

pytestmark = pytest.mark.postgres
NOW = dt.datetime(2026, 12, 6, 10, 0, tzinfo=dt.UTC)


@pytest.fixture
def pg(postgres_url: str) -> Iterator[Engine]:
    eng = make_engine(postgres_url)
    upgrade(eng)
    yield eng
    eng.dispose()


def event(at: dt.datetime, waybill: str = "JT0019812345678", kind: str = "arrive") -> ScanEvent:
    return ScanEvent(str(uuid.uuid4()), waybill, "jt", ScanKind(kind), "HS-CENTER", at, "", {})


def append(engine: Engine, events: list[ScanEvent], received: dt.datetime = NOW) -> None:
    with engine.begin() as conn:
        SqlLedger(conn).append("652828", events, received)


def row(e: ScanEvent) -> dict[str, object]:
    """scan_events' row of an event, for a ledger of an older revision than the code's."""
    return {"event_id": e.event_id, "county_code": "652828", "waybill_no": e.waybill_no,
            "carrier": e.carrier, "kind": e.kind.value, "facility": e.facility, "actor": "",
            "at": e.at, "at_text": e.at.isoformat(), "received_at": NOW, "payload": {},
            "fingerprint": e.fingerprint()}  # fmt: skip


def where(engine: Engine) -> dict[str, int]:
    """Rows per partition."""
    with engine.connect() as conn:
        rows = conn.execute(
            text("SELECT tableoid::regclass::text, count(*) FROM scan_events GROUP BY 1")
        )
        return {name.removeprefix("ledger."): int(n) for name, n in rows}


def ids(engine: Engine) -> dict[str, dt.datetime]:
    """The id index: each stored event's id and time."""
    with engine.connect() as conn:
        rows = conn.execute(text(f"SELECT event_id, at FROM {pg_ledger.SCHEMA}.{pg_ledger.IDS}"))
        return {e: at for e, at in rows}


def count(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.scalar(select(func.count()).select_from(scan_events)) or 0)


def test_the_migration_partitions_existing_rows_by_month_and_downgrades_to_a_plain_table(
    postgres_url: str,
) -> None:
    eng = make_engine(postgres_url)
    try:
        upgrade(eng, "0028")
        old = [event(dt.datetime(2026, 10, 31, 23, 30, tzinfo=dt.UTC)), event(NOW)]
        with eng.begin() as conn:
            conn.execute(scan_events.insert(), [row(e) for e in old])
        upgrade(eng)
        with eng.connect() as conn:
            assert pg_ledger.is_partitioned(conn)
            names = pg_ledger.partitions(conn)
            key = conn.scalar(
                text(
                    "SELECT pg_get_constraintdef(oid) FROM pg_constraint"
                    " WHERE conname = 'pk_scan_events'"
                )
            )
        assert pg_ledger.partition_name(dt.date(2026, 10, 1)) in names
        assert names[-1] == pg_ledger.DEFAULT
        assert key == "PRIMARY KEY (event_id, at)"
        assert where(eng) == {"scan_events_y2026m10": 1, "scan_events_y2026m12": 1}

        downgrade(eng, "0028")
        with eng.connect() as conn:
            assert not pg_ledger.is_partitioned(conn)
            assert conn.scalar(text("SELECT to_regnamespace('ledger')")) is None
        assert count(eng) == 2
    finally:
        eng.dispose()


def test_migration_0031_indexes_the_stored_ids_once_and_downgrades_without_the_index(
    postgres_url: str,
) -> None:
    eng = make_engine(postgres_url)
    try:
        upgrade(eng, "0030")
        stored = [event(dt.datetime(2026, 10, 31, 23, 30, tzinfo=dt.UTC)), event(NOW)]
        with eng.begin() as conn:
            assert conn.scalar(text("SELECT to_regclass('ledger.scan_event_ids')")) is None
            conn.execute(scan_events.insert(), [row(e) for e in stored])
            # the same id twice, at two times (two concurrent uploads could do it before
            # the id index): the index keeps its first time
            twice = stored[0]
            conn.execute(
                text(
                    "INSERT INTO scan_events SELECT event_id, county_code, waybill_no, carrier,"
                    " kind, facility, actor, at + interval '1 hour', at_text, received_at,"
                    " payload, 'other' FROM scan_events WHERE event_id = :e"
                ),
                {"e": twice.event_id},
            )
        upgrade(eng)
        assert ids(eng) == {e.event_id: e.at for e in stored}
        with eng.connect() as conn:
            key = conn.scalar(
                text(
                    "SELECT pg_get_constraintdef(oid) FROM pg_constraint"
                    " WHERE conname = 'pk_scan_event_ids'"
                )
            )
        assert key == "PRIMARY KEY (event_id)"

        downgrade(eng, "0030")
        with eng.connect() as conn:
            assert conn.scalar(text("SELECT to_regclass('ledger.scan_event_ids')")) is None
            assert pg_ledger.is_partitioned(conn)
        assert count(eng) == 3
        with eng.begin() as conn:
            conn.execute(text("DELETE FROM scan_events WHERE fingerprint = 'other'"))
        downgrade(eng, "0028")  # on down to the plain table keyed by event_id, and back
        upgrade(eng)
        assert ids(eng) == {e.event_id: e.at for e in stored}
    finally:
        eng.dispose()


def test_an_exact_repeat_is_skipped_and_the_same_id_with_other_content_refused(
    pg: Engine,
) -> None:
    first = event(NOW)
    append(pg, [first])
    new = event(NOW)
    append(pg, [first, new])  # a concurrent resend that the caller did not see: skipped
    assert count(pg) == 2
    other = ScanEvent(first.event_id, first.waybill_no, "jt", ScanKind.SORT, "HS-CENTER",
                      NOW, "", {})  # fmt: skip
    with pytest.raises(InvalidValue, match="conflicts"):
        append(pg, [event(NOW), other])  # its id is taken, then found to differ
    assert count(pg) == 2  # nothing of the refused batch
    assert ids(pg) == {first.event_id: NOW, new.event_id: NOW}


def test_the_staging_table_holds_one_batch_whatever_the_batches_before(pg: Engine) -> None:
    """No autovacuum reaches a session's temporary table: emptied by DELETE, it kept every
    batch's rows dead and grew by each."""
    with pg.connect() as conn:
        sizes = []
        for day in range(1, 4):
            batch = [event(NOW + dt.timedelta(days=day, minutes=m)) for m in range(500)]
            SqlLedger(conn).append("652828", batch, NOW)
            conn.commit()
            sizes.append(conn.scalar(text("SELECT pg_relation_size('_scan_stage')")))
            assert conn.scalar(text("SELECT count(*) FROM _scan_stage")) == 500
    assert sizes[0] == sizes[1] == sizes[2] > 0
    assert count(pg) == 1500


def waiting(engine: Engine) -> bool:
    """Whether an insert into the id index waits on another transaction's lock."""
    with engine.connect() as conn:
        return bool(
            conn.scalar(
                text(
                    "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
                    f" AND query LIKE 'INSERT INTO {pg_ledger.SCHEMA}.{pg_ledger.IDS}%'"
                )
            )
        )


def test_two_concurrent_uploads_of_an_id_at_two_times_keep_one(pg: Engine) -> None:
    """Neither upload sees the other's uncommitted event at its lookup, and their months'
    partitions hold different keys: the id index's key makes the second wait for the first
    and then refuses it."""
    with pg.begin() as conn:
        pg_ledger.create_partitions(conn, [dt.date(2026, 11, 1)])
    first = event(dt.datetime(2026, 11, 30, 23, 0, tzinfo=dt.UTC))
    again = ScanEvent(first.event_id, first.waybill_no, "jt", ScanKind.ARRIVE, "HS-CENTER",
                      NOW, "", {})  # fmt: skip
    refused: list[BaseException] = []

    def second() -> None:
        try:
            append(pg, [again, event(NOW)])
        except InvalidValue as exc:
            refused.append(exc)

    with pg.connect() as one:
        assert SqlLedger(one).fingerprints([first.event_id]) == {}
        SqlLedger(one).append("652828", [first], NOW)  # not committed yet
        racer = threading.Thread(target=second)
        racer.start()
        while not waiting(pg):  # until the second upload waits on the first's id
            racer.join(0.05)
            assert racer.is_alive()
        one.commit()
        racer.join()
    assert len(refused) == 1 and f"event_id {first.event_id} conflicts" in str(refused[0])
    assert ids(pg) == {first.event_id: first.at}
    assert count(pg) == 1


def test_the_same_id_at_a_time_in_another_month_is_refused_without_the_lookup(
    pg: Engine,
) -> None:
    with pg.begin() as conn:
        pg_ledger.create_partitions(conn, [dt.date(2026, 11, 1)])
    first = event(dt.datetime(2026, 11, 30, 23, 0, tzinfo=dt.UTC))
    append(pg, [first])
    later = ScanEvent(
        first.event_id, first.waybill_no, "jt", ScanKind.ARRIVE, "HS-CENTER", NOW, "", {}
    )  # fmt: skip  (another month's partition: its key is free)
    with pytest.raises(InvalidValue, match=f"event_id {first.event_id} conflicts"):
        append(pg, [later, event(NOW)])  # a concurrent upload: the caller's lookup missed it
    assert where(pg) == {"scan_events_y2026m11": 1}
    assert ids(pg) == {first.event_id: first.at}
    with pg.connect() as conn:
        found = SqlLedger(conn).fingerprints([first.event_id, later.event_id, "unknown"])
    assert found == {first.event_id: first.fingerprint()}


def test_the_ingest_refuses_an_id_stored_in_another_months_partition(pg: Engine) -> None:
    path = builtin_pack_path("heshuo")
    assert path is not None
    counties.load_county(SqlUnitOfWork(pg), read_pack(path))
    sent = {
        "event_id": str(uuid.uuid4()), "waybill_no": "JT0019812345678", "carrier": "jt",
        "kind": "arrive", "facility": "HS-CENTER", "at": "2026-11-28T08:00:00+08:00",
    }  # fmt: skip
    assert scans.ingest(SqlUnitOfWork(pg), [(1, sent)]).accepted == 1
    moved = {**sent, "at": "2026-12-02T08:00:00+08:00"}  # its key (id, time) is free
    done = scans.ingest(SqlUnitOfWork(pg), [(1, moved)])
    assert done.accepted == 0 and "conflicts" in done.rejected[0].reason
    assert count(pg) == 1  # (in the default partition: older than the oldest month's)


def test_an_ingest_opens_next_months_partition_and_far_months_land_in_the_default(
    pg: Engine,
) -> None:
    with pg.begin() as conn:
        assert pg_ledger.partition_name(dt.date(2027, 1, 1)) not in pg_ledger.partitions(conn)
    soon = event(dt.datetime(2027, 1, 2, tzinfo=dt.UTC))
    far = event(dt.datetime(2031, 5, 1, tzinfo=dt.UTC))
    long_ago = event(dt.datetime(2019, 3, 1, tzinfo=dt.UTC))
    append(pg, [soon, far, long_ago])
    assert where(pg) == {"scan_events_y2027m01": 1, "scan_events_default": 2}

    # the maintenance command's creation moves a month's rows out of the default partition
    with pg.begin() as conn:
        assert pg_ledger.create_partitions(conn, [dt.date(2031, 5, 1)]) == ["scan_events_y2031m05"]
    assert where(pg) == {
        "scan_events_y2027m01": 1, "scan_events_y2031m05": 1, "scan_events_default": 1
    }  # fmt: skip


def test_maintenance_creates_ahead_and_archives_months_past_retention_whole(
    pg: Engine, postgres_url: str, tmp_path: Path
) -> None:
    old = [event(dt.datetime(2026, 12, 1, tzinfo=dt.UTC) - dt.timedelta(days=d)) for d in (1, 40)]
    with pg.begin() as conn:
        pg_ledger.create_partitions(conn, [dt.date(2026, 10, 1), dt.date(2026, 11, 1)])
    kept = event(NOW)
    append(pg, [*old, kept])
    assert count(pg) == 3

    done = pg_ledger.maintain(
        pg, postgres_url, ahead=3, retain_months=1, archive=tmp_path / "archive",
        now=NOW + dt.timedelta(days=31),
    )  # fmt: skip
    # this month is 2027-01: kept are 2026-12 on; 2026-10 and 2026-11 went to the archive
    assert done.created == ["scan_events_y2027m01", "scan_events_y2027m02",
                            "scan_events_y2027m03", "scan_events_y2027m04"]  # fmt: skip
    assert done.dropped == ["scan_events_y2026m10", "scan_events_y2026m11"]
    assert [Path(p).name for p in done.archived] == [f"{n}.dump" for n in done.dropped]
    assert all(Path(p).stat().st_size > 0 for p in done.archived)
    assert count(pg) == 1
    assert ids(pg) == {kept.event_id: kept.at}  # the archived months' ids left with them
    assert pg_ledger.DEFAULT in done.partitions
    again = pg_ledger.maintain(pg, postgres_url, ahead=3, now=NOW + dt.timedelta(days=31))
    assert again.created == [] and again.dropped == []


def test_maintenance_from_a_past_month_opens_its_months_for_a_history_to_import(
    pg: Engine, postgres_url: str, tmp_path: Path
) -> None:
    early = event(dt.datetime(2026, 9, 15, tzinfo=dt.UTC))
    append(pg, [early])  # before the history's months have partitions: the default one
    assert where(pg) == {"scan_events_default": 1}

    done = pg_ledger.maintain(pg, postgres_url, ahead=0, now=NOW, since=dt.date(2026, 8, 20))
    assert done.created == ["scan_events_y2026m08", "scan_events_y2026m09",
                            "scan_events_y2026m10", "scan_events_y2026m11"]  # fmt: skip
    assert where(pg) == {"scan_events_y2026m09": 1}  # moved out of the default partition
    history = [event(dt.datetime(2026, 8, 1, tzinfo=dt.UTC)),
               event(dt.datetime(2026, 10, 31, 23, 59, tzinfo=dt.UTC))]  # fmt: skip
    append(pg, history)
    assert where(pg) == {
        "scan_events_y2026m08": 1, "scan_events_y2026m09": 1, "scan_events_y2026m10": 1
    }  # fmt: skip

    with pytest.raises(InvalidValue, match="past month"):
        pg_ledger.maintain(pg, postgres_url, now=NOW, since=dt.date(2027, 1, 1))
    with pytest.raises(InvalidValue, match="older than --retain-months"):
        pg_ledger.maintain(pg, postgres_url, retain_months=2, archive=tmp_path, now=NOW,
                           since=dt.date(2026, 8, 1))  # fmt: skip
    with pytest.raises(InvalidValue, match="YYYY-MM"):
        pg_ledger.parse_month("2026-13")
    assert pg_ledger.parse_month(" 2025-01 ") == dt.date(2025, 1, 1)


def test_ingest_through_the_service_keeps_the_projection_set_based(pg: Engine) -> None:
    path = builtin_pack_path("heshuo")
    assert path is not None
    counties.load_county(SqlUnitOfWork(pg), read_pack(path))
    records = [
        {"event_id": str(uuid.uuid4()), "waybill_no": f"JT00198123456{i:02d}", "carrier": "jt",
         "kind": kind, "facility": "HS-CENTER", "at": f"2026-11-28T0{8 + j}:00:00+08:00"}
        for i in range(30) for j, kind in enumerate(("arrive", "sort"))
    ]  # fmt: skip
    first = scans.ingest(SqlUnitOfWork(pg), list(enumerate(records[::2], start=1)))
    second = scans.ingest(SqlUnitOfWork(pg), list(enumerate(records, start=1)))
    assert (first.accepted, second.accepted, second.duplicates) == (30, 30, 30)
    with pg.connect() as conn:
        rows = conn.execute(select(parcels.c.state, parcels.c.events)).all()
    assert sorted(set(rows)) == [("sorted", 2)] and len(rows) == 30
