"""Centre dispatch on screen (issue 12): the bags grouped by today's planned run, each run
named by its vehicle's one name and dispatched with one button; the staff gate's refusal
shown next to the run in Chinese; a vehicle the registry does not hold is refused."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from countyexpress import bootstrap
from countyexpress.adapters.db.uow import SqlUnitOfWork
from countyexpress.adapters.packs import builtin_pack_path
from countyexpress.adapters.packs.vehicles import pack_registry
from countyexpress.domain.county_time import county_today
from countyexpress.domain.staff import Occupation, StaffMember
from countyexpress.entrypoints.api.app import create_app
from countyexpress.planning.routing import PyVRPPlanner
from countyexpress.services import counties, routes, vehicles
from countyexpress.settings import Settings
from support.route_day import T0, heshuo_day
from support.web import HESHUO, PEOPLE, add_user, csrf_of, log_in

BASE = f"/counties/{HESHUO}/centre/HS-CENTER"
QUICK = PyVRPPlanner(seconds=5, max_iterations=300)


def _world(tmp_path: Path, courier: str | None, plan: bool = True) -> tuple[Engine, Settings]:
    """Heshuo with its registered vehicles (every one driven by `courier`), a DEMO day
    sorted at the centre, and (if `plan`) today's plan of it."""
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'run.db'}")
    engine = bootstrap.open_engine(settings)
    counties.load_county(bootstrap.uow_factory(engine)(), bootstrap.read_pack_source("heshuo"))
    pack = builtin_pack_path("heshuo")
    assert pack is not None
    fleet = [replace(v, courier_staff_no=courier) for v in pack_registry(pack)]
    vehicles.replace_fleet(SqlUnitOfWork(engine), HESHUO, fleet, by="test", source="test")
    with SqlUnitOfWork(engine) as u:
        u.staff.put(HESHUO, StaffMember("C1", "zto", Occupation.COURIER), {}, T0)
        u.commit()
    add_user(engine, PEOPLE["centre_operator"])
    heshuo_day(engine)
    if plan:
        source = vehicles.registry_fleet(SqlUnitOfWork(engine))
        routes.plan_day(SqlUnitOfWork(engine), HESHUO, county_today(), source, QUICK)
    return engine, settings


@pytest.fixture
def operator(tmp_path: Path) -> Iterator[TestClient]:
    engine, settings = _world(tmp_path, courier=None)
    with TestClient(create_app(settings, engine)) as client:
        log_in(client, "centre")
        yield client
    engine.dispose()


def _runs(html: str) -> dict[str, str]:
    """Each run's block of the page by its vehicle code."""
    parts = re.split(r'<div class="run" data-run="', html)[1:]
    return {p.split('"', 1)[0]: p for p in parts}


def _first_ready(html: str) -> tuple[str, str]:
    """A run with sorted parcels: its vehicle code and plan id."""
    for vehicle, block in _runs(html).items():
        if 'data-ready="0"' not in block[:80]:
            plan = re.search(r'name="plan" value="([^"]+)"', block)
            assert plan is not None
            return vehicle, plan.group(1)
    raise AssertionError("no run with sorted parcels")


def test_a_planned_run_leaves_with_one_click(operator: TestClient) -> None:
    page = operator.get(BASE).text
    runs = _runs(page)
    assert runs and 'id="no-plan"' not in page
    vehicle, plan = _first_ready(page)
    name = re.search(r'class="vehicle-name">([^<]+)<', runs[vehicle])
    assert name is not None and name.group(1).count(" · ") == 2  # number · plate · kind
    form = {"csrf_token": csrf_of(page), "plan": plan, "vehicle": vehicle}
    done = operator.post(f"{BASE}/runs/dispatch", data=form)
    assert done.status_code == 200 and 'data-outcome="run-dispatched"' in done.text
    assert name.group(1) in done.text
    assert 'data-ready="0"' in _runs(done.text)[vehicle][:80]
    again = operator.post(f"{BASE}/runs/dispatch", data=form)  # nothing sorted any more
    assert again.status_code == 422
    assert "没有可发的" in _runs(again.text)[vehicle]


def test_the_staff_gate_refusal_is_shown_next_to_the_run(tmp_path: Path) -> None:
    engine, settings = _world(tmp_path, courier="C1")
    with TestClient(create_app(settings, engine)) as client:
        log_in(client, "centre")
        page = client.get(BASE).text
        vehicle, plan = _first_ready(page)
        form = {"csrf_token": csrf_of(page), "plan": plan, "vehicle": vehicle}
        r = client.post(f"{BASE}/runs/dispatch", data=form, headers={"HX-Request": "true"})
        assert r.status_code == 200 and "C1 不能出车：未记录岗前培训" in r.text
        assert "HX-Trigger" not in r.headers and "HX-Retarget" not in r.headers
        page = client.post(f"{BASE}/runs/dispatch", data=form)
        assert page.status_code == 422
        assert "C1 不能出车" in _runs(page.text)[vehicle]
        assert 'data-outcome="run-dispatched"' not in page.text
    engine.dispose()


def test_a_vehicle_not_in_the_registry_is_refused(tmp_path: Path) -> None:
    engine, settings = _world(tmp_path, courier=None, plan=False)
    with TestClient(create_app(settings, engine)) as client:
        log_in(client, "centre")
        page = client.get(BASE).text
        assert 'id="no-plan"' in page and '<input type="text" name="vehicle"' not in page
        bag = re.search(r'<tr data-bag="([^"]+)"><td>', page)
        assert bag is not None and '<option value="HS-KD-DEMO-V01">' in page
        form = {"csrf_token": csrf_of(page), "route_bag": bag.group(1), "vehicle": "VAN-99"}
        refused = client.post(f"{BASE}/dispatch", data=form)
        assert refused.status_code == 422 and "VAN-99" in refused.text
        h = {"X-CSRF-Token": csrf_of(client.get("/login").text)}
        body = {"county": HESHUO, "route_bag": bag.group(1), "vehicle": "VAN-99"}
        api = client.post("/api/v1/centre/HS-CENTER/dispatch", headers=h, json=body)
        assert api.status_code == 422 and api.json()["field"] == "vehicle"
        sent = client.post("/api/v1/centre/HS-CENTER/dispatch", headers=h,
                           json={**body, "vehicle": "新F-DEMO01"})  # fmt: skip
        assert sent.status_code == 200 and sent.json()["vehicle"] == "HS-KD-DEMO-V01"
        assert sent.json()["waybills"]
    engine.dispose()


def test_a_planned_run_leaves_with_one_api_call(tmp_path: Path) -> None:
    """The API lists today's runs with their one names, and one call dispatches a run; the
    staff gate answers 409 and nothing sorted 422, as on screen."""
    engine, settings = _world(tmp_path, courier=None)
    with TestClient(create_app(settings, engine)) as client:
        log_in(client, "centre")
        h = {"X-CSRF-Token": csrf_of(client.get("/login").text)}
        runs = client.get(f"/api/v1/counties/{HESHUO}/centre/HS-CENTER/runs").json()
        ready = [r for r in runs if r["ready"]]
        assert ready and all(r["name"].count(" · ") == 2 for r in runs)
        run = ready[0]
        assert run["ready"] == sum(b["ready"] for b in run["bags"])
        body = {"county": HESHUO, "plan_id": run["plan_id"], "vehicle": run["vehicle"]}
        sent = client.post("/api/v1/centre/HS-CENTER/runs/dispatch", headers=h, json=body)
        assert sent.status_code == 200 and sent.json()["n"] == run["ready"]
        assert set(sent.json()["bags"]) <= {b["code"] for b in run["bags"]}
        after = client.get(f"/api/v1/counties/{HESHUO}/centre/HS-CENTER/runs").json()
        assert next(r for r in after if r["vehicle"] == run["vehicle"])["ready"] == 0
        again = client.post("/api/v1/centre/HS-CENTER/runs/dispatch", headers=h, json=body)
        assert again.status_code == 422 and again.json()["field"] == "route_bag"
    engine.dispose()
    engine, settings = _world(tmp_path / "gate", courier="C1")
    with TestClient(create_app(settings, engine)) as client:
        log_in(client, "centre")
        h = {"X-CSRF-Token": csrf_of(client.get("/login").text)}
        run = next(
            r
            for r in client.get(f"/api/v1/counties/{HESHUO}/centre/HS-CENTER/runs").json()
            if r["ready"]
        )
        body = {"county": HESHUO, "plan_id": run["plan_id"], "vehicle": run["vehicle"]}
        refused = client.post("/api/v1/centre/HS-CENTER/runs/dispatch", headers=h, json=body)
        assert refused.status_code == 409 and "C1" in refused.json()["detail"]
    engine.dispose()
