"""Storage faults over HTTP (issue 11, defect 12), with real faults and no mocks: a full
database answers 503 JSON with Retry-After and one error line of JSON in the log; the health
check says unhealthy while the database cannot be written; reads go on; an API key's
last use is written at most once a minute, so a read with a fresh key needs no write."""

from __future__ import annotations

import datetime as dt
import json
import socket
import sqlite3
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine, create_engine, select

from countyexpress import bootstrap
from countyexpress.adapters.db import tables_auth
from countyexpress.adapters.db.engine import make_engine
from countyexpress.adapters.db.uow import SqlUnitOfWork
from countyexpress.entrypoints.api.app import create_app
from countyexpress.services import counties
from countyexpress.services.accounts import hash_api_key
from countyexpress.settings import Settings
from support.faults import SqliteDiskFull, read_only, read_only_supported
from support.web import PEOPLE, add_key, add_user, csrf_of, log_in

PHONE, ID_NUMBER = "13812345678", "360426199101010071"


@dataclass
class Site:
    app: FastAPI
    engine: Engine
    database: Path
    disk: SqliteDiskFull
    key: str


@pytest.fixture
def site(tmp_path: Path) -> Iterator[Site]:
    database = tmp_path / "db" / "faults.db"
    settings = Settings(database_url=f"sqlite:///{database}")
    engine = bootstrap.open_engine(settings)
    counties.load_county(bootstrap.uow_factory(engine)(), bootstrap.read_pack_source("heshuo"))
    add_user(engine, PEOPLE["centre_operator"])
    key = add_key(engine, "zto")
    disk = SqliteDiskFull(engine)
    yield Site(create_app(settings, engine), engine, database, disk, key)
    engine.dispose()


def admin(app: FastAPI) -> tuple[TestClient, dict[str, str]]:
    client = TestClient(app)
    log_in(client, PEOPLE["centre_operator"].name)
    return client, {"X-CSRF-Token": csrf_of(client.get("/login").text)}


def events(n: int) -> list[dict[str, object]]:
    """`n` arrivals at the centre in the last hour, each with a note carrying personal data."""
    at = (dt.datetime.now(dt.UTC) - dt.timedelta(minutes=30)).isoformat()
    return [
        {"event_id": str(uuid.uuid4()), "waybill_no": f"ZT75{i:011d}", "carrier": "zto",
         "kind": "arrive", "facility": "HS-CENTER", "at": at,
         "payload": {"note": f"call {PHONE}, id {ID_NUMBER} " + "x" * 200}}
        for i in range(n)
    ]  # fmt: skip


def json_lines(text: str) -> list[dict[str, object]]:
    return [json.loads(x) for x in text.splitlines() if x.startswith("{")]


def test_a_full_database_answers_503_json_with_retry_after_logged_as_one_json_error_line(
    site: Site, capsys: pytest.CaptureFixture[str]
) -> None:
    """SQLITE_FULL: 503, JSON, Retry-After; the log has an error line with the traceback as
    a field, no plain-text traceback, and no phone or ID number."""
    client, h = admin(site.app)
    site.disk.fill()
    capsys.readouterr()
    r = client.post("/api/v1/scans", headers=h, json=events(300))
    assert r.status_code == 503
    assert r.headers["content-type"].startswith("application/json")
    assert int(r.headers["retry-after"]) > 0
    assert "full" in r.json()["detail"]
    err = capsys.readouterr().err
    assert "Traceback (most recent call last)" not in err
    assert all(x.startswith("{") for x in err.splitlines() if x.strip())
    [fault] = [x for x in json_lines(err) if x.get("level") == "error"]
    assert fault["status"] == 503 and fault["route"] == "/api/v1/scans"
    assert isinstance(fault["traceback"], list) and fault["traceback"]
    assert PHONE not in err and ID_NUMBER not in err
    site.disk.clear()
    assert client.post("/api/v1/scans", headers=h, json=events(300)).status_code == 200


def test_healthz_is_unhealthy_while_the_database_cannot_be_written(site: Site) -> None:
    """Full, then read-only: 503 with Retry-After each time; healthy again once cleared."""
    client = TestClient(site.app)
    assert client.get("/healthz").json() == {"status": "ok"}
    site.disk.fill()
    full = client.get("/healthz")
    assert full.status_code == 503 and full.json()["status"] == "unhealthy"
    assert "retry-after" in full.headers
    site.disk.clear()
    assert client.get("/healthz").status_code == 200
    if not read_only_supported(site.database.parent):
        pytest.skip("cannot make a file read-only for this user here")
    with read_only(site.database):
        gone = client.get("/healthz")
        assert gone.status_code == 503 and gone.json()["status"] == "unhealthy"
    assert client.get("/healthz").status_code == 200


def test_a_read_only_database_refuses_writes_with_503_and_serves_reads(site: Site) -> None:
    """Uploads 503 (nothing stored), reads and pages 200; after the fault the upload goes in."""
    if not read_only_supported(site.database.parent):
        pytest.skip("cannot make a file read-only for this user here")
    client, h = admin(site.app)
    batch = events(5)
    with read_only(site.database):
        r = client.post("/api/v1/scans", headers=h, json=batch)
        assert r.status_code == 503 and "retry-after" in r.headers
        assert client.get("/api/v1/counties", headers=h).status_code == 200
        assert client.get("/counties/652828").status_code == 200
    assert client.post("/api/v1/scans", headers=h, json=batch).json()["accepted"] == 5


def test_a_read_with_a_fresh_api_key_needs_no_write(site: Site) -> None:
    """The key's first use is noted; a second use within the minute writes nothing, so it
    works while the database is read-only."""
    if not read_only_supported(site.database.parent):
        pytest.skip("cannot make a file read-only for this user here")
    client = TestClient(site.app)
    headers = {"X-API-Key": site.key}
    assert client.get("/api/v1/counties", headers=headers).status_code == 200
    with read_only(site.database):
        assert client.get("/api/v1/counties", headers=headers).status_code == 200


def test_a_keys_last_use_is_written_at_most_once_a_minute(site: Site) -> None:
    """Used at t0, t0+30 s and t0+61 s: the stored time moves at t0 and t0+61 s only."""
    t0 = dt.datetime(2026, 11, 30, 8, 0, tzinfo=dt.UTC)
    digest = hash_api_key(site.key)

    def used_at(now: dt.datetime) -> dt.datetime:
        with SqlUnitOfWork(site.engine) as uow:
            assert uow.accounts.key_by_hash(digest, now=now) is not None
            uow.commit()
        with site.engine.connect() as conn:
            stored = conn.scalar(
                select(tables_auth.api_keys.c.last_used_at).where(
                    tables_auth.api_keys.c.key_hash == digest
                )
            )
        assert stored is not None
        return stored.replace(tzinfo=dt.UTC) if stored.tzinfo is None else stored

    assert used_at(t0) == t0
    assert used_at(t0 + dt.timedelta(seconds=30)) == t0
    assert used_at(t0 + dt.timedelta(seconds=61)) == t0 + dt.timedelta(seconds=61)


def test_a_database_locked_past_the_busy_timeout_answers_503(site: Site) -> None:
    """Another process holds the write lock longer than the busy timeout: 503, not 500."""
    client, h = admin(site.app)
    other = sqlite3.connect(site.database, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")
        r = client.post("/api/v1/scans", headers=h, json=events(3))
        assert r.status_code == 503 and "locked" in r.json()["detail"]
    finally:
        other.execute("ROLLBACK")
        other.close()


def test_an_unexpected_error_answers_500_json_logged_at_error(
    site: Site, capsys: pytest.CaptureFixture[str]
) -> None:
    """Any other exception: 500 JSON without its message, one error line of JSON, masked."""

    def broken() -> None:
        raise RuntimeError(f"broken for {PHONE}")

    site.app.add_api_route("/api/v1/broken", broken)
    client, h = admin(site.app)
    capsys.readouterr()
    r = client.get("/api/v1/broken", headers=h)
    assert r.status_code == 500 and r.headers["content-type"].startswith("application/json")
    assert PHONE not in r.text and "retry-after" not in r.headers
    err = capsys.readouterr().err
    assert "Traceback (most recent call last)" not in err
    [line] = [x for x in json_lines(err) if x.get("level") == "error"]
    assert line["error"] == "RuntimeError" and PHONE not in err


@pytest.mark.postgres
def test_a_read_only_postgresql_answers_503_and_healthz_says_unhealthy(
    postgres_url: str,
) -> None:
    """A database set read-only (as a standby or a full-disk guard would): writes 503."""
    settings = Settings(database_url=postgres_url)
    engine = bootstrap.open_engine(settings)
    counties.load_county(bootstrap.uow_factory(engine)(), bootstrap.read_pack_source("heshuo"))
    add_user(engine, PEOPLE["centre_operator"])
    client, h = admin(create_app(settings, engine))
    name = engine.url.database
    owner = create_engine(postgres_url, isolation_level="AUTOCOMMIT")
    try:
        with owner.connect() as conn:
            conn.exec_driver_sql(f'ALTER DATABASE "{name}" SET default_transaction_read_only = on')
        engine.dispose()  # new connections read the setting
        r = client.post("/api/v1/scans", headers=h, json=events(3))
        assert r.status_code == 503 and "retry-after" in r.headers
        assert client.get("/healthz").status_code == 503
        assert client.get("/api/v1/counties", headers=h).status_code == 200
        with owner.connect() as conn:
            conn.exec_driver_sql(f'ALTER DATABASE "{name}" SET default_transaction_read_only = off')
        engine.dispose()
        assert client.get("/healthz").status_code == 200
        assert client.post("/api/v1/scans", headers=h, json=events(3)).status_code == 200
    finally:
        owner.dispose()
        engine.dispose()


def test_a_database_server_that_is_gone_answers_503_and_healthz_says_unhealthy(
    tmp_path: Path,
) -> None:
    """PostgreSQL not reachable (nothing listens on its port): a request that needs the
    database, the API-key look-up included, is 503 with Retry-After, not 500."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    url = f"postgresql+psycopg://nobody@127.0.0.1:{port}/gone"
    engine = make_engine(url, connect_args={"connect_timeout": 2})
    client = TestClient(create_app(Settings(database_url=url), engine))
    health = client.get("/healthz")
    assert health.status_code == 503 and health.json()["status"] == "unhealthy"
    r = client.get("/api/v1/counties", headers={"X-API-Key": "cek_x.y"})
    assert r.status_code == 503 and "retry-after" in r.headers
    assert r.headers["content-type"].startswith("application/json")
    engine.dispose()


def test_a_storage_fault_inside_an_exception_group_is_still_a_503(site: Site) -> None:
    """A task group (anyio, a middleware) may wrap the fault: it is unwrapped, not a 500."""
    readonly = create_engine(f"sqlite:///file:{site.database}?mode=ro&uri=true")

    def grouped() -> None:
        try:
            with readonly.begin() as conn:
                conn.exec_driver_sql("PRAGMA user_version = 1")
        except Exception as exc:
            raise ExceptionGroup("in a task group", [exc]) from None

    site.app.add_api_route("/api/v1/grouped", grouped)
    client, h = admin(site.app)
    r = client.get("/api/v1/grouped", headers=h)
    readonly.dispose()
    assert r.status_code == 503 and "read-only" in r.json()["detail"]
