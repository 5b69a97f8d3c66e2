"""First start: `user add --station` takes the county from the station, and dev.py's
readiness wait prints the address only once the server answers (with the /setup link
while nobody can log in)."""

from __future__ import annotations

import importlib.util
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from test_cli import database as database  # each test its own SQLite file (the fixture)
from typer.testing import CliRunner

from countyexpress.entrypoints.cli import app

runner = CliRunner()
ROOT = Path(__file__).resolve().parents[2]


def ok(*args: str) -> str:
    r = runner.invoke(app, list(args))
    assert r.exit_code == 0, r.output
    return r.stdout


def test_user_add_with_a_station_and_no_county_takes_the_stations_county(
    database: Path,
) -> None:
    ok("county", "load", "heshuo")
    ok("staff", "add", "K1", "--county", "652828", "--employer", "HS-STA-01", "--occupation",
       "handler", "--name", "王小明", "--id-number", "11010519491231002X", "--phone",
       "13800138000")  # fmt: skip
    ok("staff", "train", "K1", "--county", "652828", "--on", "2026-03-01", "--pre-job")
    r = runner.invoke(app, ["user", "add", "keeper", "--role", "station_keeper", "--station",
                            "HS-STA-01", "--staff-no", "K1", "--password-stdin"],
                      input="a long keeper password\n")  # fmt: skip
    assert r.exit_code == 0, r.output
    [row] = [line for line in ok("user", "list").splitlines() if "keeper" in line]
    assert "652828" in row and "HS-STA-01" in row
    unknown = runner.invoke(app, ["user", "add", "k2", "--role", "station_keeper", "--station",
                                  "HS-NOPE-9", "--staff-no", "K1", "--password-stdin"],
                            input="a long keeper password\n")  # fmt: skip
    assert unknown.exit_code == 1 and "HS-NOPE-9" in unknown.output
    assert "k2" not in ok("user", "list")


def _dev() -> object:
    spec = importlib.util.spec_from_file_location("dev", ROOT / "dev.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_the_readiness_wait_prints_the_address_and_the_setup_link_once_the_server_answers(
    database: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ok("db", "upgrade")
    dev = _dev()
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    assert dev.wait_ready(url, timeout=0.5) is False  # type: ignore[attr-defined]
    assert url not in capsys.readouterr().out  # nothing answers: no address printed
    server = subprocess.Popen(
        [sys.executable, "-m", "countyexpress.entrypoints.cli", "serve", "--host", "127.0.0.1",
         "--port", str(port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        assert dev.wait_ready(url, timeout=60) is True  # type: ignore[attr-defined]
        out = capsys.readouterr().out
        assert url in out and f"{url}/setup" in out
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_the_simulation_progress_line_shows_the_days_on_an_80_column_terminal(
    database: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first start's progress line kept the days even where rich has to shorten it
    (before, '0…' on an 80-column terminal): days done of all, and the day being made."""
    monkeypatch.setenv("COLUMNS", "80")
    ok("county", "load", "heshuo")
    r = runner.invoke(app, ["simulate", "--county", "652828", "--end", "2026-11-16", "--scale",
                            "0.01", "--days", "2"])  # fmt: skip
    assert r.exit_code == 0, r.output
    bar = [line for line in r.stderr.splitlines() if "parcels" in line and "━" in line][-1]
    assert "2/2 days" in bar and "2026-11-16" in bar, bar
