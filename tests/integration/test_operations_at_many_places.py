"""The ops repository's reads and writes for many stations or bags at once (issue 17, item
7: one statement for a van's run instead of one per stop) answer as the one-place ones."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Engine

from countyexpress.adapters.db.uow import SqlUnitOfWork
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
