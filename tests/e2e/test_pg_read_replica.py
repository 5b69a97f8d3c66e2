"""PostgreSQL settings for a region: the pool's size and overflow, and a read replica that
the overview reads from (here a second engine on the same database)."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event

from countyexpress import bootstrap
from countyexpress.entrypoints.api.app import create_app
from countyexpress.services import counties as service
from countyexpress.settings import Settings
from support.web import PEOPLE, add_user, log_in


@pytest.mark.postgres
def test_the_pool_is_sized_and_the_overview_reads_from_the_replica(postgres_url: str) -> None:
    settings = Settings(
        database_url=postgres_url, db_pool_size=3, db_max_overflow=1,
        read_database_url=postgres_url,
    )  # fmt: skip
    engine = bootstrap.open_engine(settings)
    service.load_county(bootstrap.uow_factory(engine)(), bootstrap.read_pack_source("heshuo"))
    add_user(engine, PEOPLE["regulator"])
    app = create_app(settings, engine)
    replica = app.state.read_engine
    try:
        assert replica is not engine and engine.pool.size() == replica.pool.size() == 3
        reads: list[object] = []
        event.listen(replica, "checkout", lambda *_: reads.append(1))
        client = TestClient(app)
        log_in(client, "reg")
        page = client.get("/counties/652828/overview")
        assert page.status_code == 200 and "总览" in page.text
        assert reads  # the overview's queries went to the replica's engine
    finally:
        replica.dispose()
        engine.dispose()


def test_without_a_replica_the_overview_reads_from_the_one_engine(tmp_path: Path) -> None:
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'x.db'}")
    engine = bootstrap.open_engine(settings)
    try:
        assert bootstrap.pool_options(settings, settings.database_url) == {}
        assert create_app(settings, engine).state.read_engine is engine
    finally:
        engine.dispose()
