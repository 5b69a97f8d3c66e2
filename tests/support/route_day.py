"""A small DEMO day of Heshuo parcels for the routing tests: sorted bags and pickups.

Receivers who chose a station or a locker get their parcels sorted there; the others to
door bags of their village. Two outbound parcels wait at stations, one where no bag goes.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Engine

from countyexpress.adapters.db.uow import SqlUnitOfWork
from countyexpress.adapters.vault import Vault
from countyexpress.domain.delivery import DeliveryChoice
from countyexpress.domain.identity import IdType, SenderIdentity
from countyexpress.domain.inspection import ContentCategory, Inspection
from countyexpress.services import centre, intake

CST = dt.timezone(dt.timedelta(hours=8))
DAY = dt.date(2026, 11, 28)
T0 = dt.datetime(2026, 11, 28, 6, 0, tzinfo=CST)
VAULT = Vault(b"test-key-material-of-enough-length")
PHONES = {
    DeliveryChoice.STATION: "13900000001",
    DeliveryChoice.LOCKER: "13900000002",
    None: "13900000003",  # no choice recorded: door delivery
}
PLACES = (
    "乌什塔拉回族乡塔拉村", "乌什塔拉回族乡大庄子村", "乌什塔拉回族乡沙梁湾村",
    "乌什塔拉回族乡泽斯特村", "新塔热乡新塔热村", "特吾里克镇光明中心社区",
    "特吾里克镇团结社区", "特吾里克镇清水河社区",
)  # fmt: skip
SENDER = SenderIdentity(IdType.RESIDENT_ID, "360426199101010071", "阿依古丽", DAY)
PICKUPS = (("75012345678901", "HS-STA-02"), ("75012345678902", "HS-STA-12"))


def waybill(i: int) -> str:
    """The i-th test waybill (ZTO-like)."""
    return f"ZT74{i:011d}"


def heshuo_day(engine: Engine, per_place: int = 3, cold_at: tuple[int, ...] = (4,)) -> list[str]:
    """Sort `per_place` parcels per place and receiver choice; return the waybills sorted."""
    for choice, phone in PHONES.items():
        if choice is not None:
            centre.record_consent(SqlUnitOfWork(engine), VAULT, "652828", phone, choice, now=T0)
    rows, i = [], 0
    for place in PLACES:
        for phone in PHONES.values():
            for _ in range(per_place):
                i += 1
                rows.append({
                    "waybill_no": waybill(i), "receiver_name": "张三", "receiver_phone": phone,
                    "address": f"和硕县{place}{i}号", "weight_kg": 0.5 + (i % 7),
                    "size": "SML"[i % 3], "cold": "1" if i in cold_at else "",
                })  # fmt: skip
    result = centre.add_manifest(SqlUnitOfWork(engine), VAULT, "652828", "zto",
                                 list(enumerate(rows, 1)), now=T0)  # fmt: skip
    assert not result.rejected and result.unresolved == 0, result
    scans = [(r["waybill_no"], T0) for r in rows]
    sorted_ = centre.centre_inbound_many(SqlUnitOfWork(engine), "652828", scans, "HS-CENTER")
    assert all(s.route_bag for s in sorted_), sorted_
    peppers = Inspection(ContentCategory.PEPPERS, "干辣椒 5 kg", "keeper-01")
    for number, station in PICKUPS:
        intake.take_in(SqlUnitOfWork(engine), VAULT, "652828", station, "zto", number, SENDER,
                       peppers, "keeper-01", T0)  # fmt: skip
    return [str(r["waybill_no"]) for r in rows]
