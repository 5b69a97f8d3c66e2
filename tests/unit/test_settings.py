"""Settings fail fast on unsafe values; without keys in the environment, the data folder's own."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from pydantic import SecretStr, ValidationError

from countyexpress.adapters.keyfile import KEY_FILE_NAME, read_keys
from countyexpress.settings import Settings


def test_the_default_database_is_a_sqlite_file_in_the_data_folder(tmp_path) -> None:
    """Nothing set: SQLite under the data folder."""
    s = Settings(data_dir=tmp_path)
    assert s.database_url == f"sqlite:///{tmp_path.as_posix()}/countyexpress.db"


def test_production_refuses_the_development_secret(tmp_path: Path) -> None:
    """Production with no, or a short, secret does not start, key file or not."""
    Settings(data_dir=tmp_path)  # a key file exists: production still wants explicit keys
    with pytest.raises(ValidationError, match="COUNTYEXPRESS_SECRET_KEY"):
        Settings(environment="production", data_dir=tmp_path)
    with pytest.raises(ValidationError):
        Settings(environment="production", secret_key=SecretStr("short"))
    with pytest.raises(ValidationError, match="COUNTYEXPRESS_DATA_KEY"):
        Settings(environment="production", data_dir=tmp_path, secret_key=SecretStr("x" * 40))
    ok = Settings(
        environment="production", secret_key=SecretStr("x" * 40), data_key=SecretStr("k" * 40)
    )
    assert ok.environment == "production"


def test_settings_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """COUNTYEXPRESS_DATABASE_URL overrides the default."""
    monkeypatch.setenv("COUNTYEXPRESS_DATABASE_URL", "postgresql+psycopg://u@h/db")
    assert Settings().database_url == "postgresql+psycopg://u@h/db"


@pytest.mark.parametrize("environment", ["development", "test"])
def test_a_fresh_data_folder_gets_random_keys_of_its_own(tmp_path: Path, environment: str) -> None:
    """Two fresh folders: four different keys, none of them a constant, the data key not the
    secret; the file is the owner's only (0600) and later starts read the same keys."""
    one = Settings(data_dir=tmp_path / "one", environment=environment)  # type: ignore[arg-type]
    two = Settings(data_dir=tmp_path / "two", environment=environment)  # type: ignore[arg-type]
    keys = {
        one.secret_key.get_secret_value(), one.data_key.get_secret_value(),
        two.secret_key.get_secret_value(), two.data_key.get_secret_value(),
    }  # fmt: skip
    assert len(keys) == 4 and all(len(k) >= 64 for k in keys)
    assert one.data_key_bytes() != one.secret_key.get_secret_value().encode()
    path = tmp_path / "one" / KEY_FILE_NAME
    assert one.key_file == path
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    again = Settings(data_dir=tmp_path / "one", environment=environment)  # type: ignore[arg-type]
    assert again.secret_key == one.secret_key and again.data_key == one.data_key


def test_the_key_file_is_created_private_even_under_a_permissive_umask(tmp_path: Path) -> None:
    """os.open(…, 0o600): a umask of 000 does not widen it."""
    old = os.umask(0)
    try:
        Settings(data_dir=tmp_path)
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / KEY_FILE_NAME).stat().st_mode) == 0o600
    assert [p.name for p in tmp_path.iterdir()] == [KEY_FILE_NAME]  # no temporary left behind


def test_explicit_keys_win_over_the_key_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """COUNTYEXPRESS_SECRET_KEY / _DATA_KEY are used as given; only a missing one is the file's."""
    from_file = Settings(data_dir=tmp_path)
    monkeypatch.setenv("COUNTYEXPRESS_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("COUNTYEXPRESS_DATA_KEY", "d" * 40)
    s = Settings()
    assert s.data_key_bytes() == b"d" * 40 and s.data_key_given
    assert s.secret_key == from_file.secret_key
    monkeypatch.setenv("COUNTYEXPRESS_SECRET_KEY", "s" * 40)
    both = Settings(data_dir=tmp_path / "untouched")
    assert both.secret_key.get_secret_value() == "s" * 40 and both.key_file is None
    assert not (tmp_path / "untouched").exists()  # nothing generated when nothing is missing


@pytest.mark.parametrize("mode", [0o640, 0o604, 0o644, 0o666])
def test_a_key_file_others_may_read_is_refused(tmp_path: Path, mode: int) -> None:
    """Keys that others could have read are taken as known: refused, with what to do."""
    Settings(data_dir=tmp_path)
    (tmp_path / KEY_FILE_NAME).chmod(mode)
    with pytest.raises(ValidationError, match="may be read by others"):
        Settings(data_dir=tmp_path)


def test_a_key_file_with_a_short_key_is_refused(tmp_path: Path) -> None:
    """A hand-edited file with a weak key does not start."""
    Settings(data_dir=tmp_path)
    path = tmp_path / KEY_FILE_NAME
    keys = read_keys(path)
    path.write_text(path.read_text().replace(keys.data_key, "short"))
    with pytest.raises(ValidationError, match="at least 32"):
        Settings(data_dir=tmp_path)


def test_trusted_proxies_and_sqlite_synchronous(monkeypatch: pytest.MonkeyPatch) -> None:
    """Proxies: addresses or networks, none by default; synchronous NORMAL or FULL."""
    s = Settings()
    assert s.trusted_proxy_list() == [] and s.sqlite_synchronous == "NORMAL"
    monkeypatch.setenv("COUNTYEXPRESS_TRUSTED_PROXIES", " 10.0.0.5, 192.168.1.0/24,::1 ")
    monkeypatch.setenv("COUNTYEXPRESS_SQLITE_SYNCHRONOUS", "full")
    s = Settings()
    assert s.trusted_proxy_list() == ["10.0.0.5", "192.168.1.0/24", "::1"]
    assert s.sqlite_synchronous == "FULL"
    monkeypatch.setenv("COUNTYEXPRESS_TRUSTED_PROXIES", "proxy.example")
    with pytest.raises(ValidationError, match="COUNTYEXPRESS_TRUSTED_PROXIES"):
        Settings()
    monkeypatch.setenv("COUNTYEXPRESS_TRUSTED_PROXIES", "")
    monkeypatch.setenv("COUNTYEXPRESS_SQLITE_SYNCHRONOUS", "OFF")
    with pytest.raises(ValidationError):
        Settings()
