"""`scans ingest` and `parcel show` from the command line, on a real SQLite file."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from pathlib import Path

import pytest
from typer.testing import CliRunner

from countyexpress.entrypoints.cli import app
from countyexpress.settings import get_settings

runner = CliRunner()


@pytest.fixture(autouse=True)
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("COUNTYEXPRESS_DATABASE_URL", f"sqlite:///{tmp_path / 'cx.db'}")
    get_settings.cache_clear()
    assert runner.invoke(app, ["county", "load", "heshuo"]).exit_code == 0
    yield
    get_settings.cache_clear()


def write_jsonl(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


DAY = (dt.datetime.now(dt.UTC) - dt.timedelta(days=2)).date().isoformat()  # inside the window


def event(kind: str, at: str, facility: str = "HS-CENTER") -> str:
    return json.dumps({"event_id": str(uuid.uuid4()), "waybill_no": "YT1234567890123",
                       "carrier": "yto", "kind": kind, "facility": facility, "at": at})  # fmt: skip


def test_ingest_reports_accepted_duplicates_and_rejected_lines(tmp_path: Path) -> None:
    """The JSON report counts lines; a second run of the same file only finds duplicates."""
    f = write_jsonl(tmp_path / "day.jsonl", [
        event("arrive", f"{DAY}T08:00:00+08:00"),
        "{not json",
        event("sort", f"{DAY}T08:05:00+08:00"),
    ])  # fmt: skip
    first = runner.invoke(app, ["scans", "ingest", str(f), "--json"])
    assert first.exit_code == 0
    assert json.loads(first.stdout) == {
        "accepted": 2,
        "duplicates": 0,
        "rejected": [{"line": 2, "reason": json.loads(first.stdout)["rejected"][0]["reason"]}],
    }
    assert json.loads(first.stdout)["rejected"][0]["reason"].startswith("not JSON")
    second = json.loads(runner.invoke(app, ["scans", "ingest", str(f), "--json"]).stdout)
    assert (second["accepted"], second["duplicates"]) == (0, 2)


def test_parcel_show_gives_state_place_and_history(tmp_path: Path) -> None:
    """The derived state and the events in device-time order, with receive times."""
    f = write_jsonl(tmp_path / "d.jsonl", [
        event("store", f"{DAY}T10:31:00+08:00", "HS-STA-01"),
        event("arrive", f"{DAY}T08:00:00+08:00"),
    ])  # fmt: skip
    runner.invoke(app, ["scans", "ingest", str(f)])
    result = runner.invoke(app, ["parcel", "show", "yt1234567890123", "--json"])
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert (data["state"], data["place"], data["carrier"]) == ("stored", "HS-STA-01", "yto")
    assert [e["kind"] for e in data["events"]] == ["arrive", "store"]
    assert all(e["received_at"] for e in data["events"])
    missing = runner.invoke(app, ["parcel", "show", "SF0000000000000"])
    assert missing.exit_code == 1 and "no scan of waybill" in missing.stderr


def test_times_outside_the_window_are_refused_unless_an_archive_is_imported(
    tmp_path: Path,
) -> None:
    """A device file's old or future lines are refused with the reason, the rest kept; the
    operator imports an archive of old files with --no-window."""
    old = (dt.datetime.now(dt.UTC) - dt.timedelta(days=90)).isoformat()
    f = write_jsonl(tmp_path / "old.jsonl", [
        event("arrive", old),
        event("sort", "9999-12-31T23:59:59+08:00"),
        event("depart", f"{DAY}T09:00:00+08:00"),
    ])  # fmt: skip
    first = json.loads(runner.invoke(app, ["scans", "ingest", str(f), "--json"]).stdout)
    assert first["accepted"] == 1 and [r["line"] for r in first["rejected"]] == [1, 2]
    assert "days ago" in first["rejected"][0]["reason"]
    assert "future" in first["rejected"][1]["reason"]
    archive = runner.invoke(app, ["scans", "ingest", str(f), "--no-window", "--json"])
    again = json.loads(archive.stdout)
    assert (again["accepted"], again["duplicates"]) == (2, 1)
