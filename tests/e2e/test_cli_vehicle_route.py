"""Routing plans with the vehicle registry (issue 14, task 18): import a list, plan a day,
and the plan's runs are the imported vehicles."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from countyexpress import bootstrap
from countyexpress.entrypoints.cli import app
from countyexpress.settings import get_settings
from packs import copy_pack, edit_line
from support.route_day import heshuo_day

runner = CliRunner()
PLAN = ["route", "plan", "-c", "652828", "--date", "2026-11-28", "--seconds", "0.5", "--json"]


@pytest.fixture
def day(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("COUNTYEXPRESS_DATABASE_URL", f"sqlite:///{tmp_path / 'cx.db'}")
    get_settings.cache_clear()
    assert runner.invoke(app, ["county", "load", "heshuo"]).exit_code == 0
    engine = bootstrap.open_engine(get_settings())
    heshuo_day(engine)
    engine.dispose()
    yield
    get_settings.cache_clear()


def test_a_plan_uses_the_imported_vehicles(day: None, tmp_path: Path) -> None:
    path = copy_pack("heshuo", tmp_path / "mine") / "vehicles.csv"
    for line in range(2, 8):  # every vehicle renumbered: new codes, numbers and plates
        edit_line(path, line, "code", f"NEW-{line}")
        edit_line(path, line, "number", f"HS-KD-NEW-{line:02d}")
        if line <= 5:
            edit_line(path, line, "plate", f"新F-NEW{line:02d}")
    result = runner.invoke(app, ["vehicle", "import", str(path), "--county", "652828"])
    assert result.exit_code == 0, result.output
    plan = runner.invoke(app, PLAN)
    assert plan.exit_code == 0, plan.stderr
    runs = json.loads(plan.stdout)["runs"]
    assert runs and all(r["vehicle"].startswith("NEW-") for r in runs)
    assert all(r["number"].startswith("HS-KD-NEW-") for r in runs)
    assert "vehicle registry" in json.loads(plan.stdout)["fleet"]


def test_an_empty_registry_is_refused_with_the_way_to_fill_it(tmp_path: Path) -> None:
    """A county loaded without its vehicles (the service alone): no fallback to the pack's
    file; the command line and the API say to import a list."""
    from fastapi.testclient import TestClient

    from countyexpress.entrypoints.api.app import create_app
    from countyexpress.services import counties
    from countyexpress.settings import Settings
    from support.web import PEOPLE, add_user, csrf_of, log_in

    settings = Settings(database_url=f"sqlite:///{tmp_path / 'empty.db'}")
    engine = bootstrap.open_engine(settings)
    counties.load_county(bootstrap.uow_factory(engine)(), bootstrap.read_pack_source("heshuo"))
    heshuo_day(engine)
    add_user(engine, PEOPLE["centre_operator"])
    client = TestClient(create_app(settings, engine), follow_redirects=False)
    log_in(client, PEOPLE["centre_operator"].name)
    r = client.post("/api/v1/counties/652828/routes?date=2026-11-28&seconds=0.5",
                    headers={"X-CSRF-Token": csrf_of(client.get("/login").text)})  # fmt: skip
    assert r.status_code == 422 and r.json()["field"] == "vehicles"
    assert "no vehicles registered" in r.json()["detail"]
    assert "countyexpress vehicle import" in r.json()["detail"]
    engine.dispose()


def test_the_command_line_refuses_an_empty_registry_too(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from countyexpress.services import counties

    monkeypatch.setenv("COUNTYEXPRESS_DATABASE_URL", f"sqlite:///{tmp_path / 'e.db'}")
    get_settings.cache_clear()
    engine = bootstrap.open_engine(get_settings(), migrate=True)
    counties.load_county(bootstrap.uow_factory(engine)(), bootstrap.read_pack_source("heshuo"))
    heshuo_day(engine)
    engine.dispose()
    result = runner.invoke(app, PLAN)
    assert result.exit_code == 1
    assert "no vehicles registered" in result.output + result.stderr
    get_settings.cache_clear()


def test_the_packs_vehicles_go_into_the_registry_as_serve_loads_its_default_pack(
    tmp_path: Path,
) -> None:
    """`serve` on an empty database loads the default pack with its vehicles (6 for
    Heshuo); a pack without a vehicle list leaves the registry empty."""
    from countyexpress.adapters.packs.reader import builtin_pack_path
    from countyexpress.services import vehicles
    from countyexpress.settings import Settings
    from packs import FIXTURES

    engine = bootstrap.open_engine(Settings(database_url=f"sqlite:///{tmp_path / 's.db'}"))
    uow = bootstrap.uow_factory(engine)
    assert vehicles.load_pack_vehicles(uow(), "652828", builtin_pack_path("heshuo")) == 6
    assert len(vehicles.list_fleet(uow(), "652828")) == 6
    assert vehicles.load_pack_vehicles(uow(), "990101", FIXTURES / "testcounty") == 0
    assert vehicles.imports(uow(), "990101") == []
    engine.dispose()
