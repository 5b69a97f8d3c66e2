"""Credit events derived from the ledger: a parcel reported lost counts once against its
carrier's county operation, on the county day of its first report."""

from __future__ import annotations

import datetime as dt

from countyexpress.domain.supervision.ledger_credit import (
    PARCEL_LOST,
    LossReport,
    lost_parcel_events,
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
