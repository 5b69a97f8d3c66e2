"""Stored route plans feed `emergency_priority_first_share` (task 13) on SQLite and
PostgreSQL: a plan made after a parcel is marked serves its stop first."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine

from countyexpress.adapters.db.uow import SqlUnitOfWork
from countyexpress.adapters.packs import builtin_pack_path, read_pack
from countyexpress.adapters.packs.vehicles import fleet_for
from countyexpress.domain.emergency import INPUT
from countyexpress.domain.emergency_indicators import priority_first_share
from countyexpress.planning.routing import PyVRPPlanner
from countyexpress.services import centre, counties, emergency, routes
from support.route_day import DAY, heshuo_day

QUICK = PyVRPPlanner(seconds=5, max_iterations=300)


@pytest.fixture
def day(engine: Engine) -> Engine:
    path = builtin_pack_path("heshuo")
    assert path is not None
    counties.load_county(SqlUnitOfWork(engine), read_pack(path))
    heshuo_day(engine)
    return engine


def test_a_plan_with_an_emergency_parcel_counts_as_serving_it_first(day: Engine) -> None:
    """Before any mark no plan counts; once a parcel is marked, the stored plan's runs show
    its stop first and the share is 100%."""
    routes.plan_day(SqlUnitOfWork(day), "652828", DAY, fleet_for("652828"), QUICK)
    snap = emergency.snapshot(SqlUnitOfWork(day), "652828", DAY)
    assert len(snap.routes) == 1 and not snap.routes[0].has_priority
    assert priority_first_share(None, {INPUT: snap}).value is None  # type: ignore[arg-type]
    with SqlUnitOfWork(day) as u:
        parcel = u.routes.waiting_parcels("652828")[-1]
    centre.mark_priority(SqlUnitOfWork(day), "652828", [parcel.waybill_no])
    routes.plan_day(SqlUnitOfWork(day), "652828", DAY, fleet_for("652828"), QUICK)
    snap = emergency.snapshot(SqlUnitOfWork(day), "652828", DAY)
    marked = [r for r in snap.routes if r.has_priority]
    assert len(marked) == 2  # the mark is read at the time of asking: both plans hold it
    assert any(r.priority_first for r in marked)  # the plan made after the mark, at least
    share = priority_first_share(None, {INPUT: snap})  # type: ignore[arg-type]
    assert share.detail["plans"] == 2 and share.value is not None and share.value >= 0.5
