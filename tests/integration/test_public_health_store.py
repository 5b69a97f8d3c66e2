"""Public health on SQLite and PostgreSQL: levels over time, day logs, contactless share."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from sqlalchemy import Engine

from countyexpress.adapters.db.uow import SqlUnitOfWork
from countyexpress.adapters.packs import builtin_pack_path, read_pack
from countyexpress.domain.access import Principal, Role
from countyexpress.errors import Forbidden, InvalidValue
from countyexpress.services import counties, public_health, scans

SEAT, WUSHI = "652828100000", "652828200000"  # 特吾里克镇, 乌什塔拉回族乡
DAY = dt.date(2022, 5, 3)
NOW = dt.datetime(2022, 5, 3, 12, 0, tzinfo=dt.UTC)


@pytest.fixture
def heshuo(engine: Engine) -> Engine:
    path = builtin_pack_path("heshuo")
    assert path is not None
    counties.load_county(SqlUnitOfWork(engine), read_pack(path))
    return engine


def uow(engine: Engine) -> SqlUnitOfWork:
    return SqlUnitOfWork(engine)


def pickup(waybill: str, facility: str, at: dt.datetime, method: str) -> dict[str, object]:
    return {"event_id": str(uuid.uuid4()), "waybill_no": waybill, "carrier": "zto",
            "kind": "pickup", "facility": facility, "at": at.isoformat(), "actor": "t",
            "payload": {"method": method}}  # fmt: skip


def test_the_level_of_a_day_and_the_days_log_are_kept(heshuo: Engine) -> None:
    """A level holds until changed; a second log of the day adds to the first."""
    public_health.set_level(uow(heshuo), "652828", WUSHI, "high", DAY, now=NOW)
    public_health.set_level(uow(heshuo), "652828", WUSHI, "low", DAY + dt.timedelta(days=5),
                            now=NOW)  # fmt: skip
    public_health.log_measures(uow(heshuo), "652828", "HS-STA-01", DAY, ["ventilation"], now=NOW)
    public_health.log_measures(uow(heshuo), "652828", "HS-STA-01", DAY,
                               ["disinfection", "passes"], now=NOW)  # fmt: skip
    s = public_health.status(uow(heshuo), "652828", DAY)
    assert s.levels == {WUSHI: "high"}
    sta = next(c for c in s.checks if c.facility_code == "HS-STA-01")
    assert sta.done == ("ventilation", "disinfection", "passes")
    assert sta.missing == ("staff_protection", "supplies_in_stock", "contactless_delivery")
    later = public_health.status(uow(heshuo), "652828", DAY + dt.timedelta(days=9))
    assert later.levels == {WUSHI: "low"}
    assert all(not c.required for c in later.checks if c.township_code == SEAT)


def test_unknown_levels_townships_and_measures_are_refused_by_name(heshuo: Engine) -> None:
    """Nothing is stored from a refused call."""
    with pytest.raises(InvalidValue, match="severe"):
        public_health.set_level(uow(heshuo), "652828", WUSHI, "severe", DAY)
    with pytest.raises(InvalidValue, match="no township"):
        public_health.set_level(uow(heshuo), "652828", "652828200201", "high", DAY)
    with pytest.raises(InvalidValue, match="mopping"):
        public_health.log_measures(uow(heshuo), "652828", "HS-STA-01", DAY,
                                   ["ventilation", "mopping"], now=NOW)  # fmt: skip
    with pytest.raises(InvalidValue, match="locker"):
        public_health.log_measures(uow(heshuo), "652828", "HS-LCK-01", DAY, ["ventilation"],
                                   now=NOW)  # fmt: skip
    assert public_health.status(uow(heshuo), "652828", DAY).history == ()


def test_a_station_keeper_logs_only_its_own_station_and_sets_no_level(heshuo: Engine) -> None:
    """Its own station's log is taken; another station's, or a level, is forbidden."""
    keeper = Principal("k1", "k1", Role.STATION_KEEPER, county="652828", station="HS-STA-01")
    public_health.log_measures(uow(heshuo), "652828", "HS-STA-01", DAY, ["ventilation"],
                               by=keeper, now=NOW)  # fmt: skip
    with pytest.raises(Forbidden):
        public_health.log_measures(uow(heshuo), "652828", "HS-STA-02", DAY, ["ventilation"],
                                   by=keeper, now=NOW)  # fmt: skip
    with pytest.raises(Forbidden):
        public_health.set_level(uow(heshuo), "652828", WUSHI, "high", DAY, by=keeper)
    seen = public_health.status(uow(heshuo), "652828", DAY, by=keeper)
    assert [c.facility_code for c in seen.checks] == ["HS-STA-01"]


def test_the_contactless_share_counts_each_waybills_first_pickup(heshuo: Engine) -> None:
    """Locker pickups over final deliveries, by month and township; a repeated pickup
    scan and a pickup of another year are not counted."""
    t = dt.datetime(2022, 5, 31, 17, 0, tzinfo=dt.UTC)  # 1 June in the county
    records = [
        pickup("ZT000001", "HS-LCK-01", t, "locker"),
        pickup("ZT000001", "HS-LCK-01", t + dt.timedelta(hours=1), "locker"),
        pickup("ZT000002", "HS-OUT-01", t, "pickup_code+phone_tail"),
        pickup("ZT000003", "HS-STA-01", t - dt.timedelta(days=3), "door"),
        pickup("ZT000004", "HS-LCK-04", t - dt.timedelta(days=3), "locker"),
        pickup("ZT000005", "HS-LCK-04", dt.datetime(2021, 12, 31, 15, 0, tzinfo=dt.UTC), "locker"),
    ]
    result = scans.ingest(uow(heshuo), list(enumerate(records, 1)), county="652828")
    assert not result.rejected
    tally = public_health.contactless(uow(heshuo), "652828", 2022)
    assert sum(tally.total.values()) == 4
    assert tally.share() == 0.5
    assert tally.share(month="2022-06") == 0.5 and tally.share(month="2022-05") == 0.5
    assert tally.share(township=WUSHI) == 0.5 and tally.share(township=SEAT) == 0.5
    assert public_health.contactless(uow(heshuo), "652828", 2021).share() == 1.0  # 23:00 CST
