"""Shared fixtures: a real PostgreSQL server for the storage tests."""

from __future__ import annotations

import os
import re
import uuid
from collections.abc import Iterator

import pytest

from support.postgres import PostgresServer, find_pg_bin


@pytest.fixture(scope="session", autouse=True)
def _session_data_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """The session's fixtures keep their keys in a data folder of the session's own."""
    before = os.environ.get("COUNTYEXPRESS_DATA_DIR")
    os.environ["COUNTYEXPRESS_DATA_DIR"] = str(tmp_path_factory.mktemp("session-data"))
    yield
    if before is None:
        os.environ.pop("COUNTYEXPRESS_DATA_DIR", None)
    else:
        os.environ["COUNTYEXPRESS_DATA_DIR"] = before


@pytest.fixture(autouse=True)
def _test_data_dir(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each test's data folder (and so its generated keys) is its own, never ./data."""
    monkeypatch.setenv("COUNTYEXPRESS_DATA_DIR", str(tmp_path_factory.mktemp("data")))


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """A private PostgreSQL server, started once per test session and stopped at its end."""
    bin_dir = find_pg_bin()
    if bin_dir is None:
        pytest.skip(
            "PostgreSQL binaries (initdb, pg_ctl) not found: "
            "install postgresql to run the PostgreSQL storage tests"
        )
    with PostgresServer(bin_dir) as server:
        yield server


@pytest.fixture
def postgres_url(postgres_server: PostgresServer, request: pytest.FixtureRequest) -> Iterator[str]:
    """SQLAlchemy URL of a fresh database of this test's own, dropped after the test."""
    label = re.sub(r"[^a-z0-9]+", "_", request.node.name.lower()).strip("_")[:40]
    name = f"t_{label}_{uuid.uuid4().hex[:12]}"
    url = postgres_server.create_database(name)
    try:
        yield url
    finally:
        postgres_server.drop_database(name)
