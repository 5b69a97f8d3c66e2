"""Moments given in county time (+08:00, as the simulation and handhelds give them) are
kept as the same instants on SQLite and PostgreSQL: fees, returns and hand-over lockouts
count the hours that passed, not eight more or fewer."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import Engine

from countyexpress.adapters.db.uow import SqlUnitOfWork
from countyexpress.adapters.packs import builtin_pack_path, read_pack
from countyexpress.adapters.vault import Vault
from countyexpress.domain.delivery import DeliveryChoice
from countyexpress.domain.shelves import HandoverOutcome
from countyexpress.services import centre, counties, stations

CST = dt.timezone(dt.timedelta(hours=8))
T0 = dt.datetime(2026, 11, 2, 8, 0, tzinfo=CST)
PHONE = "13812345678"
VAULT = Vault(b"test-key-material-of-enough-length")


@pytest.fixture
def heshuo(engine: Engine) -> Engine:
    path = builtin_pack_path("heshuo")
    assert path is not None
    counties.load_county(SqlUnitOfWork(engine), read_pack(path))
    return engine


def uow(engine: Engine) -> SqlUnitOfWork:
    return SqlUnitOfWork(engine)


def sorted_parcel(engine: Engine, waybill: str, choice: DeliveryChoice, address: str) -> str:
    """A manifested parcel sorted at the centre in county time; its route bag."""
    centre.record_consent(uow(engine), VAULT, "652828", PHONE, choice, now=T0)
    row = {"waybill_no": waybill, "receiver_name": "张三", "receiver_phone": PHONE,
           "address": address, "weight_kg": 1.0, "size": "M"}  # fmt: skip
    centre.add_manifest(uow(engine), VAULT, "652828", "zto", [(1, row)], now=T0)
    bag = centre.centre_inbound(uow(engine), "652828", waybill, "HS-CENTER", at=T0)
    assert bag.route_bag is not None
    return bag.route_bag


def test_a_locker_fee_counts_the_hours_in_county_time(heshuo: Engine) -> None:
    """Deposited 09:00, collected 30 h later: 12 h free, then two started periods."""
    locker = sorted_parcel(heshuo, "ZT7312345678909", DeliveryChoice.LOCKER,
                           "和硕县特吾里克镇团结社区2栋")  # fmt: skip
    at = T0 + dt.timedelta(hours=1)
    stored = stations.locker_deposit(uow(heshuo), VAULT, "652828", locker, "ZT7312345678909",
                                     at=at)  # fmt: skip
    got = stations.locker_pickup(uow(heshuo), "652828", locker, stored.pickup_code,
                                 at=at + dt.timedelta(hours=30))  # fmt: skip
    assert got.fee == Decimal("1.0")


def test_a_parcel_is_returned_after_the_limit_in_county_time(heshuo: Engine) -> None:
    """Heshuo returns parcels left more than 7 days: not at 6 days 23 h, at 7 days 1 h."""
    station = sorted_parcel(heshuo, "ZT7312345678908", DeliveryChoice.STATION,
                            "和硕县乌什塔拉回族乡塔拉村3组12号")  # fmt: skip
    at = T0 + dt.timedelta(hours=2)
    stations.station_inbound(uow(heshuo), VAULT, "652828", station, "ZT7312345678908", at=at)
    early = at + dt.timedelta(days=6, hours=23)
    assert stations.return_unclaimed(uow(heshuo), "652828", at=early) == []
    late = at + dt.timedelta(days=7, hours=1)
    assert stations.return_unclaimed(uow(heshuo), "652828", at=late) == ["ZT7312345678908"]


def test_a_lockout_lasts_its_thirty_minutes_in_county_time(heshuo: Engine) -> None:
    """Five wrong tails lock the parcel: still locked 20 minutes on, open 40 minutes on."""
    station = sorted_parcel(heshuo, "ZT7312345678907", DeliveryChoice.STATION,
                            "和硕县乌什塔拉回族乡塔拉村3组12号")  # fmt: skip
    at = T0 + dt.timedelta(hours=2)
    stored = stations.station_inbound(uow(heshuo), VAULT, "652828", station,
                                      "ZT7312345678907", at=at)  # fmt: skip
    wrong = [(stored.pickup_code, "0000", at + dt.timedelta(minutes=i)) for i in range(5)]
    stations.hand_over_many(uow(heshuo), VAULT, "652828", station, list(wrong))
    locked = stations.hand_over(uow(heshuo), VAULT, "652828", station, stored.pickup_code,
                                "5678", at=at + dt.timedelta(minutes=24))  # fmt: skip
    assert locked.outcome is HandoverOutcome.LOCKED
    done = stations.hand_over(uow(heshuo), VAULT, "652828", station, stored.pickup_code,
                              "5678", at=at + dt.timedelta(minutes=40))  # fmt: skip
    assert done.outcome is HandoverOutcome.OK
