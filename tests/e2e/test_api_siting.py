"""/api/v1/counties/{code}/siting and /scenarios over HTTP; the router is included here the
way api/app.py will include it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from countyexpress import bootstrap
from countyexpress.entrypoints.api import siting
from countyexpress.entrypoints.api.app import create_app
from countyexpress.services import counties as county_service
from countyexpress.settings import Settings
from support.web import PEOPLE, add_user, csrf_of, log_in

BASE = "/api/v1/counties/652828"


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    """The app on a database with the Heshuo pack, a regulator and a driver."""
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'api.db'}")
    engine = bootstrap.open_engine(settings)
    county_service.load_county(bootstrap.uow_factory(engine)(),
                               bootstrap.read_pack_source("heshuo"))  # fmt: skip
    app = create_app(settings, engine)
    app.include_router(siting.router)
    for role in ("regulator", "driver"):
        add_user(engine, PEOPLE[role])
    with TestClient(app, follow_redirects=False) as c:
        yield c
    engine.dispose()


def _as(client: TestClient, role: str) -> dict[str, str]:
    log_in(client, PEOPLE[role].name)
    return {"X-CSRF-Token": csrf_of(client.get("/login").text)}


def test_a_regulator_solves_saves_lists_and_compares(client: TestClient) -> None:
    """Two saved MCLP runs come back in the list and side by side."""
    h = _as(client, "regulator")
    for name, p in (("one", 1), ("three", 3)):
        body = {"kind": "locker", "objective": "mclp", "p": p, "radius_km": 2, "save": name}
        r = client.post(f"{BASE}/siting", json=body, headers=h)
        assert r.status_code == 200, r.text
        assert r.json()["saved"] == name and len(r.json()["chosen"]) == p
        assert r.json()["after"]["coverage"] >= r.json()["before"]["coverage"]
    assert [s["name"] for s in client.get(f"{BASE}/scenarios").json()] == ["one", "three"]
    r = client.get(f"{BASE}/scenarios/compare", params={"names": "one,three", "radius_km": 2})
    assert r.status_code == 200, r.text
    assert [f["new"] for f in r.json()] == [1, 3]


def test_a_driver_may_not_plan_sites(client: TestClient) -> None:
    """Siting is planning: a driver gets 403 on both the solve and the list."""
    h = _as(client, "driver")
    body = {"kind": "locker", "objective": "mclp", "p": 1, "radius_km": 2}
    assert client.post(f"{BASE}/siting", json=body, headers=h).status_code == 403
    assert client.get(f"{BASE}/scenarios").status_code == 403


def test_an_unknown_scenario_is_404(client: TestClient) -> None:
    """Comparing a name never saved answers 404."""
    _as(client, "regulator")
    assert client.get(f"{BASE}/scenarios/compare", params={"names": "nope"}).status_code == 404
