"""`countyexpress webhooks add|list|deliver|dead|replay` (issue 12): the secret printed once,
never listed; a receiver that is not there leaves deliveries to retry, not lost."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from countyexpress.entrypoints.cli import app
from countyexpress.settings import get_settings

runner = CliRunner()
C = ["--county", "652828"]


@pytest.fixture(autouse=True)
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("COUNTYEXPRESS_DATABASE_URL", f"sqlite:///{tmp_path / 'cx.db'}")
    monkeypatch.setenv("COUNTYEXPRESS_DATA_DIR", str(tmp_path))
    get_settings.cache_clear()
    assert runner.invoke(app, ["county", "load", "heshuo"]).exit_code == 0
    yield
    get_settings.cache_clear()


def test_add_prints_the_secret_once_and_list_never_shows_it() -> None:
    added = runner.invoke(app, ["webhooks", "add", *C, "--carrier", "zto",
                                "--url", "http://127.0.0.1:9/hooks"])  # fmt: skip
    assert added.exit_code == 0, added.output
    secret = added.stdout.split("shown once): ")[1].strip()
    assert secret.startswith("whsec_")
    listed = runner.invoke(app, ["webhooks", "list", *C, "--json"])
    assert listed.exit_code == 0 and secret not in listed.stdout
    assert [h["carrier"] for h in json.loads(listed.stdout)] == ["zto"]
    assert secret not in runner.invoke(app, ["webhooks", "list", *C]).stdout


def test_a_bad_url_or_carrier_is_refused_by_name() -> None:
    bad = runner.invoke(app, ["webhooks", "add", *C, "--carrier", "zto", "--url", "ftp://x"])
    assert bad.exit_code == 1 and "url" in bad.stderr
    stray = runner.invoke(app, ["webhooks", "add", *C, "--carrier", "nope",
                                "--url", "http://127.0.0.1:9/"])  # fmt: skip
    assert stray.exit_code == 1 and "nope" in stray.stderr


def test_deliver_once_dead_and_replay_answer() -> None:
    done = runner.invoke(app, ["webhooks", "deliver", "--once"])
    assert done.exit_code == 0 and "delivered 0" in done.stdout
    dead = runner.invoke(app, ["webhooks", "dead", *C, "--json"])
    assert dead.exit_code == 0 and json.loads(dead.stdout) == []
    missing = runner.invoke(app, ["webhooks", "replay", "999"])
    assert missing.exit_code == 1 and "999" in missing.stderr
