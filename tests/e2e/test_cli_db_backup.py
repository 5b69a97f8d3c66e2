"""Backups and restores (issue 17): `db backup` while the platform writes, `db restore` into
an empty database, checked by every table's rows and a replay of the ledger; on SQLite and on
a real PostgreSQL. A restore over data needs --force; a changed projection is found."""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import update
from typer.testing import CliRunner

from countyexpress import bootstrap
from countyexpress.adapters.db.tables_ledger import parcels
from countyexpress.entrypoints.cli import app
from countyexpress.settings import Settings, get_settings
from support.route_day import heshuo_day

runner = CliRunner()


def _use(monkeypatch: pytest.MonkeyPatch, url: str) -> None:
    monkeypatch.setenv("COUNTYEXPRESS_DATABASE_URL", url)
    get_settings.cache_clear()


def _cli(*args: str) -> tuple[int, dict]:
    result = runner.invoke(app, [*args, "--json"])
    body = json.loads(result.stdout) if result.stdout.strip().startswith("{") else {}
    return result.exit_code, body


@pytest.fixture
def heshuo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """Heshuo with a day of parcels sorted at the centre, in a SQLite file."""
    url = f"sqlite:///{tmp_path / 'live.db'}"
    _use(monkeypatch, url)
    assert runner.invoke(app, ["county", "load", "heshuo"]).exit_code == 0
    engine = bootstrap.open_engine(Settings(database_url=url))
    heshuo_day(engine)
    engine.dispose()
    yield url
    get_settings.cache_clear()


def test_a_sqlite_backup_taken_while_writing_restores_and_checks(
    heshuo: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    live = heshuo.removeprefix("sqlite:///")
    writer = sqlite3.connect(live, isolation_level=None)  # the platform, mid-transaction
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("UPDATE parcels SET updated_at = updated_at")
    done: dict[str, object] = {}
    thread = threading.Thread(target=lambda: done.update(r=_cli("db", "backup", str(tmp_path))))
    thread.start()
    thread.join(60)
    writer.execute("COMMIT")
    writer.close()
    code, taken = done["r"]  # type: ignore[misc]
    assert code == 0 and taken["engine"] == "sqlite" and taken["counts"]["scan_events"] > 0
    manifest = json.loads(Path(taken["manifest"]).read_text())
    assert manifest["counts"] == taken["counts"] and "keys" in manifest
    _use(monkeypatch, f"sqlite:///{tmp_path / 'restored.db'}")
    code, checked = _cli("db", "restore", taken["file"])
    assert code == 0 and checked["ok"], checked
    assert checked["parcels_replayed"] == taken["counts"]["parcels"] > 0
    again = runner.invoke(app, ["db", "restore", taken["file"]])  # it holds data now
    assert again.exit_code == 1 and "--force" in again.stderr
    assert _cli("db", "restore", taken["file"], "--force")[0] == 0


def test_a_projection_that_disagrees_with_the_ledger_is_named(heshuo: str, tmp_path: Path) -> None:
    engine = bootstrap.open_engine(Settings(database_url=heshuo), migrate=False)
    with engine.begin() as conn:
        waybill = conn.execute(parcels.select().limit(1)).first().waybill_no  # type: ignore[union-attr]
        conn.execute(
            update(parcels).where(parcels.c.waybill_no == waybill).values(state="delivered")
        )
    engine.dispose()
    code, checked = _cli("db", "check")
    assert code == 1 and not checked["ok"]
    assert [d for d in checked["replay_differences"] if waybill in d and "delivered" in d]


def test_a_backup_needs_its_manifest_and_its_own_engine(
    heshuo: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, postgres_url: str
) -> None:
    code, taken = _cli("db", "backup", str(tmp_path / "b"))
    assert code == 0
    Path(taken["manifest"]).rename(tmp_path / "elsewhere.json")
    _use(monkeypatch, f"sqlite:///{tmp_path / 'other.db'}")
    bare = runner.invoke(app, ["db", "restore", taken["file"]])
    assert bare.exit_code == 1 and "no manifest" in bare.stderr
    (tmp_path / "elsewhere.json").rename(taken["manifest"])
    _use(monkeypatch, postgres_url)
    crossed = runner.invoke(app, ["db", "restore", taken["file"]])
    assert crossed.exit_code == 1 and "sqlite backup cannot be restored" in crossed.stderr


@pytest.mark.postgres
def test_a_postgresql_backup_restores_into_another_database_and_checks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, postgres_server: object
) -> None:
    source = postgres_server.create_database("backup_source")  # type: ignore[attr-defined]
    target = postgres_server.create_database("backup_target")  # type: ignore[attr-defined]
    try:
        _use(monkeypatch, source)
        assert runner.invoke(app, ["county", "load", "heshuo"]).exit_code == 0
        engine = bootstrap.open_engine(Settings(database_url=source))
        heshuo_day(engine)
        engine.dispose()
        code, taken = _cli("db", "backup", str(tmp_path))
        assert code == 0 and taken["engine"] == "postgresql", taken
        assert taken["file"].endswith(".dump") and taken["counts"]["scan_events"] > 0
        _use(monkeypatch, target)
        code, checked = _cli("db", "restore", taken["file"])
        assert code == 0 and checked["ok"], checked
        assert checked["parcels_replayed"] == taken["counts"]["parcels"]
    finally:
        get_settings.cache_clear()
        postgres_server.drop_database("backup_source")  # type: ignore[attr-defined]
        postgres_server.drop_database("backup_target")  # type: ignore[attr-defined]
