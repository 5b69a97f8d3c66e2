"""`countyexpress simulate` and `simulate compare` from the command line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from countyexpress.entrypoints.cli import app
from countyexpress.settings import get_settings

runner = CliRunner()
C = ["--county", "652828", "--end", "2026-11-16", "--scale", "0.02"]


@pytest.fixture(autouse=True)
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("COUNTYEXPRESS_DATABASE_URL", f"sqlite:///{tmp_path / 'cx.db'}")
    get_settings.cache_clear()
    assert runner.invoke(app, ["county", "load", "heshuo"]).exit_code == 0
    yield
    get_settings.cache_clear()


def test_simulate_runs_days_and_reports_the_states_from_the_ledger() -> None:
    """Two Double 11 after-wave days: parcels simulated, states counted, days labelled."""
    result = runner.invoke(app, ["simulate", *C, "--days", "2", "--seed", "5", "--json"])
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["simulated_days"] == 2 and data["totals"]["planned"] > 0
    assert data["states"].get("delivered", 0) > 0
    again = json.loads(runner.invoke(app, ["simulate", *C, "--days", "2", "--json"]).stdout)
    assert again["skipped_days"] == ["2026-11-15", "2026-11-16"]


def test_simulate_needs_a_county() -> None:
    """Without --county the command says what is missing."""
    result = runner.invoke(app, ["simulate", "--days", "1"])
    assert result.exit_code == 2
    assert "--county" in result.stderr


def test_compare_writes_the_table_json_and_workbook(tmp_path: Path) -> None:
    """One day under five policies; co-delivery saves vehicle-km against each carrier alone."""
    xlsx, js = tmp_path / "cmp.xlsx", tmp_path / "cmp.json"
    result = runner.invoke(
        app,
        ["simulate", "compare", *C, "--days", "1", "--lockers", "2",
         "--xlsx", str(xlsx), "--json-file", str(js)],
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert "co-delivery saves" in result.stdout
    data = json.loads(js.read_text(encoding="utf-8"))
    names = [s["scenario"] for s in data["scenarios"]]
    assert names == ["co_delivery", "separate", "station_closed", "festival_peak", "more_lockers"]
    km = {s["scenario"]: s["vehicle_km"] for s in data["scenarios"]}
    assert km["co_delivery"] < km["separate"]
    wb = load_workbook(xlsx)
    assert wb.sheetnames == ["comparison", "each carrier alone", "km by day", "notes"]
    assert wb["comparison"].max_row == 6


def test_the_first_start_simulates_recent_days_once() -> None:
    """What `serve` calls after loading the default pack: days simulated, then not again."""
    from countyexpress import bootstrap
    from countyexpress.entrypoints.cli_simulate import simulate_demo
    from countyexpress.services.simulation import is_simulated

    settings = get_settings()
    engine = bootstrap.open_engine(settings)
    first = simulate_demo(engine, settings, "652828", days=1, scale=0.02)
    assert first is not None and first.total("planned") > 0
    assert is_simulated(bootstrap.uow_factory(engine)(), "652828")
    assert simulate_demo(engine, settings, "652828", days=1, scale=0.02) is None


def test_after_the_vans_hour_the_first_start_also_sorts_this_morning_and_plans_it() -> None:
    """Past 09:30 county time, the demo adds today's sorted bags and today's route plan;
    before it, nothing (the scans would lie in the future)."""
    import datetime as dt

    from countyexpress import bootstrap
    from countyexpress.entrypoints.cli_simulate import demo_morning
    from countyexpress.services import routes, simulation

    settings = get_settings()
    engine = bootstrap.open_engine(settings)
    assert runner.invoke(app, ["simulate", *C, "--days", "1"]).exit_code == 0
    bj = dt.timezone(dt.timedelta(hours=8))
    demo_morning(engine, settings, "652828", 0.02, now=dt.datetime(2026, 11, 18, 8, 0, tzinfo=bj))
    uow = bootstrap.uow_factory(engine)
    assert dt.date(2026, 11, 18) not in simulation.simulated_days(uow(), "652828")
    demo_morning(engine, settings, "652828", 0.02, now=dt.datetime(2026, 11, 17, 10, 0, tzinfo=bj))
    assert dt.date(2026, 11, 17) in simulation.simulated_days(uow(), "652828")
    [plan_id] = routes.plan_ids(uow(), "652828", dt.date(2026, 11, 17))
    plan = routes.get_plan(uow(), plan_id)
    assert plan.runs and sum(r.parcels for r in plan.runs) > 0
    engine.dispose()
