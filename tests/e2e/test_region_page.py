"""地区总览 The region screen (issue 17, item 5): a regulator bound to a prefecture sees its
counties side by side, each linking to its overview, and no other county; a regulator of
one county is refused the screen (403: its overview is its screen); the figures come from
the snapshot, the projection and the registry tables."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from typer.testing import CliRunner

from countyexpress import bootstrap
from countyexpress.adapters.db.uow import SqlUnitOfWork
from countyexpress.domain.access import SYSTEM, Role
from countyexpress.domain.county_time import county_today
from countyexpress.entrypoints.api.app import create_app
from countyexpress.entrypoints.cli import app
from countyexpress.services import assessment, overview, region_overview
from countyexpress.services import counties as county_service
from countyexpress.settings import Settings, get_settings
from packs import FIXTURES
from support.shelved import seed_shelved
from support.web import HESHUO, PASSWORD, PEOPLE, Someone, add_user, csrf_of, log_in

TEST = "990101"
BAYINGOLIN = Someone("bayingolin", Role.REGULATOR, "6528")
SYNTHETIC = Someone("synthetic", Role.REGULATOR, "9901")
OLD = "ZT7312345679301"  # stored 50 h ago: stuck


@dataclass
class World:
    settings: Settings
    engine: Engine

    def client(self, who: Someone) -> TestClient:
        c = TestClient(create_app(self.settings, self.engine))
        log_in(c, who.name)
        c.headers["Accept-Language"] = "zh-CN"
        return c


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    folder = tmp_path_factory.mktemp("region")
    settings = Settings(database_url=f"sqlite:///{folder / 'region.db'}")
    engine = bootstrap.open_engine(settings)
    uow = bootstrap.uow_factory(engine)
    for source in ("heshuo", str(FIXTURES / "testcounty")):
        county_service.load_county(uow(), bootstrap.read_pack_source(source))
    now = dt.datetime.now(dt.UTC)
    seed_shelved(engine, settings, {OLD: now - dt.timedelta(hours=50)})
    today = county_today()
    assessment.snapshot(uow(), HESHUO, f"{today:%Y-%m}", by=SYSTEM, today=today)
    for who in (BAYINGOLIN, SYNTHETIC, PEOPLE["regulator"], PEOPLE["admin"]):
        add_user(engine, who)
    yield World(settings, engine)
    engine.dispose()


def _rows(page: str) -> list[str]:
    return re.findall(r'<tr data-county="(\d{6})"', page)


def test_a_prefecture_regulator_sees_its_counties_only_each_linking_to_its_overview(
    world: World,
) -> None:
    page = world.client(BAYINGOLIN).get("/region")
    assert page.status_code == 200, page.text
    assert _rows(page.text) == [HESHUO]
    assert f'href="/counties/{HESHUO}/overview"' in page.text
    assert f"/counties/{TEST}/" not in page.text
    row = page.text.split(f'data-county="{HESHUO}"', 1)[1].split("</tr>", 1)[0]
    assert re.search(r'data-figure="stuck"><a href="[^"]+">1</a>', row), row
    assert f"{county_today():%Y-%m}" in row  # targets met from this month's snapshot
    assert "data-synthetic" not in row


def test_the_synthetic_prefecture_is_marked_and_another_prefecture_is_refused(
    world: World,
) -> None:
    c = world.client(SYNTHETIC)
    page = c.get("/region")
    assert page.status_code == 200, page.text
    assert _rows(page.text) == [TEST]
    assert "data-synthetic" in page.text and "模拟" in page.text
    assert "no snapshot" not in page.text and "无快照" in page.text
    assert c.get("/region?prefecture=6528").status_code == 403
    assert c.get(f"/counties/{HESHUO}/overview").status_code == 403  # and no drilling out


def test_a_county_regulator_is_refused_and_an_administrator_sees_every_county(
    world: World,
) -> None:
    assert world.client(PEOPLE["regulator"]).get("/region").status_code == 403
    admin = world.client(PEOPLE["admin"])
    assert _rows(admin.get("/region").text) == [HESHUO, TEST]
    narrowed = admin.get("/region?prefecture=9901&sort=stuck")
    assert _rows(narrowed.text) == [TEST]
    by_stuck = admin.get("/region?sort=stuck")
    assert _rows(by_stuck.text) == [HESHUO, TEST]  # 1 stuck parcel before none
    assert admin.get("/region?prefecture=65").status_code == 422


def test_a_prefecture_regulator_lands_on_the_region_and_finds_it_in_the_nav(
    world: World,
) -> None:
    c = TestClient(create_app(world.settings, world.engine))
    form = {"username": BAYINGOLIN.name, "password": PASSWORD}
    form["csrf_token"] = csrf_of(c.get("/login").text)
    landed = c.post("/login", data=form, follow_redirects=False)
    assert landed.headers["location"] == "/region"
    overview = world.client(BAYINGOLIN).get(f"/counties/{HESHUO}/overview")
    assert 'href="/region"' in overview.text


def test_user_add_binds_a_regulator_to_a_prefecture_and_no_one_else(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`user add --county 6528 --role regulator`: 4 digits a prefecture, 6 a county; a
    centre operator is not bound to a prefecture."""
    monkeypatch.setenv("COUNTYEXPRESS_DATABASE_URL", f"sqlite:///{tmp_path / 'cx.db'}")
    get_settings.cache_clear()
    try:
        runner = CliRunner()
        assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0
        ok = runner.invoke(app, ["user", "add", "bz", "--role", "regulator", "--county", "6528",
                                 "--password-stdin"], input=f"{PASSWORD}\n")  # fmt: skip
        assert ok.exit_code == 0, ok.output
        listing = runner.invoke(app, ["user", "list"]).stdout
        assert "bz" in listing and "6528" in listing
        no = runner.invoke(app, ["user", "add", "op", "--role", "centre_operator", "--county",
                                 "6528", "--password-stdin"], input=f"{PASSWORD}\n")  # fmt: skip
        assert no.exit_code == 1 and "prefecture" in no.output
    finally:
        get_settings.cache_clear()


def test_the_coverage_figures_are_the_overviews(world: World) -> None:
    """The region's two coverage figures, read from the registry tables, are the ones the
    county's overview computes from the county."""
    uow = SqlUnitOfWork(world.engine)
    row = region_overview.region(uow, SYSTEM, "6528").rows[0]
    ov = overview.overview(uow, SYSTEM, HESHUO)
    assert row.village_coverage == pytest.approx(ov.village_coverage)
    assert row.resident_coverage == pytest.approx(ov.resident_coverage)
    assert row.radius_km == ov.radius_km
