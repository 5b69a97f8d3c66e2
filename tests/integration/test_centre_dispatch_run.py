"""A planned run dispatched with one action (issue 12, centre dispatch): every sorted parcel
of the run's bags leaves on the run's vehicle; a courier without pre-job training on that
vehicle and nothing leaves; a run with nothing sorted is refused."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest
from sqlalchemy import Engine

from countyexpress.adapters.db.uow import SqlUnitOfWork
from countyexpress.adapters.packs import builtin_pack_path, read_pack
from countyexpress.adapters.packs.vehicles import fleet_for, pack_registry
from countyexpress.domain.staff import Occupation, StaffMember
from countyexpress.entrypoints.presenters_routes import plan_json
from countyexpress.errors import InvalidValue, NotAllowed
from countyexpress.planning.routing import PyVRPPlanner
from countyexpress.services import centre, counties, routes
from support.route_day import DAY, T0, heshuo_day

QUICK = PyVRPPlanner(seconds=5, max_iterations=300)
HESHUO = "652828"


@pytest.fixture
def planned(engine: Engine) -> tuple[Engine, str]:
    """Heshuo loaded with its registry, a DEMO day sorted at the centre and planned."""
    path = builtin_pack_path("heshuo")
    assert path is not None
    counties.load_county(SqlUnitOfWork(engine), read_pack(path))
    heshuo_day(engine)
    plan = routes.plan_day(SqlUnitOfWork(engine), HESHUO, DAY, fleet_for(HESHUO), QUICK, now=T0)
    return engine, plan.plan_id


def _register(engine: Engine, courier_of: dict[str, str]) -> None:
    """The pack's vehicles in the registry, with couriers by unified number."""
    path = builtin_pack_path("heshuo")
    assert path is not None
    fleet = [replace(v, courier_staff_no=courier_of.get(v.unified_no)) for v in pack_registry(path)]
    with SqlUnitOfWork(engine) as u:
        u.vehicles.replace(HESHUO, fleet, by="test", source="test", at=T0)
        u.staff.put(HESHUO, StaffMember("C1", "zto", Occupation.COURIER), {}, T0)
        u.commit()


def test_a_planned_run_leaves_whole_on_its_vehicle(planned: tuple[Engine, str]) -> None:
    engine, plan_id = planned
    runs = centre.todays_runs(SqlUnitOfWork(engine), HESHUO, "HS-CENTER", day=DAY)
    run = next(r for r in runs if r.ready)
    assert run.ready == run.planned and " · " in run.name
    sent = centre.dispatch_run(
        SqlUnitOfWork(engine), HESHUO, plan_id, run.vehicle, "HS-CENTER", at=T0
    )
    assert sum(map(len, sent.values())) == run.ready
    assert {b for b, w in sent.items() if w} == {b.code for b in run.bags if b.ready}
    after = centre.todays_runs(SqlUnitOfWork(engine), HESHUO, "HS-CENTER", day=DAY)
    assert next(r for r in after if r.vehicle == run.vehicle).ready == 0
    others = [r for r in runs if r.vehicle != run.vehicle]
    assert [r.ready for r in after if r.vehicle != run.vehicle] == [r.ready for r in others]
    with pytest.raises(InvalidValue, match="nothing to dispatch on") as refused:
        centre.dispatch_run(SqlUnitOfWork(engine), HESHUO, plan_id, run.vehicle, "HS-CENTER")
    assert refused.value.field == "route_bag"


def test_the_staff_gate_keeps_a_whole_run_at_the_centre(planned: tuple[Engine, str]) -> None:
    """The run's vehicle has a courier without pre-job training: refused, nothing leaves."""
    engine, plan_id = planned
    run = next(r for r in centre.todays_runs(SqlUnitOfWork(engine), HESHUO, "HS-CENTER", DAY)
               if r.ready)  # fmt: skip
    number = run.name.split(" · ")[0]
    _register(engine, {number: "C1"})
    with pytest.raises(NotAllowed, match="C1 cannot be put on a run"):
        centre.dispatch_run(SqlUnitOfWork(engine), HESHUO, plan_id, run.vehicle, "HS-CENTER")
    again = centre.todays_runs(SqlUnitOfWork(engine), HESHUO, "HS-CENTER", day=DAY)
    assert next(r for r in again if r.vehicle == run.vehicle).ready == run.ready


def test_only_a_registered_vehicle_is_named_for_a_dispatch(planned: tuple[Engine, str]) -> None:
    engine, _ = planned
    _register(engine, {})
    found = centre.registered_vehicle(SqlUnitOfWork(engine), HESHUO, "HS-V01")
    assert found.name.startswith(found.unified_no + " · " + found.plate)
    with pytest.raises(InvalidValue, match="not in the county's vehicle registry") as refused:
        centre.registered_vehicle(SqlUnitOfWork(engine), HESHUO, "VAN-99")
    assert refused.value.field == "vehicle"


def test_no_plan_today_means_no_runs(engine: Engine) -> None:
    path = builtin_pack_path("heshuo")
    assert path is not None
    counties.load_county(SqlUnitOfWork(engine), read_pack(path))
    day = DAY + dt.timedelta(days=1)
    assert centre.todays_runs(SqlUnitOfWork(engine), HESHUO, "HS-CENTER", day=day) == []


def test_the_plan_names_each_vehicle_as_the_centre_does(planned: tuple[Engine, str]) -> None:
    """The route API and the map carry the same one name the centre's screen shows."""
    engine, plan_id = planned
    plan = routes.get_plan(SqlUnitOfWork(engine), plan_id)
    runs = centre.todays_runs(SqlUnitOfWork(engine), HESHUO, "HS-CENTER", day=DAY)
    assert [r["name"] for r in plan_json(plan)["runs"]] == [r.name for r in runs]
    assert all(r.name.startswith("HS-KD-DEMO-V") for r in runs)
