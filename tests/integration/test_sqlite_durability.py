"""SQLite's `synchronous` pragma follows COUNTYEXPRESS_SQLITE_SYNCHRONOUS on every connection."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from countyexpress import bootstrap
from countyexpress.adapters.db.engine import make_engine
from countyexpress.settings import Settings

LEVELS = {"NORMAL": 1, "FULL": 2}  # what `PRAGMA synchronous` reads back


@pytest.mark.parametrize("setting", ["NORMAL", "FULL", "full", None])
def test_the_setting_is_the_pragma_of_each_connection(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, setting: str | None
) -> None:
    """Unset: NORMAL; FULL (any case) on every pooled connection, WAL either way."""
    if setting is not None:
        monkeypatch.setenv("COUNTYEXPRESS_SQLITE_SYNCHRONOUS", setting)
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'd.db'}")
    expected = LEVELS[(setting or "NORMAL").upper()]
    engine = bootstrap.open_engine(settings, migrate=False)
    try:
        with engine.connect() as a, engine.connect() as b:  # two connections of the pool
            for conn in (a, b):
                assert conn.execute(text("PRAGMA synchronous")).scalar() == expected
                assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
    finally:
        engine.dispose()


def test_an_unknown_level_is_refused(tmp_path: Path) -> None:
    """OFF would lose data on a process crash too: not offered."""
    with pytest.raises(ValueError, match="NORMAL or FULL"):
        make_engine(f"sqlite:///{tmp_path / 'x.db'}", sqlite_synchronous="OFF")  # type: ignore[arg-type]
