"""A rescan does not resurrect a parcel (issue 12): desks refuse, uploads keep working."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import Engine, func, select

from countyexpress.adapters.db.tables_ops import outbox
from countyexpress.adapters.db.uow import SqlUnitOfWork
from countyexpress.adapters.packs import builtin_pack_path, read_pack
from countyexpress.adapters.vault import Vault
from countyexpress.domain.delivery import DeliveryChoice
from countyexpress.domain.shelves import HandoverOutcome
from countyexpress.errors import NotAllowed
from countyexpress.services import centre, counties, scans, stations

T0 = dt.datetime(2026, 12, 3, 1, 0, tzinfo=dt.UTC)  # 09:00 in the county
PHONE = "13812345678"
VAULT = Vault(b"test-key-material-of-enough-length")
WB = "ZT7312345678931"
COUNTY = "652828"


@pytest.fixture
def heshuo(engine: Engine) -> Engine:
    path = builtin_pack_path("heshuo")
    assert path is not None
    counties.load_county(SqlUnitOfWork(engine), read_pack(path))
    centre.record_consent(SqlUnitOfWork(engine), VAULT, COUNTY, PHONE, DeliveryChoice.STATION)
    row = {"waybill_no": WB, "receiver_name": "张三", "receiver_phone": PHONE, "weight_kg": 1.2,
           "address": "和硕县乌什塔拉回族乡塔拉村3组12号"}  # fmt: skip
    centre.add_manifest(SqlUnitOfWork(engine), VAULT, COUNTY, "zto", [(1, row)], now=T0)
    return engine


def uow(engine: Engine) -> SqlUnitOfWork:
    return SqlUnitOfWork(engine)


def state(engine: Engine) -> tuple[str, str]:
    view = scans.parcel_status(uow(engine), WB)
    return view.status.state.value, view.status.place


def messages(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(outbox)).scalar_one())


def dispatched(engine: Engine) -> str:
    """Sorted at 09:00 and dispatched at 09:20 county time; the parcel's station."""
    bag = centre.centre_inbound(uow(engine), COUNTY, WB, "HS-CENTER", at=T0).route_bag
    assert bag is not None and bag.startswith("HS-STA-")
    centre.dispatch(uow(engine), COUNTY, bag, "VAN-01", "HS-CENTER",
                    at=T0 + dt.timedelta(minutes=20))  # fmt: skip
    return bag


def handed_over(engine: Engine) -> str:
    """Stored at 10:00, handed over at 10:39 county time; the station."""
    station = dispatched(engine)
    stored = stations.station_inbound(uow(engine), VAULT, COUNTY, station, WB,
                                      at=T0 + dt.timedelta(hours=1))  # fmt: skip
    done = stations.hand_over(uow(engine), VAULT, COUNTY, station, stored.pickup_code, "5678",
                              at=T0 + dt.timedelta(minutes=99))  # fmt: skip
    assert done.outcome is HandoverOutcome.OK
    return station


def test_a_parcel_handed_over_and_rescanned_at_the_station_stays_handed_over(
    heshuo: Engine,
) -> None:
    """The issue's case: refused with the county's time, no pickup code, no second SMS."""
    station = handed_over(heshuo)
    assert messages(heshuo) == 1
    with pytest.raises(NotAllowed, match=f"{WB} was handed over on 12-03 10:39") as refused:
        stations.station_inbound(uow(heshuo), VAULT, COUNTY, station, WB)
    assert refused.value.msgid and refused.value.params["when"] == "12-03 10:39"
    assert messages(heshuo) == 1
    assert state(heshuo) == ("delivered", station)
    with uow(heshuo) as u:
        assert u.ops.open_slots(COUNTY, station) == []


def test_a_batch_scan_in_refuses_the_handed_over_parcel_by_name(heshuo: Engine) -> None:
    """The many form (the API's): refused in the list, nothing stored, nothing sent."""
    station = handed_over(heshuo)
    result = stations.station_inbound_many(uow(heshuo), VAULT, COUNTY, station, [(WB, None)])
    assert result.stored == []
    assert result.refused == [(WB, f"{WB} was handed over on 12-03 10:39")]
    assert messages(heshuo) == 1 and state(heshuo)[0] == "delivered"


def test_a_parcel_on_a_shelf_elsewhere_is_not_shelved_twice(heshuo: Engine) -> None:
    """Stored at its station, scanned in at another: refused, one slot, one SMS."""
    station = dispatched(heshuo)
    stations.station_inbound(uow(heshuo), VAULT, COUNTY, station, WB,
                             at=T0 + dt.timedelta(hours=1))  # fmt: skip
    other = next(c for c in ("HS-STA-01", "HS-STA-02") if c != station)
    with pytest.raises(NotAllowed, match=f"was stored at {station} on 12-03 10:00"):
        stations.station_inbound(uow(heshuo), VAULT, COUNTY, other, WB)
    assert messages(heshuo) == 1 and state(heshuo) == ("stored", station)


def test_a_dispatched_parcel_rescanned_at_the_centre_stays_dispatched(heshuo: Engine) -> None:
    """发车 at 09:20: the centre's scan-in refuses it and it is not pulled back to sorted."""
    dispatched(heshuo)
    with pytest.raises(NotAllowed, match="left HS-CENTER on a vehicle on 12-03 09:20"):
        centre.centre_inbound(uow(heshuo), COUNTY, WB, "HS-CENTER")
    assert state(heshuo) == ("in_transit", "HS-CENTER")
    [answer] = centre.centre_inbound_many(uow(heshuo), COUNTY, [(WB, None)], "HS-CENTER")
    assert answer.route_bag is None and answer.refused
    assert "left HS-CENTER on a vehicle" in answer.reason
    assert state(heshuo) == ("in_transit", "HS-CENTER")


def test_a_batch_at_the_centre_sorts_the_others_and_refuses_the_dispatched_one(
    heshuo: Engine,
) -> None:
    """One refusal holds nothing else up: the next parcel of the scan batch is sorted."""
    dispatched(heshuo)
    other = "ZT7312345678932"
    row = {"waybill_no": other, "receiver_name": "李四", "receiver_phone": PHONE,
           "weight_kg": 1.0, "address": "和硕县乌什塔拉回族乡塔拉村3组12号"}  # fmt: skip
    centre.add_manifest(uow(heshuo), VAULT, COUNTY, "zto", [(1, row)], now=T0)
    answers = centre.centre_inbound_many(
        uow(heshuo), COUNTY, [(WB, None), (other, None)], "HS-CENTER"
    )
    assert [(a.waybill_no, a.refused, a.route_bag is not None) for a in answers] == [
        (WB, True, False),
        (other, False, True),
    ]
    assert state(heshuo) == ("in_transit", "HS-CENTER")


def test_a_sorted_parcel_may_be_scanned_again_at_the_centre(heshuo: Engine) -> None:
    """Not later than the desk's own step: the manual queue's "scan it in again" works."""
    centre.centre_inbound(uow(heshuo), COUNTY, WB, "HS-CENTER", at=T0)
    again = centre.centre_inbound(uow(heshuo), COUNTY, WB, "HS-CENTER")
    assert again.route_bag is not None and not again.refused
    assert state(heshuo) == ("sorted", "HS-CENTER")


def test_a_late_upload_of_a_real_past_event_is_still_kept(heshuo: Engine) -> None:
    """A device's upload is not a desk: its past 到件 at the station (10:00, sent after the
    hand-over) is accepted as the ledger defines, and the parcel stays handed over."""
    station = handed_over(heshuo)
    record = {"event_id": "7d3f1c52-0000-4000-8000-000000000001", "waybill_no": WB,
              "carrier": "zto", "kind": "arrive", "facility": station,
              "at": (T0 + dt.timedelta(minutes=59)).isoformat()}  # fmt: skip
    result = scans.ingest(uow(heshuo), [(1, record)], county=COUNTY)
    assert (result.accepted, result.rejected) == (1, [])
    view = scans.parcel_status(uow(heshuo), WB)
    assert record["event_id"] in {e.event_id for e in view.status.events}
    assert state(heshuo) == ("delivered", station)


def test_a_locker_parcel_picked_up_is_not_deposited_again(heshuo: Engine) -> None:
    """投柜 is a desk too: picked up from the locker, deposited again — refused, no
    compartment, no code, no second SMS."""
    phone = "13912345670"
    centre.record_consent(uow(heshuo), VAULT, COUNTY, phone, DeliveryChoice.LOCKER)
    parcel = "ZT7312345678933"
    row = {"waybill_no": parcel, "receiver_name": "王五", "receiver_phone": phone,
           "weight_kg": 1.0, "size": "M", "address": "和硕县特吾里克镇团结社区2栋"}  # fmt: skip
    centre.add_manifest(uow(heshuo), VAULT, COUNTY, "zto", [(1, row)], now=T0)
    bag = centre.centre_inbound(uow(heshuo), COUNTY, parcel, "HS-CENTER", at=T0).route_bag
    assert bag is not None and bag.startswith("HS-LCK-")
    stored = stations.locker_deposit(uow(heshuo), VAULT, COUNTY, bag, parcel, at=T0)
    stations.locker_pickup(uow(heshuo), COUNTY, bag, stored.pickup_code,
                           at=T0 + dt.timedelta(hours=1))  # fmt: skip
    sent = messages(heshuo)
    with pytest.raises(NotAllowed, match=f"{parcel} was handed over on 12-03 10:00"):
        stations.locker_deposit(uow(heshuo), VAULT, COUNTY, bag, parcel)
    assert messages(heshuo) == sent
    assert scans.parcel_status(uow(heshuo), parcel).status.state.value == "delivered"


def test_the_time_said_is_the_hand_over_not_a_later_exception(heshuo: Engine) -> None:
    """A problem noted after the hand-over (an uploaded exception at 11:30) does not change
    what the desk says: handed over at 10:39."""
    station = handed_over(heshuo)
    record = {"event_id": "7d3f1c52-0000-4000-8000-000000000002", "waybill_no": WB,
              "carrier": "zto", "kind": "exception", "facility": station,
              "at": (T0 + dt.timedelta(minutes=150)).isoformat(),
              "payload": {"reason": "damaged"}}  # fmt: skip
    assert scans.ingest(uow(heshuo), [(1, record)], county=COUNTY).accepted == 1
    with pytest.raises(NotAllowed, match=f"{WB} was handed over on 12-03 10:39"):
        stations.station_inbound(uow(heshuo), VAULT, COUNTY, station, WB)
