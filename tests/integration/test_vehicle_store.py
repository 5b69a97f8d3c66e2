"""The vehicle registry in the database: a fleet replaced whole, read back, imports audited."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Engine

from countyexpress.adapters.db.uow import SqlUnitOfWork
from countyexpress.domain.vehicles import RegisteredVehicle

AT = dt.datetime(2026, 12, 6, 2, 0, tzinfo=dt.UTC)


def test_a_fleet_replaces_the_last_and_each_import_is_recorded(engine: Engine) -> None:
    first = [
        RegisteredVehicle("HS-KD-V01", "新F-00001", "van", new_energy=True,
                          insured_until=dt.date(2027, 6, 30), marked=True,
                          courier_staff_no="S001", routing={"capacity_parcels": 500}),
        RegisteredVehicle("HS-KD-V02", "新F-00002", "etricycle", owner="ZTO"),
    ]  # fmt: skip
    with SqlUnitOfWork(engine) as uow:
        uow.vehicles.replace("654226", first, by="admin", at=AT, source="a.csv")
        uow.commit()
    with SqlUnitOfWork(engine) as uow:
        uow.vehicles.replace("654226", first[1:], by="admin", at=AT, source="b.csv")
        uow.commit()
    with SqlUnitOfWork(engine) as uow:
        assert uow.vehicles.fleet("654226") == first[1:]
        assert [(i["source"], i["count"], i["by"]) for i in uow.vehicles.imports("654226")] == [
            ("b.csv", 1, "admin"),
            ("a.csv", 2, "admin"),
        ]
    with SqlUnitOfWork(engine) as uow:
        uow.vehicles.replace("654226", first, by="admin", at=AT, source="a.csv")
        uow.commit()
    with SqlUnitOfWork(engine) as uow:
        assert uow.vehicles.fleet("654226") == first
        assert uow.vehicles.fleet("000000") == []
