"""A Heshuo day planned from the centre's sorted parcels, stored, and matched with scans."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
from sqlalchemy import Engine

from countyexpress.adapters.db.uow import SqlUnitOfWork
from countyexpress.adapters.packs import builtin_pack_path, read_pack
from countyexpress.adapters.packs.vehicles import fleet_for
from countyexpress.domain.access import Principal, Role
from countyexpress.entrypoints.presenters_routes import plan_json
from countyexpress.errors import Forbidden, InvalidValue, NotFound
from countyexpress.planning.routing import PyVRPPlanner
from countyexpress.planning.routing.fleet import Fleet
from countyexpress.planning.routing.progress import StopState
from countyexpress.services import centre, counties, routes, stations
from support.route_day import DAY, PICKUPS, T0, VAULT, heshuo_day

QUICK = PyVRPPlanner(seconds=5, max_iterations=300)
FLEET = fleet_for("652828")


@pytest.fixture
def day(engine: Engine) -> Engine:
    """Heshuo loaded, and a small DEMO day sorted at the centre."""
    path = builtin_pack_path("heshuo")
    assert path is not None
    counties.load_county(SqlUnitOfWork(engine), read_pack(path))
    heshuo_day(engine)
    return engine


def bags(engine: Engine) -> Counter[str]:
    """Sorted, undispatched parcels per route bag."""
    with SqlUnitOfWork(engine) as u:
        return Counter(p.route_bag for p in u.routes.waiting_parcels("652828"))


def test_a_heshuo_day_becomes_feasible_routes_serving_every_bag_exactly_once(day: Engine) -> None:
    """Every bag and pickup station is one stop, served once; capacities and cold chain hold."""
    dp, _, _, _ = routes.prepare_day(SqlUnitOfWork(day), "652828", DAY, FLEET)
    plan = QUICK(dp.problem)
    check = plan.check(dp.problem)
    assert check.feasible, check.violations
    served = Counter(code for r in plan.routes for code in r.stops)
    assert set(served) == set(bags(day)) | {station for _, station in PICKUPS}
    assert set(served.values()) == {1}
    parcels = {s.code: s.delivery.parcels for s in dp.problem.stops}
    assert {k: parcels[k] for k in bags(day)} == dict(bags(day))
    cold = {s.code for s in dp.problem.stops if s.cold_chain}
    assert cold, "the day has a cold-chain parcel"
    for r in plan.routes:
        if cold & set(r.stops):
            assert dp.problem.vehicle(r.vehicle).refrigerated


def test_a_stored_plan_reads_back_as_planned_in_the_countys_local_time(day: Engine) -> None:
    """plan_day stores the plan; get_plan returns the same runs, stops, times and figures."""
    made = routes.plan_day(SqlUnitOfWork(day), "652828", DAY, FLEET, QUICK, now=T0)
    assert made.feasible and made.unserved == ()
    back = routes.get_plan(SqlUnitOfWork(day), made.plan_id)
    assert plan_json(back) == plan_json(made)
    assert back.runs[0].stops[0].arrival.utcoffset() == dt.timedelta(hours=8)
    assert sum(r.parcels for r in back.runs) == sum(bags(day).values())
    assert sum(r.pickups for r in back.runs) == len(PICKUPS)
    assert routes.plan_ids(SqlUnitOfWork(day), "652828", DAY) == [made.plan_id]


def test_drivers_scans_are_matched_against_the_stored_plan(day: Engine) -> None:
    """A bag dispatched on its planned vehicle and shelved: done; one sent on another vehicle
    is off-plan; the rest are pending."""
    plan = routes.plan_day(SqlUnitOfWork(day), "652828", DAY, FLEET, QUICK, now=T0)
    run = plan.runs[0]
    first, second = [s for r in plan.runs for s in r.stops if s.kind == "station" and s.parcels][:2]
    later = T0 + dt.timedelta(hours=2)
    sent = centre.dispatch(SqlUnitOfWork(day), "652828", first.code, run.plate or run.vehicle,
                           "HS-CENTER", at=later)  # fmt: skip
    for waybill in sent:
        stations.station_inbound(SqlUnitOfWork(day), VAULT, "652828", first.code, waybill,
                                 at=later + dt.timedelta(hours=1))  # fmt: skip
    centre.dispatch(SqlUnitOfWork(day), "652828", second.code, "新F-OTHER", "HS-CENTER", at=later)
    report = routes.route_progress(SqlUnitOfWork(day), "652828", plan.plan_id)
    states = {s.stop: s.state for s in report.stops}
    assert states[first.code] is StopState.DONE
    assert Counter(states.values())[StopState.PENDING] == len(states) - 1
    assert {o.stop for o in report.off_plan} == {second.code}
    assert all("新F-OTHER" in o.reason for o in report.off_plan)


def test_a_cold_parcel_without_a_refrigerated_vehicle_refuses_the_day(day: Engine) -> None:
    """The problem is refused whole, naming the cold-chain stop."""
    warm = Fleet.of([v for v in FLEET.vehicles if not v.refrigerated])
    with pytest.raises(InvalidValue, match="cold-chain"):
        routes.prepare_day(SqlUnitOfWork(day), "652828", DAY, warm)


def test_a_driver_reads_plans_but_only_the_centre_plans_them(day: Engine) -> None:
    """Routes: a driver may read, not edit; another county's regulator may not read, and is
    told no more than for a plan that does not exist (issue 11, defect 11)."""
    plan = routes.plan_day(SqlUnitOfWork(day), "652828", DAY, FLEET, QUICK, now=T0)
    driver = Principal("d", "driver", Role.DRIVER, county="652828")
    assert routes.get_plan(SqlUnitOfWork(day), plan.plan_id, by=driver).plan_id == plan.plan_id
    with pytest.raises(Forbidden):
        routes.plan_day(SqlUnitOfWork(day), "652828", DAY, FLEET, QUICK, by=driver)
    foreign = Principal("f", "regulator", Role.REGULATOR, county="990101")
    with pytest.raises(NotFound) as there:
        routes.get_plan(SqlUnitOfWork(day), plan.plan_id, by=foreign)
    absent = plan.plan_id[:-1] + ("0" if plan.plan_id[-1] != "0" else "1")
    with pytest.raises(NotFound) as missing:
        routes.get_plan(SqlUnitOfWork(day), absent, by=foreign)
    assert str(there.value).replace(plan.plan_id, "?") == str(missing.value).replace(absent, "?")
