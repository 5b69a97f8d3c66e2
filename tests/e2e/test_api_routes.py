"""/api/v1 routes over HTTP: plan a DEMO Heshuo day, read it, its map and its route sheets.

The router is included here the way api/app.py will include it.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from countyexpress import bootstrap
from countyexpress.adapters.packs.reader import builtin_pack_path
from countyexpress.entrypoints.api import routes
from countyexpress.entrypoints.api.app import create_app
from countyexpress.services import counties as county_service
from countyexpress.services import vehicles
from countyexpress.settings import Settings
from support.route_day import heshuo_day
from support.web import PEOPLE, csrf_of, log_in
from support.web import add_user as add_person

PLAN = "/api/v1/counties/652828/routes?date=2026-11-28&seconds=0.5"


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    """Heshuo with a DEMO day sorted, the routes router, a user of each role."""
    tmp: Path = tmp_path_factory.mktemp("routes")
    settings = Settings(database_url=f"sqlite:///{tmp / 'api.db'}")
    engine = bootstrap.open_engine(settings)
    county_service.load_county(bootstrap.uow_factory(engine)(),
                               bootstrap.read_pack_source("heshuo"))  # fmt: skip
    vehicles.load_pack_vehicles(
        bootstrap.uow_factory(engine)(), "652828", builtin_pack_path("heshuo")
    )  # the registry, as county load
    heshuo_day(engine)
    for who in PEOPLE.values():
        add_person(engine, who)
    application = create_app(settings, engine)
    application.include_router(routes.router)
    yield application
    engine.dispose()


def as_(app: object, role: str) -> tuple[TestClient, dict[str, str]]:
    """A client logged in as `role`, with the session's CSRF token for unsafe methods."""
    client = TestClient(app, follow_redirects=False)  # type: ignore[arg-type]
    log_in(client, PEOPLE[role].name)
    return client, {"X-CSRF-Token": csrf_of(client.get("/login").text)}


@pytest.fixture(scope="module")
def plan(app: object) -> dict[str, object]:
    """The day planned once by the centre's operator."""
    client, headers = as_(app, "centre_operator")
    r = client.post(PLAN, headers=headers)
    assert r.status_code == 201, r.text
    return dict(r.json())


def test_the_centre_plans_a_day_and_gets_the_stored_plan_back(
    app: object, plan: dict[str, object]
) -> None:
    """201 with a feasible plan; GET by its id answers the same plan."""
    assert plan["feasible"] and plan["parcels"] and plan["pickups"] == 2
    client, _ = as_(app, "driver")
    r = client.get(f"/api/v1/routes/{plan['plan_id']}")
    assert r.status_code == 200 and r.json() == plan


def test_the_map_and_the_sheets_come_as_geojson_and_pdf(
    app: object, plan: dict[str, object]
) -> None:
    """.geojson is application/geo+json with a line per vehicle; sheet.pdf a PDF."""
    client, _ = as_(app, "regulator")
    geo = client.get(f"/api/v1/routes/{plan['plan_id']}.geojson")
    assert geo.status_code == 200 and geo.headers["content-type"].startswith("application/geo+json")
    lines = [f for f in geo.json()["features"] if f["geometry"]["type"] == "LineString"]
    assert len(lines) == plan["vehicles"]
    pdf = client.get(f"/api/v1/routes/{plan['plan_id']}/sheet.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert pdf.headers["content-type"] == "application/pdf"


def test_progress_lists_every_planned_stop_as_pending_before_any_scan(
    app: object, plan: dict[str, object]
) -> None:
    """No scans yet: every stop pending, nothing off-plan."""
    client, _ = as_(app, "driver")
    r = client.get(f"/api/v1/counties/652828/routes/{plan['plan_id']}/progress")
    assert r.status_code == 200, r.text
    assert r.json()["counts"]["pending"] == plan["stops"] and r.json()["off_plan"] == []


@pytest.mark.parametrize(("role", "code"), [("station_keeper", 403), ("driver", 403)])
def test_only_the_centre_plans(app: object, role: str, code: int) -> None:
    """A station keeper or a driver may not plan routes."""
    client, headers = as_(app, role)
    assert client.post(PLAN, headers=headers).status_code == code


def test_an_unknown_plan_is_404(app: object) -> None:
    """No plan by that id."""
    client, _ = as_(app, "regulator")
    assert client.get("/api/v1/routes/RP-NONE").status_code == 404
