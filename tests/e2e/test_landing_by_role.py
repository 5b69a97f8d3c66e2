"""Issue 12: each role lands on its own screen, after log-in and on `/` — a station keeper
on its station, a centre operator on the centre, a driver on today's run, a regulator on
its county's overview; an administrator on the first page (the only county's overview)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import given
from hypothesis import strategies as st

from countyexpress import bootstrap
from countyexpress.domain.access import Action, Principal, Resource, Role, Where, allowed
from countyexpress.entrypoints.api.app import create_app
from countyexpress.entrypoints.web.auth_pages import landing
from countyexpress.services import counties
from countyexpress.settings import Settings
from support.web import PASSWORD, PEOPLE, add_user, csrf_of

LANDS = {
    "station_keeper": "/counties/652828/stations/HS-STA-01",
    "centre_operator": "/counties/652828/centre",
    "driver": "/counties/652828/driver",
    "regulator": "/counties/652828/overview",
    "admin": "/",
}


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FastAPI]:
    path: Path = tmp_path_factory.mktemp("landing") / "web.db"
    settings = Settings(database_url=f"sqlite:///{path}")
    engine = bootstrap.open_engine(settings)
    counties.load_county(bootstrap.uow_factory(engine)(), bootstrap.read_pack_source("heshuo"))
    for who in PEOPLE.values():
        add_user(engine, who)
    yield create_app(settings, engine)
    engine.dispose()


@pytest.mark.parametrize("role", sorted(LANDS))
def test_a_log_in_lands_on_the_roles_screen(app: FastAPI, role: str) -> None:
    client = TestClient(app)
    token = csrf_of(client.get("/login").text)
    form = {"username": PEOPLE[role].name, "password": PASSWORD, "csrf_token": token}
    r = client.post("/login", data=form, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == LANDS[role]
    home = client.get("/", follow_redirects=False)
    if role == "admin":  # the first page: the only county's overview
        assert home.headers["location"] == "/counties/652828/overview"
    else:
        assert home.status_code == 303 and home.headers["location"] == LANDS[role]
    assert client.get("/").status_code == 200  # the screen at the end of the way opens


def test_a_log_in_with_a_next_page_goes_there(app: FastAPI) -> None:
    client = TestClient(app)
    token = csrf_of(client.get("/login").text)
    form = {"username": "keeper", "password": PASSWORD, "csrf_token": token,
            "next": "/counties/652828/map"}  # fmt: skip
    r = client.post("/login", data=form, follow_redirects=False)
    assert r.headers["location"] == "/counties/652828/map"


def test_landing_of_principals_without_a_county_is_the_first_page() -> None:
    """…but a regulator of every county or of a prefecture starts on the region screen."""
    assert landing(Principal("user:1", "r", Role.REGULATOR)) == "/region"
    assert landing(Principal("user:3", "r", Role.REGULATOR, "6528")) == "/region"
    assert landing(Principal("key:x", "zto", Role.CARRIER, "652828", carrier="zto")) == "/"
    assert landing(Principal("user:2", "a", Role.ADMIN)) == "/"


@given(
    role=st.sampled_from([r for r in Role if r is not Role.CARRIER]),
    county=st.sampled_from(["652828", "990101", None]),
)
def test_a_landing_is_a_screen_the_principal_may_open(role: Role, county: str | None) -> None:
    """Wherever a role lands lies in its own county, on a screen its role may use."""
    station = "HS-STA-01" if role is Role.STATION_KEEPER else None
    if role in (Role.STATION_KEEPER, Role.CENTRE_OPERATOR, Role.DRIVER) and county is None:
        return  # not a valid binding (the domain refuses it)
    p = Principal("user:9", "x", role, county, station)
    target = landing(p)
    if target in ("/", "/region"):
        return
    assert target.startswith(f"/counties/{county}/")
    where = Where(county=county, station=station)
    assert allowed(p, Action.READ, Resource.COUNTY, where)
    if target.endswith("/driver"):
        assert allowed(p, Action.READ, Resource.ROUTE, where)
    if "/stations/" in target or target.endswith("/centre"):
        assert allowed(p, Action.SCAN, Resource.PARCEL, where)
