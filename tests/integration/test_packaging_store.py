"""Packaging reports in the database (SQLite and PostgreSQL): a report replaces the one of
the same carrier, outlet and month; reads by year, month and carrier."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Engine

from countyexpress.adapters.db.uow import SqlUnitOfWork
from countyexpress.domain.packaging import Counts, PackagingReport

AT = dt.datetime(2026, 12, 6, 3, 0, tzinfo=dt.UTC)


def test_reports_are_replaced_by_key_and_read_by_year_month_and_carrier(engine: Engine) -> None:
    a = PackagingReport("zto", "2022-03", Counts(parcels=100, slim_tape=90), "HS-OUT-01")
    b = PackagingReport("zto", "2022-03", Counts(parcels=40, cartons_reused=7))
    c = PackagingReport("sto", "2023-01", Counts(parcels=5, transit_bags=2,
                                                 reusable_transit_bags=1))  # fmt: skip
    with SqlUnitOfWork(engine) as uow:
        assert uow.packaging.put("652828", [a, b, c], by="t", source="r.csv", at=AT) == 3
        uow.commit()
    a2 = PackagingReport("zto", "2022-03", Counts(parcels=120, slim_tape=110), "HS-OUT-01")
    with SqlUnitOfWork(engine) as uow:
        uow.packaging.put("652828", [a2], by="t", source="r2.csv", at=AT)
        uow.commit()
    with SqlUnitOfWork(engine) as uow:
        assert uow.packaging.reports("652828") == [b, a2, c]
        assert uow.packaging.reports("652828", year=2022) == [b, a2]
        assert uow.packaging.reports("652828", month="2023-01") == [c]
        assert uow.packaging.reports("652828", carrier="sto") == [c]
        assert uow.packaging.reports("000000") == []
