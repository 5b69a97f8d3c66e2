"""A county's rule files (health, packaging, emergency, policy) are stored with it when its
pack is loaded, and its rules are read from there, not from the built-in Heshuo pack."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine
from typer.testing import CliRunner

from countyexpress import bootstrap
from countyexpress.adapters.db.engine import make_engine
from countyexpress.adapters.db.uow import SqlUnitOfWork
from countyexpress.adapters.packs import builtin_pack_path, read_pack
from countyexpress.adapters.packs.defaults import HESHUO_DEFAULTS
from countyexpress.adapters.packs.documents import pack_documents
from countyexpress.adapters.packs.simulation import params_for
from countyexpress.domain.staff import Occupation, StaffMember
from countyexpress.entrypoints.cli import app
from countyexpress.errors import PackInvalid
from countyexpress.services import (
    counties,
    emergency,
    packaging,
    public_health,
    support,
    vehicles,
)
from countyexpress.settings import get_settings

runner = CliRunner()
C = ["--county", "652828"]
AT = dt.datetime(2026, 11, 30, 4, 0, tzinfo=dt.UTC)


def _copy(tmp_path: Path) -> Path:
    """The Heshuo pack copied, with its four rule files changed to tell them apart."""
    folder = builtin_pack_path("heshuo")
    assert folder is not None
    pack = tmp_path / "pack"
    shutil.copytree(folder, pack)

    def edit(name: str, old: str, new: str) -> None:
        text = (pack / name).read_text(encoding="utf-8")
        assert old in text, (name, old)
        (pack / name).write_text(text.replace(old, new, 1), encoding="utf-8")

    edit(
        "health.toml",
        'en = "High risk"\n',
        'en = "High risk"\n\n[[levels]]\ncode = "severe"\nzh = "极高风险"\nen = "Severe risk"\n',
    )
    edit("packaging.toml", "value = 0.90", "value = 0.85")
    edit("emergency.toml", "min_size = 5", "min_size = 2")
    edit("policy.toml", "max_grant = 500000", "max_grant = 123456")
    edit("vehicle_rules.toml", "speed_kmh = 40.0", "speed_kmh = 33.0")
    edit("simulation.toml", "stop_minutes = 12", "stop_minutes = 9")
    return pack


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, database_url: str) -> Iterator[Path]:
    """An upgraded database (SQLite or PostgreSQL) the CLI works on."""
    monkeypatch.setenv("COUNTYEXPRESS_DATABASE_URL", database_url)
    get_settings.cache_clear()
    assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0
    yield tmp_path
    get_settings.cache_clear()


def _json(*args: str) -> Any:
    done = runner.invoke(app, [*args, "--json"])
    assert done.exit_code == 0, done.output
    return json.loads(done.stdout)


def test_a_county_loaded_from_its_own_folder_gets_its_own_rules_through_the_cli(
    cli: Path,
) -> None:
    """health status, packaging targets, emergency team size and support programmes: the
    folder's, not Heshuo's; `county export` writes the stored files back as loaded."""
    pack = _copy(cli)
    loaded = runner.invoke(app, ["county", "load", str(pack)])
    assert loaded.exit_code == 0, loaded.output
    wushi = "652828200000"
    set_ = runner.invoke(app, ["health", "level", "set", wushi, "severe", "--from", "2022-05-01",
                               *C])  # fmt: skip
    assert set_.exit_code == 0, set_.output  # a level Heshuo's health.toml does not have
    shown = _json("health", "level", "show", "--on", "2022-05-02", *C)
    assert shown["levels"][wushi] == "severe"
    assert shown["rules"]["source"].startswith("652828 health.toml")
    assert HESHUO_DEFAULTS not in shown["rules"]["source"]
    programmes = _json("support", "programmes", *C)
    assert {p["programme"]: p["max_grant"] for p in programmes}["sorting_centre"] == 123456
    with bootstrap.uow_factory(bootstrap.open_engine(get_settings()))() as uow:
        for no in ("E1", "E2"):
            uow.staff.put("652828", StaffMember(no, "zto", Occupation.COURIER), {}, AT)
        uow.commit()
    added = runner.invoke(app, ["emergency", "team", "add", "T2", *C, "--name", "二队",
                                "--leader", "E1", "--member", "E2"])  # fmt: skip
    assert added.exit_code == 0, added.output
    team = _json("emergency", "team", "show", "T2", *C)
    assert team["min_size"] == 2 and team["meets_min_size"]
    assert HESHUO_DEFAULTS not in team["min_size_source"]
    kpis = {r["indicator"]: r for r in _json("plan", "kpis", *C, "--year", "2022")}
    assert kpis["slim_tape_share"]["target"] == 0.85
    out = cli / "out"
    exported = runner.invoke(app, ["county", "export", "652828", str(out)])
    assert exported.exit_code == 0, exported.output
    for name in (
        "health.toml",
        "packaging.toml",
        "emergency.toml",
        "policy.toml",
        "simulation.toml",
    ):
        assert (out / name).read_text(encoding="utf-8") == (pack / name).read_text(
            encoding="utf-8"
        ), name


def test_an_invalid_health_toml_refuses_the_load_whole_naming_file_and_field(cli: Path) -> None:
    pack = _copy(cli)
    health = pack / "health.toml"
    health.write_text(health.read_text(encoding="utf-8").replace('code = "low"', "code = 3", 1),
                      encoding="utf-8")  # fmt: skip
    refused = runner.invoke(app, ["county", "load", str(pack)])
    assert refused.exit_code == 1
    assert "health.toml" in refused.output and "levels[0].code" in refused.output
    assert _json("county", "list") == []


def test_a_county_reloaded_without_a_file_falls_back_to_heshuo_defaults_and_says_so(
    engine: Engine, tmp_path: Path
) -> None:
    pack = _copy(tmp_path)
    county = read_pack(pack)
    counties.load_county(SqlUnitOfWork(engine), county, pack_documents(pack))
    assert emergency.rules(SqlUnitOfWork(engine), "652828").min_team_size == 2
    (pack / "emergency.toml").unlink()
    counties.load_county(SqlUnitOfWork(engine), county, pack_documents(pack))
    back = emergency.rules(SqlUnitOfWork(engine), "652828")
    assert back.min_team_size == 5  # the built-in pack of the county's code: Heshuo's own
    # a county with none stored and no built-in pack (650101): Heshuo's, marked so
    assert HESHUO_DEFAULTS in public_health.rules(SqlUnitOfWork(engine), "650101").source
    assert all(HESHUO_DEFAULTS in n for n in emergency.rules(SqlUnitOfWork(engine),
                                                              "650101").notes.values())  # fmt: skip
    assert support.programmes(SqlUnitOfWork(engine), "650101").programmes == {}


def test_the_cli_names_where_the_rules_come_from_and_a_reload_drops_a_removed_file(
    cli: Path, tmp_path: Path
) -> None:
    """`health level show` and `packaging report` print the origin of their rules; loading
    the folder again without health.toml removes the stored one (the county's built-in
    pack's stands in, as for an install loaded before files were stored)."""
    pack = _copy(tmp_path)
    assert runner.invoke(app, ["county", "load", str(pack)]).exit_code == 0
    shown = runner.invoke(app, ["health", "level", "show", *C])
    assert "rules: 652828 health.toml" in shown.output
    report = runner.invoke(app, ["packaging", "report", *C, "--year", "2022"])
    assert report.exit_code == 0, report.output
    assert "targets: 652828 packaging.toml" in report.output
    (pack / "health.toml").unlink()
    assert runner.invoke(app, ["county", "load", str(pack)]).exit_code == 0
    assert _json("health", "level", "show", *C)["rules"]["source"].startswith("heshuo/health.toml")
    with SqlUnitOfWork(bootstrap.open_engine(get_settings())) as uow:
        assert counties.pack_document(uow, "652828", "health") is None
        assert counties.pack_document(uow, "652828", "policy") is not None


def test_stored_documents_survive_a_new_engine(engine: Engine, tmp_path: Path) -> None:
    pack = _copy(tmp_path)
    counties.load_county(SqlUnitOfWork(engine), read_pack(pack), pack_documents(pack))
    url = engine.url.render_as_string(hide_password=False)
    engine.dispose()
    fresh = make_engine(url)
    try:
        uow = SqlUnitOfWork(fresh)
        names = [d.name for d in counties.pack_documents(uow, "652828")]
        assert names == ["emergency", "health", "packaging", "policy", "simulation",
                         "vehicle_rules"]  # fmt: skip
        speeds = {k: v.get("speed_kmh") for k, v in vehicles.rules(uow, "652828").kinds.items()}
        assert 33.0 in speeds.values()
        stored = counties.stored_document(uow, "652828", "simulation")
        assert params_for(read_pack(pack), None, stored).timetable.stop_minutes == 9
        assert "Severe risk" in {lv.en for lv in public_health.rules(uow, "652828").levels}
        with uow:
            rules = packaging.rules_of(uow, read_pack(pack))
        assert any(t.value == 0.85 for t in rules.targets)
    finally:
        fresh.dispose()


def test_pack_documents_refuses_every_bad_file_together(tmp_path: Path) -> None:
    pack = _copy(tmp_path)
    (pack / "emergency.toml").write_text("[teams]\nmin_size = 0\n", encoding="utf-8")
    (pack / "policy.toml").write_text("programmes = 3\n", encoding="utf-8")
    with pytest.raises(PackInvalid) as caught:
        pack_documents(pack)
    files = {p.file for p in caught.value.problems}
    assert files == {"emergency.toml", "policy.toml"}
