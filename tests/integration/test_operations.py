"""A day down the network: manifest, centre, route bag, station or locker, hand-over."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import Engine, select

from countyexpress.adapters.db.tables_ops import manifest_items, outbox
from countyexpress.adapters.db.uow import SqlUnitOfWork
from countyexpress.adapters.packs import builtin_pack_path, read_pack
from countyexpress.adapters.vault import Vault
from countyexpress.domain.delivery import DeliveryChoice
from countyexpress.domain.shelves import HandoverOutcome
from countyexpress.errors import NotAllowed
from countyexpress.services import centre, counties, scans, stations

T0 = dt.datetime(2026, 11, 2, 8, 0, tzinfo=dt.UTC)
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


def manifest(engine: Engine, rows: list[dict[str, object]], carrier: str = "zto"):
    return centre.add_manifest(
        uow(engine), VAULT, "652828", carrier, list(enumerate(rows, start=1)), now=T0
    )


def row(waybill: str, address: str = "和硕县乌什塔拉回族乡塔拉村3组12号", **extra: object):
    return {
        "waybill_no": waybill,
        "receiver_name": "张三",
        "receiver_phone": PHONE,
        "address": address,
        "weight_kg": 1.2,
        **extra,
    }


def state(engine: Engine, waybill: str) -> tuple[str, str]:
    view = scans.parcel_status(uow(engine), waybill)
    return view.status.state.value, view.status.place


def test_a_parcel_with_station_consent_flows_down_to_a_hand_over(heshuo: Engine) -> None:
    """Manifest → centre → sorted to the village station → stored → notified → picked up."""
    centre.record_consent(uow(heshuo), VAULT, "652828", PHONE, DeliveryChoice.STATION, now=T0)
    result = manifest(heshuo, [row("ZT7312345678901")])
    assert (result.accepted, result.unresolved, result.flagged_for_door) == (1, 0, 0)
    sorted_ = centre.centre_inbound(uow(heshuo), "652828", "ZT7312345678901", "HS-CENTER", at=T0)
    assert sorted_.route_bag is not None and sorted_.route_bag.startswith("HS-STA-")
    assert state(heshuo, "ZT7312345678901") == ("sorted", "HS-CENTER")
    sent = centre.dispatch(
        uow(heshuo),
        "652828",
        sorted_.route_bag,
        "VAN-01",
        "HS-CENTER",
        at=T0 + dt.timedelta(hours=1),
    )
    assert sent == ["ZT7312345678901"]
    stored = stations.station_inbound(
        uow(heshuo),
        VAULT,
        "652828",
        sorted_.route_bag,
        "ZT7312345678901",
        at=T0 + dt.timedelta(hours=3),
    )
    assert stored.pickup_code == "A-0001"
    assert state(heshuo, "ZT7312345678901") == ("stored", sorted_.route_bag)
    with heshuo.connect() as conn:
        [message] = conn.execute(select(outbox)).all()
    assert message.to_masked == "*******5678" and message.params["pickup_code"] == "A-0001"
    assert PHONE not in str(message.params) and PHONE not in message.to_enc
    done = stations.hand_over(
        uow(heshuo),
        VAULT,
        "652828",
        sorted_.route_bag,
        "a-0001",
        "5678",
        at=T0 + dt.timedelta(hours=5),
    )
    assert done.outcome is HandoverOutcome.OK
    assert state(heshuo, "ZT7312345678901") == ("delivered", sorted_.route_bag)


def test_without_consent_a_parcel_is_flagged_for_the_door_and_not_shelved(heshuo: Engine) -> None:
    """快递市场管理办法 2024: no consent, no station; the bag is a door bag."""
    result = manifest(heshuo, [row("ZT7312345678902")])
    assert result.flagged_for_door == 1
    sorted_ = centre.centre_inbound(uow(heshuo), "652828", "ZT7312345678902", "HS-CENTER", at=T0)
    assert sorted_.route_bag is not None and sorted_.route_bag.startswith("DOOR-")
    with pytest.raises(NotAllowed, match="no consent"):
        stations.station_inbound(uow(heshuo), VAULT, "652828", "HS-STA-01", "ZT7312345678902")
    stations.deliver_to_door(
        uow(heshuo),
        "652828",
        "ZT7312345678902",
        "HS-CENTER",
        "family",
        "李四",
        at=T0 + dt.timedelta(hours=4),
    )
    view = scans.parcel_status(uow(heshuo), "ZT7312345678902")
    assert view.status.state.value == "delivered"
    assert view.status.events[-1].payload["signer"] == "李*"


def test_a_manifest_with_one_bad_row_stores_nothing(heshuo: Engine) -> None:
    """All or nothing: the bad row is named; the good rows wait for a corrected manifest."""
    result = manifest(
        heshuo,
        [
            row("ZT7312345678903"),
            row("ZT7312345678904", receiver_phone="12"),
            row("ZT7312345678905", weight_kg="heavy"),
        ],
    )
    assert result.accepted == 0
    assert [(r.line, r.reason.split(":")[0]) for r in result.rejected] == [
        (2, "receiver_phone"),
        (3, "weight_kg"),
    ]
    with heshuo.connect() as conn:
        assert conn.execute(select(manifest_items)).all() == []


def test_unresolved_addresses_and_unknown_parcels_go_to_the_manual_queue(heshuo: Engine) -> None:
    """An address naming no village waits for a person; a parcel on no manifest too."""
    manifest(heshuo, [row("ZT7312345678906", address="和硕县塔哈其镇某村")])
    queued = centre.centre_inbound(uow(heshuo), "652828", "ZT7312345678906", "HS-CENTER", at=T0)
    assert queued.route_bag is None and "not resolved" in queued.reason
    assert scans.parcel_status(uow(heshuo), "ZT7312345678906").status.open_exception
    centre.resolve_manually(uow(heshuo), "652828", "ZT7312345678906", "652828200201")
    again = centre.centre_inbound(
        uow(heshuo), "652828", "ZT7312345678906", "HS-CENTER", at=T0 + dt.timedelta(minutes=5)
    )
    assert again.route_bag == "DOOR-652828200201"
    stranger = centre.centre_inbound(uow(heshuo), "652828", "YT1234567890123", "HS-CENTER", at=T0)
    assert stranger.route_bag is None and "manifest" in stranger.reason


def test_wrong_tails_lock_the_parcel_even_against_the_right_code(heshuo: Engine) -> None:
    """Five wrong phone tails lock the parcel for 30 minutes."""
    centre.record_consent(uow(heshuo), VAULT, "652828", PHONE, DeliveryChoice.STATION, now=T0)
    manifest(heshuo, [row("ZT7312345678907")])
    bag = centre.centre_inbound(uow(heshuo), "652828", "ZT7312345678907", "HS-CENTER", at=T0)
    assert bag.route_bag is not None
    stored = stations.station_inbound(
        uow(heshuo), VAULT, "652828", bag.route_bag, "ZT7312345678907", at=T0
    )
    for i in range(5):
        wrong = stations.hand_over(
            uow(heshuo),
            VAULT,
            "652828",
            bag.route_bag,
            stored.pickup_code,
            "0000",
            at=T0 + dt.timedelta(minutes=i),
        )
        assert wrong.outcome is HandoverOutcome.WRONG
    locked = stations.hand_over(
        uow(heshuo),
        VAULT,
        "652828",
        bag.route_bag,
        stored.pickup_code,
        "5678",
        at=T0 + dt.timedelta(minutes=6),
    )
    assert locked.outcome is HandoverOutcome.LOCKED
    later = stations.hand_over(
        uow(heshuo),
        VAULT,
        "652828",
        bag.route_bag,
        stored.pickup_code,
        "5678",
        at=T0 + dt.timedelta(minutes=40),
    )
    assert later.outcome is HandoverOutcome.OK


def test_unclaimed_parcels_become_returns_after_the_county_limit(heshuo: Engine) -> None:
    """Heshuo returns parcels left more than 7 days."""
    centre.record_consent(uow(heshuo), VAULT, "652828", PHONE, DeliveryChoice.STATION, now=T0)
    manifest(heshuo, [row("ZT7312345678908")])
    bag = centre.centre_inbound(uow(heshuo), "652828", "ZT7312345678908", "HS-CENTER", at=T0)
    assert bag.route_bag is not None
    stations.station_inbound(uow(heshuo), VAULT, "652828", bag.route_bag, "ZT7312345678908", at=T0)
    assert stations.return_unclaimed(uow(heshuo), "652828", at=T0 + dt.timedelta(days=6)) == []
    returned = stations.return_unclaimed(uow(heshuo), "652828", at=T0 + dt.timedelta(days=8))
    assert returned == ["ZT7312345678908"]
    assert state(heshuo, "ZT7312345678908")[0] == "returned"


def test_a_locker_parcel_gets_a_compartment_and_pays_after_the_free_hours(heshuo: Engine) -> None:
    """Consent to lockers: deposit, code, pickup 30 h later costs 1.0 (12 h free, 0.5/12 h)."""
    centre.record_consent(uow(heshuo), VAULT, "652828", PHONE, DeliveryChoice.LOCKER, now=T0)
    manifest(heshuo, [row("ZT7312345678909", address="和硕县特吾里克镇团结社区2栋", size="M")])
    bag = centre.centre_inbound(uow(heshuo), "652828", "ZT7312345678909", "HS-CENTER", at=T0)
    assert bag.route_bag is not None and bag.route_bag.startswith("HS-LCK-")
    stored = stations.locker_deposit(
        uow(heshuo), VAULT, "652828", bag.route_bag, "ZT7312345678909", at=T0
    )
    assert stored.place.startswith("M")
    got = stations.locker_pickup(
        uow(heshuo), "652828", bag.route_bag, stored.pickup_code, at=T0 + dt.timedelta(hours=30)
    )
    assert (got.waybill_no, got.fee) == ("ZT7312345678909", Decimal("1.0"))
    assert stations.contactless_share(uow(heshuo), "652828") == 1.0


def test_the_monthly_statement_adds_each_carriers_fees(heshuo: Engine) -> None:
    """ZTO pays 0.80 a parcel plus 0.20 per kg over 3 kg (the Heshuo demo tariff)."""
    manifest(heshuo, [row("ZT7312345678910"), row("ZT7312345678911", weight_kg=5.0)])
    statement = centre.monthly_statement(uow(heshuo), "652828", "zto", 2026, 11)
    assert [line.fee for line in statement.lines] == [Decimal("0.80"), Decimal("1.20")]
    assert statement.total == Decimal("2.00")
    assert centre.monthly_statement(uow(heshuo), "652828", "zto", 2026, 12).lines == ()


def test_no_phone_name_or_address_is_stored_in_clear(heshuo: Engine) -> None:
    """Receivers' data is encrypted at rest: the raw rows never contain it."""
    manifest(heshuo, [row("ZT7312345678912")])
    with heshuo.connect() as conn:
        text = " ".join(str(v) for r in conn.execute(select(manifest_items)) for v in r)
    assert PHONE not in text and "张三" not in text and "3组12号" not in text


def test_a_receivers_latest_consent_wins(heshuo: Engine) -> None:
    """Station first, then door: the parcel goes to the door, unflagged."""
    centre.record_consent(uow(heshuo), VAULT, "652828", PHONE, DeliveryChoice.STATION, now=T0)
    centre.record_consents(uow(heshuo), VAULT, "652828", [(PHONE, DeliveryChoice.DOOR)], now=T0)
    result = manifest(heshuo, [row("ZT7312345678913")])
    assert (result.accepted, result.flagged_for_door) == (1, 0)
    bag = centre.centre_inbound(uow(heshuo), "652828", "ZT7312345678913", "HS-CENTER", at=T0)
    assert bag.route_bag is not None and bag.route_bag.startswith("DOOR-")


def test_a_town_receiver_who_chose_to_collect_gets_the_carriers_outlet(heshuo: Engine) -> None:
    """光明中心社区 has no village station but a ZTO outlet: a ZTO parcel of a receiver who
    chose 自取 is sorted there, shelved and handed over; a J&T parcel has no outlet there
    that takes it and goes to the door."""
    centre.record_consent(uow(heshuo), VAULT, "652828", PHONE, DeliveryChoice.STATION, now=T0)
    town = "和硕县特吾里克镇光明中心社区8栋"
    manifest(heshuo, [row("ZT7312345678911", town)], carrier="zto")
    manifest(heshuo, [row("JT0012345678911", town)], carrier="jt")
    zto = centre.centre_inbound(uow(heshuo), "652828", "ZT7312345678911", "HS-CENTER", at=T0)
    jt = centre.centre_inbound(uow(heshuo), "652828", "JT0012345678911", "HS-CENTER", at=T0)
    assert zto.route_bag == "HS-OUT-01"  # 中通快递光明中心社区网点
    assert jt.route_bag is not None and jt.route_bag.startswith("DOOR-")
    later = T0 + dt.timedelta(hours=1)
    centre.dispatch(uow(heshuo), "652828", "HS-OUT-01", "VAN-01", "HS-CENTER", at=later)
    stored = stations.station_inbound(uow(heshuo), VAULT, "652828", "HS-OUT-01",
                                      "ZT7312345678911", at=later)  # fmt: skip
    assert state(heshuo, "ZT7312345678911") == ("stored", "HS-OUT-01")
    done = stations.hand_over(uow(heshuo), VAULT, "652828", "HS-OUT-01", stored.pickup_code,
                              "5678", at=later + dt.timedelta(hours=2))  # fmt: skip
    assert done.outcome is HandoverOutcome.OK
