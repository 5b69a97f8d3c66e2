"""Settings fail fast on unsafe values outside development."""

from __future__ import annotations

import pytest
from pydantic import SecretStr, ValidationError

from countyexpress.settings import Settings


def test_the_default_database_is_a_sqlite_file_in_the_data_folder(tmp_path) -> None:
    """Nothing set: SQLite under the data folder."""
    s = Settings(data_dir=tmp_path)
    assert s.database_url == f"sqlite:///{tmp_path.as_posix()}/countyexpress.db"


def test_production_refuses_the_development_secret() -> None:
    """Production with the default or a short secret does not start."""
    with pytest.raises(ValidationError, match="COUNTYEXPRESS_SECRET_KEY"):
        Settings(environment="production")
    with pytest.raises(ValidationError):
        Settings(environment="production", secret_key=SecretStr("short"))
    ok = Settings(
        environment="production", secret_key=SecretStr("x" * 40), data_key=SecretStr("k" * 40)
    )
    assert ok.environment == "production"


def test_settings_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """COUNTYEXPRESS_DATABASE_URL overrides the default."""
    monkeypatch.setenv("COUNTYEXPRESS_DATABASE_URL", "postgresql+psycopg://u@h/db")
    assert Settings().database_url == "postgresql+psycopg://u@h/db"
