"""`countyexpress forecast predict | backtest | stock` on seeded history (issue 16)."""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from countyexpress.entrypoints.cli import app
from countyexpress.planning.forecasting import synth
from countyexpress.services import forecasting

runner = CliRunner()
START, END = dt.date(2024, 10, 21), dt.date(2026, 11, 17)


@pytest.fixture(scope="module")
def history(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Eight seeded items, two years of days up to 2026-11-17."""
    path = tmp_path_factory.mktemp("forecast") / "history.csv"
    result = runner.invoke(
        app,
        [
            "forecast",
            "synth",
            "--items",
            "8",
            "--out",
            str(path),
            "--start",
            START.isoformat(),
            "--end",
            END.isoformat(),
        ],
    )
    assert result.exit_code == 0, result.output
    return path


def test_predict_writes_every_item_and_day_inside_its_interval(
    history: Path, tmp_path: Path
) -> None:
    """28 rows per item, from the day after the history, with 0 ≤ lo ≤ forecast ≤ hi."""
    out = tmp_path / "forecast.csv"
    result = runner.invoke(
        app, ["forecast", "predict", str(history), "--horizon", "28", "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    with out.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert list(rows[0]) == ["item_id", "date", "forecast", "lo", "hi"]
    days = [(END + dt.timedelta(days=k)).isoformat() for k in range(1, 29)]
    items = sorted({r["item_id"] for r in rows})
    assert len(items) == 8
    assert sorted((r["item_id"], r["date"]) for r in rows) == [(i, d) for i in items for d in days]
    for r in rows:
        assert 0 <= float(r["lo"]) <= float(r["forecast"]) <= float(r["hi"])


def test_bad_rows_are_refused_by_file_line_and_field_and_nothing_is_written(tmp_path: Path) -> None:
    """Every bad row is named; no forecast file appears."""
    bad = tmp_path / "orders.csv"
    bad.write_text(
        "item_id,date,qty\nA,2026-01-01,3\nA,2026-13-01,2\nB,2026-01-02,-1\n"
        "A,2026-01-01,4\n,2026-01-03,1\nC,2026-01-03,many\n",
        encoding="utf-8",
    )
    out = tmp_path / "f.csv"
    result = runner.invoke(app, ["forecast", "predict", str(bad), "--out", str(out)])
    assert result.exit_code == 1
    text = " ".join(result.output.split())
    for where in (
        "orders.csv line 3: date",
        "orders.csv line 4: qty",
        "orders.csv line 5: date",
        "orders.csv line 6: item_id",
        "orders.csv line 7: qty",
    ):
        assert where in text
    assert "nothing was loaded" in text
    assert not out.exists()


def test_a_missing_column_is_refused_at_the_header(tmp_path: Path) -> None:
    """A file without qty is refused at line 1."""
    bad = tmp_path / "orders.csv"
    bad.write_text("item_id,date\nA,2026-01-01\n", encoding="utf-8")
    result = runner.invoke(app, ["forecast", "backtest", str(bad), "--json"])
    assert result.exit_code == 1
    assert "orders.csv line 1: missing column(s): qty" in " ".join(result.output.split())


def test_backtest_reports_mase_per_item_and_overall_against_seasonal_naive(history: Path) -> None:
    """JSON with every item's MASE and seasonal naive's, and the ratio of the means."""
    result = runner.invoke(app, ["forecast", "backtest", str(history), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["items"] == len(data["per_item"]) == 8
    assert data["ratio"] == pytest.approx(data["mase"] / data["seasonal_naive_mase"], abs=1e-3)
    assert {"item_id", "model", "mase", "seasonal_naive_mase"} <= set(data["per_item"][0])


def test_stock_writes_the_stocking_list_as_xlsx(history: Path, tmp_path: Path) -> None:
    """Held items get a base stock and a fill rate; the summary gives the county's share."""
    from openpyxl import load_workbook

    out = tmp_path / "stock.xlsx"
    result = runner.invoke(
        app,
        [
            "forecast",
            "stock",
            str(history),
            "--out",
            str(out),
            "--service-level",
            "0.95",
            "--lead-time",
            "2",
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert 0 < data["county_share"] <= 1
    held = [a for a in data["advice"] if a["hold"] == "yes"]
    assert held and all(a["base_stock"] >= 0 and 0 <= a["fill_rate"] <= 1 for a in held)
    rows = list(load_workbook(out).active.iter_rows(values_only=True))
    assert rows[0][:3] == ("item_id", "class", "hold") and len(rows) == 9


def test_festival_aware_forecasts_beat_seasonal_naive_on_a_month_with_double_11() -> None:
    """Held out Oct 21–Nov 17 (the pre-sale, Nov 11 and its tail): the festival-aware
    forecast's mean MASE is at least 15 % below seasonal naive's."""
    series = synth.history(24, START, END, seed=7)
    bt = forecasting.backtest(series, 28, [dt.date(2026, 10, 21)])
    assert len(bt.items) == 24
    assert bt.ratio <= 0.85


def test_ledger_history_counts_inbound_parcels_per_day_and_village(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """After a simulated stretch, `forecast ledger` writes inbound_parcels per county day
    and village of the county, one row each."""
    from countyexpress.settings import get_settings

    monkeypatch.setenv("COUNTYEXPRESS_DATABASE_URL", f"sqlite:///{tmp_path / 'f.db'}")
    get_settings.cache_clear()
    try:
        assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0
        assert runner.invoke(app, ["county", "load", "heshuo"]).exit_code == 0
        sim = runner.invoke(app, ["simulate", "--county", "652828", "--days", "2", "--seed", "3"])
        assert sim.exit_code == 0, sim.output
        out = tmp_path / "ledger.csv"
        result = runner.invoke(app, ["forecast", "ledger", "-c", "652828", "--out", str(out)])
        assert result.exit_code == 0, result.output
    finally:
        get_settings.cache_clear()
    with out.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert rows and {r["item_id"] for r in rows} == {"inbound_parcels"}
    assert all(r["village"].startswith("652828") and int(r["qty"]) > 0 for r in rows)
    assert len({(r["date"], r["village"]) for r in rows}) == len(rows)


def test_calendar_lists_the_years_festivals_with_their_windows() -> None:
    """2026: the Spring Festival on Feb 17, 618 from Jun 1, Double 11 from the Oct 31 pre-sale."""
    result = runner.invoke(app, ["forecast", "calendar", "--year", "2026"])
    assert result.exit_code == 0, result.output
    text = " ".join(result.output.split())
    for day, window_start in (
        ("2026-02-17", "2026-01-20"),
        ("2026-06-18", "2026-06-01"),
        ("2026-11-11", "2026-10-31"),
    ):
        assert day in text and window_start in text
