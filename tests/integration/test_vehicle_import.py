"""The vehicle registry from files (issue 14, task 18): `county load` fills it from the pack,
`vehicle import` replaces it all or nothing, and routing plans with what it holds."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from countyexpress.adapters.packs.reader import builtin_pack_path
from countyexpress.adapters.packs.vehicles import pack_registry, pack_vehicle_rules
from countyexpress.entrypoints.cli import app
from packs import copy_pack, edit_line

runner = CliRunner()


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv("COUNTYEXPRESS_DATABASE_URL", f"sqlite:///{tmp_path / 'v.db'}")
    from countyexpress.settings import get_settings

    get_settings.cache_clear()
    assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0
    result = runner.invoke(app, ["county", "load", "heshuo"])
    assert result.exit_code == 0, result.output
    yield tmp_path
    get_settings.cache_clear()


def test_the_packs_vehicles_follow_the_packs_number_format() -> None:
    folder = builtin_pack_path("heshuo")
    assert folder is not None
    rules = pack_vehicle_rules(folder)
    fleet = pack_registry(folder)
    assert len(fleet) == 6
    assert rules.speed_kmh("etricycle") == 15.0
    assert rules.kinds["etricycle"]["min_range_km"] == 50.0
    assert {v.kind for v in fleet} == {"van", "refrigerated_van", "etricycle"}


def test_county_load_fills_the_registry_and_list_shows_it(db: Path) -> None:
    result = runner.invoke(app, ["vehicle", "list", "--county", "652828", "--json"])
    assert result.exit_code == 0, result.output
    vehicles = json.loads(result.stdout)
    assert {v["unified_no"] for v in vehicles} >= {"HS-KD-DEMO-V01", "HS-KD-DEMO-T02"}
    shown = runner.invoke(app, ["vehicle", "show", "新F-DEMO03", "--county", "652828"])
    assert json.loads(shown.stdout)["kind"] == "refrigerated_van"


def test_a_bad_number_or_a_plate_twice_refuses_the_whole_file(db: Path) -> None:
    path = copy_pack("heshuo", db) / "vehicles.csv"
    edit_line(path, 3, "number", "XX-1")
    edit_line(path, 4, "plate", "新F-DEMO01")
    result = runner.invoke(app, ["vehicle", "import", str(path), "--county", "652828"])
    assert result.exit_code == 2
    assert "vehicles.csv line 3: number:" in result.stderr
    assert "vehicles.csv line 4: plate:" in result.stderr
    listed = runner.invoke(app, ["vehicle", "list", "--county", "652828", "--json"])
    assert len(json.loads(listed.stdout)) == 6  # nothing was stored


def test_a_good_import_replaces_the_fleet(db: Path) -> None:
    path = copy_pack("heshuo", db) / "vehicles.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join(lines[:3]) + "\n", encoding="utf-8")
    result = runner.invoke(app, ["vehicle", "import", str(path), "--county", "652828"])
    assert result.exit_code == 0, result.output
    listed = runner.invoke(app, ["vehicle", "list", "--county", "652828", "--json"])
    assert [v["unified_no"] for v in json.loads(listed.stdout)] == [
        "HS-KD-DEMO-V01", "HS-KD-DEMO-V02"
    ]  # fmt: skip


def test_export_then_load_gives_the_same_registry(db: Path) -> None:
    path = copy_pack("heshuo", db) / "vehicles.csv"
    edit_line(path, 2, "number", "HS-KD-ROUND-1")
    assert runner.invoke(app, ["vehicle", "import", str(path), "--county", "652828"]).exit_code == 0
    before = runner.invoke(app, ["vehicle", "list", "--county", "652828", "--json"]).stdout
    out = db / "exported"
    assert runner.invoke(app, ["county", "export", "652828", str(out)]).exit_code == 0
    loaded = runner.invoke(app, ["county", "load", str(out)])
    assert loaded.exit_code == 0, loaded.output
    after = runner.invoke(app, ["vehicle", "list", "--county", "652828", "--json"]).stdout
    assert json.loads(after) == json.loads(before)
    assert "HS-KD-ROUND-1" in after


def test_plan_kpis_give_the_task_18_vehicle_shares_with_the_lead_unit(db: Path) -> None:
    result = runner.invoke(app, ["plan", "kpis", "--county", "652828", "--json"])
    assert result.exit_code == 0, result.output
    rows = {r["indicator"]: r for r in json.loads(result.stdout)}
    new_energy = rows["new_energy_vehicle_share"]
    assert new_energy["task"] == 18 and new_energy["target"] is None
    assert new_energy["lead_unit"] == "县交通运输局" and new_energy["status"] == "no_target"
    heshuo_new_energy = 3 / 6  # HS-V02 and both tricycles
    assert new_energy["value"] == pytest.approx(heshuo_new_energy)
    assert rows["insured_vehicle_share"]["value"] == 0  # the pack gives no insurance days
    assert rows["marked_numbered_vehicle_share"]["value"] == 0
