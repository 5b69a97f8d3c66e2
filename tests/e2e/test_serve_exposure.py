"""`serve` on a network: proxy headers believed only from trusted proxies; a warning when a
development install listens beyond this machine."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from typer.testing import CliRunner

from countyexpress.entrypoints.api.throttle import LOOKUP_LIMIT
from countyexpress.entrypoints.cli import app
from countyexpress.settings import get_settings

LOOKUP = "/api/v1/parcels/lookup"
BODY = {"waybill_no": "ZT0000000000000", "phone_tail": "1234"}  # unknown: 404 until throttled


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def _serve(tmp_path: Path, **env_extra: str) -> Iterator[str]:
    """The real `countyexpress serve` on a free local port; its base URL."""
    port = _free_port()
    env = {**os.environ, "COUNTYEXPRESS_DATA_DIR": str(tmp_path / "data"), **env_extra}
    env.pop("COUNTYEXPRESS_DATABASE_URL", None)
    env.pop("FORWARDED_ALLOW_IPS", None)
    cmd = [sys.executable, "-m", "countyexpress.entrypoints.cli", "serve", "--port", str(port),
           "--no-demo"]  # fmt: skip
    log = tmp_path / "server.log"
    with log.open("wb") as sink:
        proc = subprocess.Popen(cmd, env=env, stdout=sink, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert proc.poll() is None, log.read_text(errors="replace")
            assert time.monotonic() < deadline, "server did not come up in 90 s"
            time.sleep(0.2)
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def _lookups(base: str, forwarded_for: list[str]) -> list[int]:
    with httpx.Client(base_url=base, timeout=10) as client:
        return [
            client.post(LOOKUP, json=BODY, headers={"X-Forwarded-For": xff}).status_code
            for xff in forwarded_for
        ]


def test_rotating_x_forwarded_for_does_not_escape_the_look_up_limit(tmp_path: Path) -> None:
    """No trusted proxy (the default): 21 look-ups, each 'from' another address, are one
    client's; the 21st is refused with 429."""
    addresses = [f"203.0.113.{i}" for i in range(LOOKUP_LIMIT + 1)]
    with _serve(tmp_path) as base:
        codes = _lookups(base, addresses)
    assert 429 not in codes[:LOOKUP_LIMIT] and codes[LOOKUP_LIMIT] == 429


def test_behind_a_trusted_proxy_the_forwarded_address_is_the_client(tmp_path: Path) -> None:
    """COUNTYEXPRESS_TRUSTED_PROXIES=127.0.0.1: each forwarded address has its own limit;
    one address past its limit is refused while another still gets its answer."""
    with _serve(tmp_path, COUNTYEXPRESS_TRUSTED_PROXIES="127.0.0.1") as base:
        rotating = _lookups(base, [f"203.0.113.{i}" for i in range(LOOKUP_LIMIT + 1)])
        one = _lookups(base, ["198.51.100.7"] * (LOOKUP_LIMIT + 1))
        other = _lookups(base, ["198.51.100.8"])
    assert 429 not in rotating
    assert 429 not in one[:LOOKUP_LIMIT] and one[LOOKUP_LIMIT] == 429
    assert other != [429]


@pytest.fixture
def serve_run(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[dict[str, Any]]:
    """`serve` through the CLI with uvicorn.run stood in for: what it was asked to run."""
    import uvicorn

    asked: dict[str, Any] = {}
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: asked.update(kw))
    monkeypatch.setenv("COUNTYEXPRESS_DATABASE_URL", f"sqlite:///{tmp_path / 's.db'}")
    get_settings.cache_clear()
    yield asked
    get_settings.cache_clear()


@pytest.mark.parametrize("host", ["0.0.0.0", "192.0.2.10", "::"])
def test_a_development_server_on_a_network_address_warns(
    serve_run: dict[str, Any], host: str
) -> None:
    """On the terminal and as a JSON log line at warning."""
    result = CliRunner().invoke(app, ["serve", "--host", host, "--no-demo"])
    assert result.exit_code == 0, result.output
    assert serve_run["host"] == host
    assert "warning: serving a development install on" in " ".join(result.stderr.split())
    logged = [json.loads(line) for line in result.stderr.splitlines() if line.startswith("{")]
    assert any(
        e["event"] == "exposed_non_production_server" and e["level"] == "warning" for e in logged
    )


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "::1", "127.0.0.2"])
def test_a_server_on_this_machine_only_does_not_warn(serve_run: dict[str, Any], host: str) -> None:
    """Loopback addresses are quiet; uvicorn is told to believe no proxy headers."""
    result = CliRunner().invoke(app, ["serve", "--host", host, "--no-demo"])
    assert result.exit_code == 0, result.output
    assert "warning" not in result.stderr
    assert serve_run["proxy_headers"] is False and serve_run["forwarded_allow_ips"] == []


def test_trusted_proxies_reach_uvicorn(
    serve_run: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The setting is passed as uvicorn's forwarded_allow_ips, with proxy headers on."""
    monkeypatch.setenv("COUNTYEXPRESS_TRUSTED_PROXIES", "10.0.0.5,10.1.0.0/16")
    get_settings.cache_clear()
    result = CliRunner().invoke(app, ["serve", "--no-demo"])
    assert result.exit_code == 0, result.output
    assert serve_run["proxy_headers"] is True
    assert serve_run["forwarded_allow_ips"] == ["10.0.0.5", "10.1.0.0/16"]
