"""`countyexpress route plan|progress` on a DEMO Heshuo day, from the command line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from countyexpress import bootstrap
from countyexpress.entrypoints.cli import app
from countyexpress.settings import get_settings
from support.route_day import PICKUPS, heshuo_day

runner = CliRunner()


@pytest.fixture
def loaded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Heshuo loaded in a fresh database that the command line's settings point at."""
    monkeypatch.setenv("COUNTYEXPRESS_DATABASE_URL", f"sqlite:///{tmp_path / 'cx.db'}")
    get_settings.cache_clear()
    assert runner.invoke(app, ["county", "load", "heshuo"]).exit_code == 0
    yield
    get_settings.cache_clear()


@pytest.fixture
def day(loaded: None) -> list[str]:
    """A DEMO day sorted at the centre, with pickups waiting at two stations."""
    engine = bootstrap.open_engine(get_settings())
    sorted_ = heshuo_day(engine)
    engine.dispose()
    return sorted_


PLAN = ["route", "plan", "-c", "652828", "--date", "2026-11-28", "--seconds", "0.5"]


def test_route_plan_stores_a_feasible_plan_with_every_parcel_and_pickup(day: list[str]) -> None:
    """The JSON names the plan, carries every sorted parcel and pickup, and passes its check."""
    result = runner.invoke(app, [*PLAN, "--json"])
    assert result.exit_code == 0, result.stderr
    plan = json.loads(result.stdout)
    assert plan["feasible"] and plan["parcels"] == len(day) and plan["pickups"] == len(PICKUPS)
    assert "DEMO" in plan["fleet"]
    progress = runner.invoke(app, ["route", "progress", plan["plan_id"], "-c", "652828", "--json"])
    assert progress.exit_code == 0, progress.stderr
    assert json.loads(progress.stdout)["counts"] == {
        "done": 0, "partial": 0, "pending": plan["stops"]
    }  # fmt: skip


def test_route_plan_with_nothing_waiting_says_so_and_exits_1(loaded: None) -> None:
    """No sorted parcels and no pickups: the reason, before any solving."""
    result = runner.invoke(app, PLAN)
    assert result.exit_code == 1
    assert "nothing to plan" in result.stderr


def test_route_show_sheet_and_geojson_come_from_the_stored_plan(
    day: list[str], tmp_path: Path
) -> None:
    """show --json repeats the plan; --geojson writes a FeatureCollection; sheet writes the PDF."""
    plan = json.loads(runner.invoke(app, [*PLAN, "--json"]).stdout)
    geo = tmp_path / "plan.geojson"
    shown = runner.invoke(app, ["route", "show", plan["plan_id"], "--geojson", str(geo), "--json"])
    assert shown.exit_code == 0, shown.stderr
    assert json.loads(shown.stdout) == plan
    features = json.loads(geo.read_text(encoding="utf-8"))["features"]
    assert sum(f["geometry"]["type"] == "LineString" for f in features) == plan["vehicles"]
    sheet = runner.invoke(
        app, ["route", "sheet", plan["plan_id"], "--out", str(tmp_path), "--json"]
    )
    assert sheet.exit_code == 0, sheet.stderr
    assert Path(json.loads(sheet.stdout)["pdf"]).read_bytes().startswith(b"%PDF")
    missing = runner.invoke(app, ["route", "show", "RP-NONE"])
    assert missing.exit_code == 1 and "no route plan" in missing.stderr
