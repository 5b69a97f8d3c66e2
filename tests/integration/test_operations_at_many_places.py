"""The ops repository's reads and writes for many stations or bags at once (issue 17, item
7: one statement for a van's run instead of one per stop) answer as the one-place ones."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Engine, select

from countyexpress.adapters.db.tables_ops import station_slots
from countyexpress.adapters.db.uow import SqlUnitOfWork
from countyexpress.domain.delivery import DeliveryChoice
from countyexpress.domain.facilities import LockerCompartments
from countyexpress.domain.shelves import Attempt

T0 = dt.datetime(2026, 11, 2, 8, 0, tzinfo=dt.UTC)
COUNTY = "652828"


def _slot(waybill: str, facility: str, shelf: str, minutes: int) -> dict[str, object]:
    return {
        "county_code": COUNTY,
        "waybill_no": waybill,
        "facility": facility,
        "shelf": shelf,
        "pickup_code": f"{shelf}-{minutes:04d}",
        "stored_at": T0 + dt.timedelta(minutes=minutes),
    }


def test_open_slots_and_counts_of_several_stations_in_one_read(engine: Engine) -> None:
    with SqlUnitOfWork(engine) as uow:
        uow.ops.add_slots(
            [
                _slot("W1", "ST-A", "A", 3),
                _slot("W2", "ST-A", "B", 1),
                _slot("W3", "ST-B", "A", 2),
                _slot("W4", "ST-B", "A", 4),
                _slot("W5", "ST-C", "A", 5),
            ]
        )
        uow.ops.close_slots(COUNTY, [("W4", T0 + dt.timedelta(hours=1))], "pickup")
        uow.commit()
    with SqlUnitOfWork(engine) as uow:
        asked = ["ST-A", "ST-B", "ST-EMPTY"]
        open_at = uow.ops.open_slots_at(COUNTY, asked)
        stored = uow.ops.slots_stored_at(COUNTY, asked)
        assert set(open_at) == set(asked)  # a station with nothing open: an empty list
        for facility in asked:  # each as the one-station read gives it
            assert open_at[facility] == uow.ops.open_slots(COUNTY, facility)
            assert stored[facility] == uow.ops.slots_stored(COUNTY, facility)
        assert [s["waybill_no"] for s in open_at["ST-A"]] == ["W2", "W1"]  # oldest first
        assert open_at["ST-A"][0]["stored_at"] == T0 + dt.timedelta(minutes=1)
        assert [s["waybill_no"] for s in open_at["ST-B"]] == ["W3"]
        assert stored == {"ST-A": 2, "ST-B": 2, "ST-EMPTY": 0}  # closed slots count too
        c = station_slots.c
        closed = uow.ops.connection.execute(
            select(c.closed_at, c.closed_by).where(c.waybill_no == "W4")
        ).one()
        at = closed.closed_at
        assert (at if at.tzinfo else at.replace(tzinfo=dt.UTC), closed.closed_by) == (
            T0 + dt.timedelta(hours=1),
            "pickup",
        )  # read back as SQLAlchemy stores a time on each engine (naive UTC on SQLite)


def test_attempts_at_several_stations_in_one_insert(engine: Engine) -> None:
    at = T0 + dt.timedelta(hours=2, minutes=30)
    with SqlUnitOfWork(engine) as uow:
        uow.ops.add_attempts_at(
            COUNTY,
            [("ST-A", "W1", at, False), ("ST-B", "W2", at, True), ("ST-A", "W1", at, True)],
        )
        uow.ops.add_attempts_at(COUNTY, [])
        uow.commit()
    with SqlUnitOfWork(engine) as uow:
        assert uow.ops.attempts_for(COUNTY, ["W1", "W2"]) == {
            "W1": [Attempt(at, False), Attempt(at, True)],
            "W2": [Attempt(at, True)],
        }
        assert uow.ops.station_failures(COUNTY, "ST-A", T0) == [at]
        assert uow.ops.station_failures(COUNTY, "ST-B", T0) == []


def _item(waybill: str, carrier: str = "zto") -> dict[str, object]:
    return {
        "county_code": COUNTY,
        "waybill_no": waybill,
        "carrier": carrier,
        "manifest_id": "M1",
        "receiver_name_enc": "",
        "receiver_name_masked": "张*",
        "receiver_phone_enc": "",
        "receiver_phone_hash": "h",
        "receiver_phone_masked": "138****5678",
        "phone_tail_hash": "t",
        "address_enc": "",
        "address_masked": "和硕县***",
        "division_code": "652828200201",
        "township_code": "652828200",
        "resolution": "exact",
        "delivery_mode": "door",
        "delivery_flagged": False,
        "delivery_reason": "",
        "target_facility": None,
        "route_bag": None,
        "vehicle": None,
        "weight_kg": 1.0,
        "size": "S",
        "cold": False,
        "fee": "2.00",
        "received_at": T0,
    }


def test_items_of_many_bags_are_set_and_read_back_per_bag(engine: Engine) -> None:
    """Values set for many items at once (route bags, one item named twice, a time, a
    flag) read back as set; the sorted, undispatched items of several bags in one read."""
    with SqlUnitOfWork(engine) as uow:
        uow.ops.add_manifest_items([_item(f"W{i}", "yto" if i == 3 else "zto") for i in range(6)])
        uow.ops.set_manifest_values(
            COUNTY,
            [
                ("W3", {"route_bag": "BAG-A"}),
                ("W1", {"route_bag": "BAG-A"}),
                ("W2", {"route_bag": "BAG-B", "delivery_flagged": True}),
                ("W4", {"route_bag": "BAG-A"}),
                ("W4", {"route_bag": "BAG-C"}),  # named twice: the later value wins
                ("W5", {"route_bag": "BAG-B"}),
            ],
        )
        uow.ops.set_manifest_values(COUNTY, [("W5", {"vehicle": "VAN-1"})])
        later = T0 + dt.timedelta(hours=8)  # a time: stored as UTC on every engine
        uow.ops.set_manifest_values(COUNTY, [("W0", {"received_at": later.astimezone()})])
        uow.commit()
    with SqlUnitOfWork(engine) as uow:
        items = uow.ops.manifest_items_for(COUNTY, [f"W{i}" for i in range(6)])
        assert {w: i["route_bag"] for w, i in items.items()} == {
            "W0": None, "W1": "BAG-A", "W2": "BAG-B", "W3": "BAG-A", "W4": "BAG-C", "W5": "BAG-B"
        }  # fmt: skip
        assert items["W2"]["delivery_flagged"] is True
        assert items["W1"]["delivery_flagged"] is False
        assert items["W5"]["vehicle"] == "VAN-1"
        assert items["W0"]["received_at"] == later
        bags = ["BAG-A", "BAG-B", "BAG-C", "BAG-EMPTY"]
        waiting = uow.ops.undispatched_at(COUNTY, bags)
        for bag in bags:  # each as the one-bag read gives it
            assert waiting[bag] == uow.ops.undispatched(COUNTY, bag)
        assert waiting == {
            "BAG-A": [
                {"waybill_no": "W1", "carrier": "zto"},
                {"waybill_no": "W3", "carrier": "yto"},
            ],
            "BAG-B": [{"waybill_no": "W2", "carrier": "zto"}],  # W5 left on VAN-1
            "BAG-C": [{"waybill_no": "W4", "carrier": "zto"}],
            "BAG-EMPTY": [],
        }  # fmt: skip
        assert uow.ops.known_waybills(COUNTY, ["W1", "W9"]) == {"W1"}
        asked = [f"W{i}" for i in range(6)] + ["W9"]
        some = uow.ops.manifest_items_for(COUNTY, asked, ("carrier", "route_bag", "vehicle"))
        assert some == {  # only the columns asked for, as the whole rows hold them
            w: {k: i[k] for k in ("waybill_no", "carrier", "route_bag", "vehicle")}
            for w, i in items.items()
        }


def test_a_lockers_compartments_in_one_read_free_and_occupied(engine: Engine) -> None:
    """`compartments` gives every compartment of a locker, free or not, by code: the free
    and the occupied ones as their own reads give them."""
    with SqlUnitOfWork(engine) as uow:
        assert uow.ops.compartments(COUNTY, "LK-1") == []  # never made
        uow.ops.ensure_compartments(COUNTY, "LK-1", LockerCompartments(2, 1, 1))
        uow.ops.occupy_many(COUNTY, "LK-1", [("M01", "W1", "123456", T0)])
        uow.commit()
    with SqlUnitOfWork(engine) as uow:
        rows = uow.ops.compartments(COUNTY, "LK-1")
        assert [r["compartment"] for r in rows] == ["L01", "M01", "S01", "S02"]
        free = [(r["compartment"], r["size"]) for r in rows if r["waybill_no"] is None]
        assert sorted(free) == sorted(
            (c, s.value) for c, s in uow.ops.free_compartments(COUNTY, "LK-1")
        )
        occupied = [r for r in rows if r["waybill_no"] is not None]
        assert occupied == uow.ops.occupied_compartments(COUNTY, "LK-1")
        assert occupied[0]["pickup_code"] == "123456"
        assert occupied[0]["deposited_at"] == T0


def test_inserted_items_and_slots_keep_their_times_and_flags(engine: Engine) -> None:
    """Rows inserted in one batch (SQLite: through the driver) read back as written: a
    county-time (+08:00) moment as the same instant, flags as flags, found by time."""
    county_time = dt.timezone(dt.timedelta(hours=8))
    evening = dt.datetime(2026, 11, 2, 23, 30, tzinfo=county_time)  # 15:30 UTC
    with SqlUnitOfWork(engine) as uow:
        late = {**_item("W8"), "received_at": evening, "cold": True, "weight_kg": None}
        uow.ops.add_manifest_items([_item("W7"), late])
        uow.ops.add_slots([{**_slot("W8", "ST-A", "A", 1), "stored_at": evening}])
        uow.commit()
    with SqlUnitOfWork(engine) as uow:
        items = uow.ops.manifest_items_for(COUNTY, ["W7", "W8"])
        assert items["W8"]["received_at"] == evening
        assert items["W8"]["received_at"].utcoffset() == dt.timedelta(0)  # read back as UTC
        assert (items["W7"]["cold"], items["W8"]["cold"]) == (False, True)
        assert items["W8"]["weight_kg"] is None and items["W7"]["weight_kg"] == 1.0
        assert items["W7"]["priority"] is False  # the column's default
        since = dt.datetime(2026, 11, 2, 15, 0, tzinfo=dt.UTC)
        found = uow.ops.manifest_items(COUNTY, since=since, until=since + dt.timedelta(hours=1))
        assert [i["waybill_no"] for i in found] == ["W8"]
        assert uow.ops.open_slots(COUNTY, "ST-A")[0]["stored_at"] == evening


def test_consents_of_many_phones_in_one_read(engine: Engine) -> None:
    with SqlUnitOfWork(engine) as uow:
        uow.ops.set_consents(
            COUNTY, [("h1", DeliveryChoice.LOCKER), ("h2", DeliveryChoice.STATION)], T0, "test"
        )
        uow.commit()
    with SqlUnitOfWork(engine) as uow:
        assert uow.ops.consents_for(COUNTY, ["h2", "h1", "h3", "h1"]) == {
            "h1": DeliveryChoice.LOCKER,
            "h2": DeliveryChoice.STATION,
        }
        assert uow.ops.consents_for("652800", ["h1"]) == {}  # another county's: none
