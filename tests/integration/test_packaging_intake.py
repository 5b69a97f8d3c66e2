"""Packaging recorded at intake (task 17) on SQLite and PostgreSQL: a parcel's packaging
kept with its intake, added up by carrier, facility and month where no carrier reported it,
and a carrier's report for the same carrier, outlet and month counted instead."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import Engine

from countyexpress.adapters.db.uow import SqlUnitOfWork
from countyexpress.adapters.packs import builtin_pack_path, read_pack
from countyexpress.adapters.vault import Vault
from countyexpress.domain.identity import IdType, SenderIdentity
from countyexpress.domain.inspection import ContentCategory, Inspection
from countyexpress.domain.packaging import BagType, ParcelPackaging
from countyexpress.services import counties, intake, packaging

CST = dt.timezone(dt.timedelta(hours=8))
T0 = dt.datetime(2026, 11, 30, 23, 30, tzinfo=CST)  # taken in in November, county time
VAULT = Vault(b"test-key-material-of-enough-length")
WHO = SenderIdentity(IdType.RESIDENT_ID, "360426199101010071", "阿依古丽", dt.date(2026, 11, 30))
SEEN = Inspection(ContentCategory.PEPPERS, "干辣椒 5 kg", "keeper-01")


@pytest.fixture
def heshuo(engine: Engine) -> Engine:
    path = builtin_pack_path("heshuo")
    assert path is not None
    counties.load_county(SqlUnitOfWork(engine), read_pack(path))
    return engine


def _take(engine: Engine, waybill: str, packed: ParcelPackaging | None) -> None:
    intake.take_in(SqlUnitOfWork(engine), VAULT, "652828", "HS-STA-01", "zto", waybill, WHO,
                   SEEN, "keeper-01", T0, packaging=packed)  # fmt: skip


def test_intake_packaging_adds_up_until_a_carriers_report_covers_the_month(
    heshuo: Engine,
) -> None:
    _take(heshuo, "73100000000001", ParcelPackaging(BagType.CARTON, 48.0, reboxed=True))
    _take(heshuo, "73100000000002", ParcelPackaging(BagType.ORIGINAL, 45.0))
    _take(heshuo, "73100000000003", ParcelPackaging(BagType.WOVEN_BAG, None, e_waybill=False))
    _take(heshuo, "73100000000004", None)  # nothing recorded: not counted
    b = packaging.breakdown_of(SqlUnitOfWork(heshuo), "652828", level="outlet")
    assert b.period == "2026"
    [from_intake] = b.reports
    assert (from_intake.carrier, from_intake.outlet, from_intake.month) == (
        "zto",
        "HS-STA-01",
        "2026-11",
    )
    assert from_intake.source == "intake"
    c = from_intake.counts
    assert (c.parcels, c.slim_tape, c.not_reboxed, c.e_waybill, c.non_degradable_bags) == (
        3, 2, 2, 2, 1)  # fmt: skip
    values = {v.indicator: v for v in b.indicators}
    assert values["slim_tape_share"].value == pytest.approx(2 / 3)
    assert values["prohibited_bag_share"].status.value == "behind"
    rows = [(2, {"carrier": "zto", "outlet": "HS-STA-01", "month": "2026-11",
                 "parcels": "100", "slim_tape": "100"})]  # fmt: skip
    packaging.import_reports(SqlUnitOfWork(heshuo), "652828", rows, "zto.csv")
    after = packaging.breakdown_of(SqlUnitOfWork(heshuo), "652828", year=2026)
    assert [(r.source, r.counts.parcels) for r in after.reports] == [("report", 100)]
    snap = packaging.snapshot(SqlUnitOfWork(heshuo), "652828", dt.date(2026, 12, 6))
    assert [r.source for r in snap.reports] == ["report"]
