"""`countyexpress keys …` end to end on a real SQLite file and data folder."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from countyexpress.adapters.keyfile import KEY_FILE_NAME, read_keys
from countyexpress.adapters.vault import Vault
from countyexpress.entrypoints.cli import app
from countyexpress.settings import get_settings

runner = CliRunner()


@pytest.fixture(autouse=True)
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Each test has its own data folder (database and key file), chosen by the environment."""
    monkeypatch.setenv("COUNTYEXPRESS_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("COUNTYEXPRESS_DATABASE_URL", raising=False)
    get_settings.cache_clear()
    yield tmp_path / "data"
    get_settings.cache_clear()


def cli(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    get_settings.cache_clear()
    return result.exit_code, result.stdout, result.stderr


def test_rotate_with_the_key_file_rewrites_and_keeps_the_new_key(folder: Path) -> None:
    """status → rotate --json → status: the data key id changes, the file holds the new key,
    and a consent recorded before is still found."""
    assert cli("county", "load", "heshuo")[0] == 0
    code, _, e = cli("consent", "set", "--phone", "13912345678", "--choice", "station",
                     "-c", "652828")  # fmt: skip
    assert code == 0, e
    code, out, _ = cli("keys", "status", "--json")
    before = json.loads(out)
    assert code == 0 and before["data_key_source"] == "key file"
    assert before["key_file"] == str(folder / KEY_FILE_NAME)
    code, out, e = cli("keys", "rotate", "--json")
    assert code == 0, e
    done = json.loads(out)
    assert done["old_key_id"] == before["data_key_id"] != done["new_key_id"]
    assert done["columns"]["consents.phone_hash"] == 0 and done["stale"] == {
        "consents.phone_hash": 1
    }
    after = json.loads(cli("keys", "status", "--json")[1])
    assert after["data_key_id"] == done["new_key_id"] and not after["rotation_pending"]
    assert Vault(read_keys(folder / KEY_FILE_NAME).data_key.encode()).key_id == after["data_key_id"]


def test_rotate_with_the_key_in_the_environment_asks_for_the_new_key_first(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Refused with what to do, and then done with the variable to set named."""
    monkeypatch.setenv("COUNTYEXPRESS_DATA_KEY", "o" * 48)
    monkeypatch.setenv("COUNTYEXPRESS_SECRET_KEY", "s" * 48)
    code, _, err = cli("keys", "rotate")
    assert code == 1 and "COUNTYEXPRESS_NEW_DATA_KEY" in " ".join(err.split())
    code, new_key, _ = cli("keys", "new")
    assert code == 0 and len(new_key.strip()) == 64
    monkeypatch.setenv("COUNTYEXPRESS_NEW_DATA_KEY", new_key.strip())
    code, out, err = cli("keys", "rotate")
    assert code == 0, err
    assert "now set COUNTYEXPRESS_DATA_KEY to the value of COUNTYEXPRESS_NEW_DATA_KEY" in " ".join(
        out.split()
    )
