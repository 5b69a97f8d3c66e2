"""Credit events derived from the ledger: a parcel reported lost counts once against its
carrier's county operation, on the county day of its first report."""

from __future__ import annotations

import datetime as dt

from countyexpress.domain.supervision.ledger_credit import (
    PARCEL_LOST,
    PROHIBITED_ACCEPTED,
    LossReport,
    ProhibitedFound,
    lost_parcel_events,
    prohibited_accepted_events,
)
from countyexpress.domain.supervision.records import Subject, SubjectKind


def test_a_lost_parcel_counts_once_against_its_carrier_on_the_county_day() -> None:
    late = dt.datetime(2026, 3, 1, 17, 30, tzinfo=dt.UTC)  # 01:30 on 2 March in the county
    reports = [
        LossReport("zto", "ZT1", late + dt.timedelta(days=1), "lost again"),
        LossReport("zto", "ZT1", late, "parcel lost"),
        LossReport("yto", "YT9", late, "破损"),
    ]
    events = sorted(lost_parcel_events(reports), key=lambda e: e.ref)
    assert [(str(e.subject), e.type, e.on, e.ref) for e in events] == [
        ("carrier:yto", PARCEL_LOST, dt.date(2026, 3, 2), "ledger:YT9"),
        ("carrier:zto", PARCEL_LOST, dt.date(2026, 3, 2), "ledger:ZT1"),
    ]
    assert events[1].subject == Subject(SubjectKind.CARRIER, "zto")
    assert "parcel lost" in events[1].note


def test_a_prohibited_item_counts_against_the_carrier_and_the_station_that_took_it_in() -> None:
    at = dt.datetime(2026, 3, 1, 3, 0, tzinfo=dt.UTC)
    found = [
        ProhibitedFound("zto", "ZT1", at, "controlled_knives", "HS-STA-01"),
        ProhibitedFound("zto", "ZT1", at + dt.timedelta(hours=1), "controlled_knives", "HS-STA-01"),
        ProhibitedFound("yto", "YT1", at, "explosives", "HS-YTO-OFFICE"),
    ]
    kinds = {"HS-STA-01": SubjectKind.STATION}
    events = prohibited_accepted_events(found, kinds)
    assert sorted((str(e.subject), e.ref) for e in events) == [
        ("carrier:yto", "ledger:YT1"),
        ("carrier:zto", "ledger:ZT1"),
        ("station:HS-STA-01", "ledger:ZT1"),
    ]
    assert {e.type for e in events} == {PROHIBITED_ACCEPTED}
    assert {e.on for e in events} == {dt.date(2026, 3, 1)}
