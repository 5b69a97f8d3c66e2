"""`countyexpress db partitions`: the PostgreSQL ledger's monthly partitions from the CLI."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from pathlib import Path

import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from countyexpress.adapters.db.engine import make_engine
from countyexpress.adapters.db.ledger import SqlLedger
from countyexpress.domain.scans import ScanEvent, ScanKind
from countyexpress.entrypoints.cli import app
from countyexpress.settings import get_settings

runner = CliRunner()


def event(at: dt.datetime) -> ScanEvent:
    return ScanEvent(str(uuid.uuid4()), "JT0019812345678", "jt", ScanKind.ARRIVE, "HS-CENTER",
                     at, "", {})  # fmt: skip


def _use(monkeypatch: pytest.MonkeyPatch, url: str) -> None:
    monkeypatch.setenv("COUNTYEXPRESS_DATABASE_URL", url)
    get_settings.cache_clear()


@pytest.mark.postgres
def test_partitions_are_created_ahead_and_a_second_run_changes_nothing(
    monkeypatch: pytest.MonkeyPatch, postgres_url: str, tmp_path: Path
) -> None:
    _use(monkeypatch, postgres_url)
    assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0
    first = runner.invoke(app, ["db", "partitions", "--ahead", "2", "--json"])
    assert first.exit_code == 0, first.output
    made = json.loads(first.stdout)
    assert len(made["created"]) == 2  # this month came with the migration
    assert set(made["created"]) <= set(made["partitions"])
    again = runner.invoke(
        app, ["db", "partitions", "--ahead", "2", "--retain-months", "12", "--archive",
              str(tmp_path), "--json"],
    )  # fmt: skip
    assert again.exit_code == 0, again.output
    assert json.loads(again.stdout)["created"] == json.loads(again.stdout)["dropped"] == []
    get_settings.cache_clear()


@pytest.mark.postgres
def test_partitions_from_a_past_month_take_its_events_out_of_the_default_partition(
    monkeypatch: pytest.MonkeyPatch, postgres_url: str
) -> None:
    _use(monkeypatch, postgres_url)
    assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0
    engine = make_engine(postgres_url)
    try:
        before = event(dt.datetime(2025, 3, 10, tzinfo=dt.UTC))
        with engine.begin() as conn:  # a month with no partition yet: the default one
            SqlLedger(conn).append("652828", [before], dt.datetime.now(dt.UTC))
        done = runner.invoke(app, ["db", "partitions", "--from", "2025-01", "--json"])
        assert done.exit_code == 0, done.output
        made = json.loads(done.stdout)["created"]
        assert {"scan_events_y2025m01", "scan_events_y2025m03", "scan_events_y2026m01"} <= set(made)
        history = event(dt.datetime(2025, 6, 30, tzinfo=dt.UTC))
        with engine.begin() as conn:
            SqlLedger(conn).append("652828", [history], dt.datetime.now(dt.UTC))
            rows = conn.execute(
                text("SELECT event_id, tableoid::regclass::text FROM scan_events")
            ).all()
        assert sorted(rows) == sorted(
            [
                (before.event_id, "ledger.scan_events_y2025m03"),
                (history.event_id, "ledger.scan_events_y2025m06"),
            ]
        )
        wrong = runner.invoke(app, ["db", "partitions", "--from", "2025-1x"])
        assert wrong.exit_code == 1 and "YYYY-MM" in wrong.output
    finally:
        engine.dispose()
        get_settings.cache_clear()


def test_partitions_are_refused_on_sqlite(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    _use(monkeypatch, f"sqlite:///{tmp_path / 'x.db'}")
    done = runner.invoke(app, ["db", "partitions"])
    assert done.exit_code == 1
    assert "PostgreSQL" in done.output
    get_settings.cache_clear()
