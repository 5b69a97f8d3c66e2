"""The overview's ledger scans on SQLite and PostgreSQL (issue 12): parcel ageing from the
projection, volume and returns per station and carrier shares from the events."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import Engine

from countyexpress.adapters.db.uow import SqlUnitOfWork
from countyexpress.adapters.packs import builtin_pack_path, read_pack
from countyexpress.domain.access import SYSTEM
from countyexpress.services import counties, overview, scans

CST = dt.timezone(dt.timedelta(hours=8))
STORED = dt.datetime(2026, 11, 28, 10, 31, tzinfo=CST)
WAYBILL = "JT0019812345699"
STEPS = (
    ("arrive", "HS-CENTER", -150),
    ("sort", "HS-CENTER", -140),
    ("depart", "HS-CENTER", -90),
    ("arrive", "HS-STA-01", -1),
    ("store", "HS-STA-01", 0),
)  # minutes before the shelving


@pytest.fixture
def heshuo(engine: Engine) -> Engine:
    path = builtin_pack_path("heshuo")
    assert path is not None
    counties.load_county(SqlUnitOfWork(engine), read_pack(path))
    records = [
        {"event_id": f"00000000-0000-4000-8000-00000000000{i}", "waybill_no": WAYBILL,
         "carrier": "jt", "kind": kind, "facility": place,
         "at": (STORED + dt.timedelta(minutes=m)).isoformat()}
        for i, (kind, place, m) in enumerate(STEPS)
    ]  # fmt: skip
    result = scans.ingest(SqlUnitOfWork(engine), list(enumerate(records, start=1)))
    assert result.rejected == []
    return engine


def test_a_parcel_stored_50_hours_ago_is_stuck_at_its_station(heshuo: Engine) -> None:
    now = STORED + dt.timedelta(hours=50)
    stuck = overview.stuck_parcels(SqlUnitOfWork(heshuo), SYSTEM, "652828", 48, now=now)
    assert [(p.waybill_no, p.place, p.state, p.carrier) for p in stuck] == [
        (WAYBILL, "HS-STA-01", "stored", "jt")
    ]
    assert stuck[0].hours == 50.0
    assert overview.ageing(stuck) == [overview.AgeingRow("HS-STA-01", "jt", 1)]
    assert overview.stuck_parcels(SqlUnitOfWork(heshuo), SYSTEM, "652828", 51, now=now) == []
    assert (
        overview.stuck_parcels(
            SqlUnitOfWork(heshuo), SYSTEM, "652828", 48, place="HS-STA-02", now=now
        )
        == []
    )


def test_station_volume_and_carrier_shares(heshuo: Engine) -> None:
    act = overview.activity(SqlUnitOfWork(heshuo), SYSTEM, "652828", today=STORED.date())
    assert act is not None
    station = next(s for s in act.stations if s.code == "HS-STA-01")
    assert (station.stored, station.returned, station.unclaimed_rate) == (1, 0, 0.0)
    assert [(c.carrier, c.parcels, c.share) for c in act.carriers] == [("jt", 2, 1.0)]
