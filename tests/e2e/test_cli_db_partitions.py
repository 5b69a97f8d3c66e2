"""`countyexpress db partitions`: the PostgreSQL ledger's monthly partitions from the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from countyexpress.entrypoints.cli import app
from countyexpress.settings import get_settings

runner = CliRunner()


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


def test_partitions_are_refused_on_sqlite(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    _use(monkeypatch, f"sqlite:///{tmp_path / 'x.db'}")
    done = runner.invoke(app, ["db", "partitions"])
    assert done.exit_code == 1
    assert "PostgreSQL" in done.output
    get_settings.cache_clear()
