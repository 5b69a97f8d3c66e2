"""Scans per day for the overview, counted by the database in Beijing days."""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import Engine

from countyexpress.adapters.db.uow import SqlUnitOfWork
from countyexpress.bootstrap import read_pack_source
from countyexpress.domain.access import Principal, Role
from countyexpress.domain.scans import ScanEvent, ScanKind
from countyexpress.services import counties, overview
from countyexpress.services.scans import append_events

BJ = dt.timezone(dt.timedelta(hours=8))


def _scan(n: int, kind: ScanKind, at: dt.datetime) -> ScanEvent:
    return ScanEvent(str(uuid.uuid4()), f"ZT73123456{n:05d}", "zto", kind, "HS-CENTER",
                     at, "test", {})  # fmt: skip


def test_scans_are_counted_per_beijing_day_with_empty_days_as_zero(engine: Engine) -> None:
    """23:30 and 00:30 Beijing time fall on two days though both are the same UTC day."""
    counties.load_county(SqlUnitOfWork(engine), read_pack_source("heshuo"))
    today = dt.date(2026, 11, 20)
    late = dt.datetime(2026, 11, 18, 23, 30, tzinfo=BJ)  # 15:30 UTC on the 18th
    early = dt.datetime(2026, 11, 19, 0, 30, tzinfo=BJ)  # 16:30 UTC on the 18th
    events = [_scan(1, ScanKind.ARRIVE, late), _scan(2, ScanKind.ARRIVE, early),
              _scan(3, ScanKind.ARRIVE, early)]  # fmt: skip
    with SqlUnitOfWork(engine) as uow:
        for e in events:  # received when scanned
            append_events(uow, "652828", [e], e.at.astimezone(dt.UTC))
        uow.commit()
    reg = Principal("u", "reg", Role.REGULATOR, county="652828")
    days = overview.volumes(SqlUnitOfWork(engine), reg, "652828", days=4, today=today)
    assert days is not None
    by_day = {d.day: d.counts["arrive"] for d in days}
    assert by_day == {dt.date(2026, 11, 17): 0, dt.date(2026, 11, 18): 1,
                      dt.date(2026, 11, 19): 2, dt.date(2026, 11, 20): 0}  # fmt: skip
    keeper = Principal("k", "k", Role.STATION_KEEPER, county="652828", station="HS-STA-01")
    assert overview.volumes(SqlUnitOfWork(engine), keeper, "652828") is None


def test_a_late_upload_counts_on_the_day_it_was_scanned(engine: Engine) -> None:
    """An offline station's scans uploaded days later (or a simulated month loaded today)
    are counted on the Beijing day the device scanned them; the first day starts at
    Beijing midnight, not at UTC midnight."""
    counties.load_county(SqlUnitOfWork(engine), read_pack_source("heshuo"))
    today = dt.date(2026, 11, 20)
    scanned = [dt.datetime(2026, 11, 17, 0, 10, tzinfo=BJ),  # on the first day shown
               dt.datetime(2026, 11, 16, 23, 50, tzinfo=BJ)]  # fmt: skip  # the day before
    uploaded = dt.datetime(2026, 11, 20, 9, 0, tzinfo=BJ)
    with SqlUnitOfWork(engine) as uow:
        append_events(uow, "652828", [_scan(n, ScanKind.ARRIVE, at) for n, at in
                                      enumerate(scanned)], uploaded)  # fmt: skip
        uow.commit()
    reg = Principal("u", "reg", Role.REGULATOR, county="652828")
    days = overview.volumes(SqlUnitOfWork(engine), reg, "652828", days=4, today=today)
    assert days is not None
    assert [d.counts["arrive"] for d in days] == [1, 0, 0, 0]
