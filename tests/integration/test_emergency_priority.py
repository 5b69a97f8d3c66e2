"""Emergency supplies (应急物资, task 13) on a real Heshuo day: their stop is served first."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine

from countyexpress.adapters.db.uow import SqlUnitOfWork
from countyexpress.adapters.packs import builtin_pack_path, read_pack
from countyexpress.adapters.packs.vehicles import fleet_for
from countyexpress.errors import NotFound
from countyexpress.planning.routing import PyVRPPlanner
from countyexpress.services import centre, counties, routes
from support.route_day import DAY, heshuo_day

QUICK = PyVRPPlanner(seconds=5, max_iterations=300)


@pytest.fixture
def day(engine: Engine) -> Engine:
    path = builtin_pack_path("heshuo")
    assert path is not None
    counties.load_county(SqlUnitOfWork(engine), read_pack(path))
    heshuo_day(engine)
    return engine


def test_the_stop_of_an_emergency_parcel_is_the_first_of_its_route(day: Engine) -> None:
    """A bag the plan without priority serves late in a route is served first once marked."""
    with SqlUnitOfWork(day) as u:
        parcels = u.routes.waiting_parcels("652828")
    before, _, _, _ = routes.prepare_day(SqlUnitOfWork(day), "652828", DAY, fleet_for("652828"))
    later = {c for r in QUICK(before.problem).routes for c in r.stops[1:]}
    target = next(p for p in parcels if p.route_bag in later)
    centre.mark_priority(SqlUnitOfWork(day), "652828", [target.waybill_no])
    dp, _, _, _ = routes.prepare_day(SqlUnitOfWork(day), "652828", DAY, fleet_for("652828"))
    assert [s.code for s in dp.problem.stops if s.priority] == [target.route_bag]
    plan = QUICK(dp.problem)
    assert plan.check(dp.problem).feasible
    route = next(r for r in plan.routes if target.route_bag in r.stops)
    assert route.stops[0] == target.route_bag


def test_marking_an_unknown_waybill_changes_nothing(day: Engine) -> None:
    with SqlUnitOfWork(day) as u:
        known = u.routes.waiting_parcels("652828")[0].waybill_no
    with pytest.raises(NotFound):
        centre.mark_priority(SqlUnitOfWork(day), "652828", [known, "ZT7399999999999"])
    with SqlUnitOfWork(day) as u:
        assert not any(p.priority for p in u.routes.waiting_parcels("652828"))
