"""Supervision records, credit and rules stored and read back on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest
from sqlalchemy import Engine, select

from countyexpress.adapters.db.tables_supervision import supervision_records
from countyexpress.adapters.db.uow import SqlUnitOfWork
from countyexpress.adapters.packs import builtin_pack_path, read_pack
from countyexpress.adapters.vault import Vault
from countyexpress.domain.access import Principal, Role
from countyexpress.domain.supervision.clocks import ClockRule
from countyexpress.errors import Forbidden, NotAllowed, NotFound
from countyexpress.services import counties
from countyexpress.services import supervision as service

HESHUO = "652828"
MONDAY = dt.date(2026, 11, 30)
VAULT = Vault(b"0123456789abcdef0123456789abcdef")
MANAGER_ID = "110101199003074258"


@pytest.fixture
def uow(engine: Engine) -> SqlUnitOfWork:
    """A unit of work on a database holding the Heshuo pack."""
    path = builtin_pack_path("heshuo")
    assert path is not None
    counties.load_county(SqlUnitOfWork(engine), read_pack(path))
    return SqlUnitOfWork(engine)


def test_a_record_keeps_its_trail_and_clocks_across_transactions(uow: SqlUnitOfWork) -> None:
    """A complaint received, answered late and closed reads back step by step."""
    note = "电话 13912345678"
    opened = service.open_record(
        uow, HESHUO, "complaint", "carrier:zto", MONDAY, {"about": "left at the door"}, note
    )
    service.act(uow, HESHUO, opened.id, "answer", MONDAY + dt.timedelta(days=9))
    closed = service.act(uow, HESHUO, opened.id, "close", MONDAY + dt.timedelta(days=10))
    (back,) = service.records(uow, HESHUO, kind="complaint")
    assert back == closed
    assert [s.verb for s in back.record.trail] == ["receive", "answer", "close"]
    assert "13912345678" not in back.record.trail[0].note  # scrubbed on the way in
    clock = back.record.clocks["complaint.answer"]
    assert (clock.due, clock.stopped) == (MONDAY + dt.timedelta(days=7), MONDAY + dt.timedelta(9))
    with pytest.raises(NotAllowed):
        service.act(uow, HESHUO, opened.id, "appeal", MONDAY + dt.timedelta(days=11))
    with pytest.raises(NotFound):
        service.act(uow, "652827", opened.id, "close")  # another county's number space


def test_a_filings_manager_id_is_stored_only_encrypted(uow: SqlUnitOfWork, engine: Engine) -> None:
    """The manager's ID number never reaches the database in the clear."""
    view = service.submit_filing(uow, VAULT, HESHUO, "yto", "HS-OUT-99", "圆通新区驿站",
                                 "652828100001", MONDAY, manager_name="王小明",
                                 manager_id=MANAGER_ID, on=MONDAY)  # fmt: skip
    with engine.connect() as c:
        row = c.execute(
            select(supervision_records).where(supervision_records.c.id == view.id)
        ).one()
    assert MANAGER_ID not in str(row._mapping) and "王小明" not in str(row._mapping)
    assert MANAGER_ID in VAULT.decrypt(row.personal_enc)


def test_rules_stored_with_the_county_are_the_ones_used(uow: SqlUnitOfWork) -> None:
    """A county's own rules replace the built-in ones: a 3-day answer clock here."""
    with SqlUnitOfWork(uow.engine) as reading:
        rules = service.rules_of(reading, HESHUO)
    shorter = {**rules.clocks, "complaint.answer": ClockRule("complaint.answer", 3)}
    service.load_rules(uow, HESHUO, replace(rules, clocks=shorter), "test")
    view = service.open_record(uow, HESHUO, "complaint", "carrier:zto", MONDAY)
    assert view.record.clocks["complaint.answer"].due == MONDAY + dt.timedelta(days=3)


def test_a_carrier_reads_its_own_credit_and_no_one_elses(uow: SqlUnitOfWork) -> None:
    """Carriers see their own standing; a station keeper sees none."""
    service.record_credit_event(uow, HESHUO, "carrier:jt", "complaint_upheld", MONDAY)
    jt = Principal("k1", "jt-system", Role.CARRIER, HESHUO, carrier="jt")
    assert service.credit_of(uow, HESHUO, "carrier:jt", by=jt).score == 97
    with pytest.raises(Forbidden):
        service.credit_of(uow, HESHUO, "carrier:zto", by=jt)
    keeper = Principal("u1", "keeper", Role.STATION_KEEPER, HESHUO, station="HS-STA-01")
    with pytest.raises(Forbidden):
        service.credit_of(uow, HESHUO, "carrier:jt", by=keeper)
    with pytest.raises(Forbidden):
        service.record_credit_event(uow, HESHUO, "carrier:jt", "finding", by=jt)


def test_a_rectified_blacklisting_ends_after_its_waiting_period(uow: SqlUnitOfWork) -> None:
    """One leak lists a carrier; rectified, it comes off 12 months after the listing."""
    listed_on = dt.date(2025, 6, 1)
    service.record_credit_event(uow, HESHUO, "carrier:jt", "personal_data_leak", listed_on)
    assert service.credit_of(uow, HESHUO, "carrier:jt").blacklisted
    s = service.rectify(uow, HESHUO, "carrier:jt", listed_on, dt.date(2025, 8, 1))
    assert not s.blacklisted  # today is past 2026-06-01
    assert service.credit_of(uow, HESHUO, "carrier:jt", dt.date(2026, 5, 31)).blacklisted
    with pytest.raises(NotFound):
        service.rectify(uow, HESHUO, "carrier:jt", dt.date(2025, 1, 1))


def test_service_quality_counts_every_simulated_inbound_parcel_once(
    uow: SqlUnitOfWork, engine: Engine
) -> None:
    """Three simulated days: each inbound parcel of the ledger that arrived since the month's
    start is counted once, by its manifest's carrier; a complaint upheld against zto shows."""
    from sqlalchemy import func

    from countyexpress.adapters.db.tables_ledger import scan_events
    from countyexpress.adapters.db.tables_ops import manifest_items
    from countyexpress.adapters.packs.simulation import params_for
    from countyexpress.domain.county_time import COUNTY_ZONE, county_today
    from countyexpress.services import complaints, simulation

    county = read_pack(builtin_pack_path("heshuo"))  # type: ignore[arg-type]
    start = county_today() - dt.timedelta(days=4)
    simulation.simulate(lambda: SqlUnitOfWork(engine), VAULT, HESHUO, params_for(county), start,
                        3, seed=5, scale=0.02, outbound=False)  # fmt: skip
    added = complaints.add(uow, VAULT, HESHUO, "carrier:zto", "loss_or_damage", "box crushed")
    complaints.decide(uow, HESHUO, added.id, "appeal")
    complaints.decide(uow, HESHUO, added.id, "uphold")
    rows = service.service_quality(uow, HESHUO, months=2)
    assert rows and sum(r.parcels for r in rows) > 0
    first = add_month_start(county_today())
    with engine.connect() as c:
        firsts = (
            select(scan_events.c.waybill_no, func.min(scan_events.c.at).label("at"))
            .where(scan_events.c.kind == "arrive")
            .group_by(scan_events.c.waybill_no)
            .subquery()
        )
        expected = c.execute(
            select(func.count())
            .select_from(firsts.join(manifest_items,
                                     manifest_items.c.waybill_no == firsts.c.waybill_no))
            .where(firsts.c.at >= first.astimezone(COUNTY_ZONE).astimezone(dt.UTC))
        ).scalar()  # fmt: skip
    assert sum(r.parcels for r in rows) == expected
    for r in rows:
        assert r.on_time + r.late + r.waiting == r.parcels
    zto = [r for r in rows if r.carrier == "zto" and r.month == county_today().strftime("%Y-%m")]
    assert zto and zto[0].upheld == 1


def add_month_start(today: dt.date) -> dt.datetime:
    """The first moment of the month before `today`'s, in county time (months=2)."""
    from countyexpress.domain.county_time import COUNTY_ZONE
    from countyexpress.domain.supervision.calendar import add_months

    first = add_months(dt.date(today.year, today.month, 1), -1)
    return dt.datetime(first.year, first.month, 1, tzinfo=COUNTY_ZONE)


def test_a_loss_reported_in_the_ledger_counts_against_the_carrier_once(
    uow: SqlUnitOfWork,
) -> None:
    """An exception scan whose reason reports a loss, sent twice, gives zto one
    parcel_lost_or_opened event (derived, not stored) on the county day of the report."""
    from countyexpress.domain.county_time import county_date
    from countyexpress.services import scans

    at = dt.datetime.now(dt.UTC) - dt.timedelta(hours=2)
    upload = {"event_id": "5b7f3c1e-0000-4000-8000-00000000a001", "waybill_no": "75012345670001",
              "carrier": "zto", "kind": "exception", "facility": "HS-STA-01",
              "at": at.isoformat(), "actor": "keeper-01",
              "payload": {"reason": "parcel lost"}}  # fmt: skip
    again = dict(upload, event_id="5b7f3c1e-0000-4000-8000-00000000a002")
    other = dict(upload, event_id="5b7f3c1e-0000-4000-8000-00000000a003",
                 payload={"reason": "receiver away"})  # fmt: skip
    stored = scans.ingest(uow, [(1, upload), (2, again), (3, other)], HESHUO, cipher=VAULT)
    assert stored.accepted == 3, stored.rejected
    zto = service.credit_of(uow, HESHUO, "carrier:zto")
    lost = [e for e in zto.counted if e.type == "parcel_lost_or_opened"]
    assert [(e.on, e.ref) for e in lost] == [(county_date(at), "ledger:75012345670001")]
    assert zto.score == 95
    assert service.credit_of(uow, HESHUO, "carrier:yto").score == 100


def test_two_prohibited_items_found_after_intake_blacklist_the_carrier(
    uow: SqlUnitOfWork,
) -> None:
    """Two parcels taken in through the real intake at station HS-STA-01 and reported at
    screening to hold controlled knives: zto's county operation is blacklisted (Heshuo's
    rule: two prohibited_item_accepted within 12 months), the station carries the events
    too, the directory lists zto, and zto's next outlet filing is refused."""
    from countyexpress.domain.identity import IdType, SenderIdentity
    from countyexpress.domain.inspection import ContentCategory, Inspection
    from countyexpress.services import intake, scans

    now = dt.datetime.now(dt.UTC) - dt.timedelta(hours=3)
    sender = SenderIdentity(IdType.RESIDENT_ID, "360426199101010071", "阿依古丽", now.date())
    declared = Inspection(ContentCategory.PEPPERS, "干辣椒 5 kg", "keeper-01")
    uploads = []
    for n, waybill in enumerate(("75012345670101", "75012345670102"), start=1):
        intake.take_in(uow, VAULT, HESHUO, "HS-STA-01", "zto", waybill, sender, declared,
                       "keeper-01", now)  # fmt: skip
        uploads.append((n, {
            "event_id": f"5b7f3c1e-0000-4000-8000-00000000b00{n}", "waybill_no": waybill,
            "carrier": "zto", "kind": "exception", "facility": "HS-STA-01",
            "at": (now + dt.timedelta(hours=1)).isoformat(), "actor": "screener-01",
            "payload": {"reason": "X光机发现管制刀具", "prohibited": "controlled_knives"},
        }))  # fmt: skip
    assert not service.credit_of(uow, HESHUO, "carrier:zto").blacklisted
    stored = scans.ingest(uow, uploads, HESHUO, cipher=VAULT)
    assert stored.accepted == 2, stored.rejected
    zto = service.credit_of(uow, HESHUO, "carrier:zto")
    assert zto.blacklisted
    assert [e.type for e in zto.counted] == ["prohibited_item_accepted"] * 2
    station = service.credit_of(uow, HESHUO, "station:HS-STA-01")
    assert [e.ref for e in station.counted] == ["ledger:75012345670101", "ledger:75012345670102"]
    listed = service.directory(uow, HESHUO)
    assert any(str(s.subject) == "carrier:zto" and s.blacklisted for s in listed.standings)
    with pytest.raises(NotAllowed, match="blacklist"):
        service.submit_filing(uow, VAULT, HESHUO, "zto", "HS-OUT-77", "中通新区驿站",
                              "652828100001", dt.date.today())  # fmt: skip
