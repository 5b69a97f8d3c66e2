"""`countyexpress centre queue|inbound|manifest` (issue 12, result 3): the manual queue
listed from the command line, invalid numbers refused, manifests imported whole."""

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
STRAY = "7312345600009"  # ZTO's format, on no manifest


@pytest.fixture(autouse=True)
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("COUNTYEXPRESS_DATABASE_URL", f"sqlite:///{tmp_path / 'cx.db'}")
    get_settings.cache_clear()
    assert runner.invoke(app, ["county", "load", "heshuo"]).exit_code == 0
    yield
    get_settings.cache_clear()


def _queue() -> list[dict[str, object]]:
    result = runner.invoke(app, ["centre", "queue", *C, "--json"])
    assert result.exit_code == 0, result.stderr
    listed: list[dict[str, object]] = json.loads(result.stdout)
    return listed


def test_a_parcel_on_no_manifest_is_listed_once_then_leaves(tmp_path: Path) -> None:
    assert _queue() == []
    for _ in range(2):
        done = runner.invoke(app, ["centre", "inbound", STRAY, *C, "--json"])
        assert json.loads(done.stdout)["outcome"] == "queued"
    assert [(q["waybill_no"], q["on_manifest"]) for q in _queue()] == [(STRAY, False)]
    manifest = tmp_path / "zto.csv"
    manifest.write_text(
        "waybill_no,receiver_name,receiver_phone,address\n"
        f"{STRAY},张三,13812345678,和硕县乌什塔拉回族乡塔拉村3组12号\n",
        encoding="utf-8",
    )
    assert (
        runner.invoke(app, ["centre", "manifest", str(manifest), "--carrier", "zto", *C]).exit_code
        == 0
    )
    done = runner.invoke(app, ["centre", "inbound", STRAY, *C, "--json"])
    assert json.loads(done.stdout)["outcome"] == "sorted"
    assert _queue() == []


def test_an_invalid_number_is_refused_not_queued() -> None:
    result = runner.invoke(app, ["centre", "inbound", "ZZ123", *C])
    assert result.exit_code == 1 and "invalid waybill number" in result.stderr
    assert _queue() == []
