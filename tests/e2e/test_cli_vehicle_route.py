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
