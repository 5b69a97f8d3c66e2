"""Shared fixtures: a real PostgreSQL server for the storage tests."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator

import pytest

from support.postgres import PostgresServer, find_pg_bin


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
