"""A carrier's monthly statement counts the county's months (Asia/Shanghai, UTC+8): a
parcel taken in at 23:30 on 30 November in the county is November's even though it is
15:30 UTC; one at 00:30 on 1 December is December's though it is still 30 November in UTC.
On SQLite and on PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import Engine

from countyexpress.adapters.db.uow import SqlUnitOfWork
from countyexpress.adapters.packs import builtin_pack_path, read_pack
from countyexpress.adapters.vault import Vault
from countyexpress.errors import InvalidValue
from countyexpress.services import centre, counties

CST = dt.timezone(dt.timedelta(hours=8))
VAULT = Vault(b"test-key-material-of-enough-length")
LATE_NOVEMBER = dt.datetime(2026, 11, 30, 23, 30, tzinfo=CST)  # 15:30Z on the 30th
EARLY_DECEMBER = dt.datetime(2026, 12, 1, 0, 30, tzinfo=CST)  # 16:30Z on the 30th


@pytest.fixture
def heshuo(engine: Engine) -> Engine:
    path = builtin_pack_path("heshuo")
    assert path is not None
    counties.load_county(SqlUnitOfWork(engine), read_pack(path))
    return engine


def announce(engine: Engine, waybill: str, at: dt.datetime) -> None:
    row = {"waybill_no": waybill, "receiver_name": "张三", "receiver_phone": "13812345678",
           "address": "和硕县乌什塔拉回族乡塔拉村3组12号", "weight_kg": 1.0}  # fmt: skip
    result = centre.add_manifest(SqlUnitOfWork(engine), VAULT, "652828", "zto", [(1, row)], now=at)
    assert not result.rejected


def waybills(engine: Engine, year: int, month: int) -> list[str]:
    statement = centre.monthly_statement(SqlUnitOfWork(engine), "652828", "zto", year, month)
    return [line.waybill_no for line in statement.lines]


def test_the_statement_cuts_months_at_midnight_in_the_county(heshuo: Engine) -> None:
    announce(heshuo, "ZT7312345670001", LATE_NOVEMBER)
    announce(heshuo, "ZT7312345670002", EARLY_DECEMBER)
    assert waybills(heshuo, 2026, 11) == ["ZT7312345670001"]
    assert waybills(heshuo, 2026, 12) == ["ZT7312345670002"]


def test_a_statement_month_outside_the_window_is_refused(heshuo: Engine) -> None:
    with pytest.raises(InvalidValue, match="10000"):
        centre.monthly_statement(SqlUnitOfWork(heshuo), "652828", "zto", 10000, 1)
