"""地区总览 on a read replica (issue 17, items 1 and 5): with COUNTYEXPRESS_READ_DATABASE_URL
set, the region screen and the county overview it drills into read their figures from the
replica's database, not the primary's. Two real PostgreSQL databases with different data
stand for the primary and a replica that holds more than the primary: the page shows the
second one's."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from countyexpress import bootstrap
from countyexpress.domain.access import Role
from countyexpress.entrypoints.api.app import create_app
from countyexpress.services import counties as county_service
from countyexpress.settings import Settings
from packs import FIXTURES
from support.postgres import PostgresServer
from support.shelved import seed_shelved
from support.web import HESHUO, PEOPLE, Someone, add_user, log_in

BAYINGOLIN = Someone("bayingolin", Role.REGULATOR, "6528")
TEST = "990101"


@pytest.fixture
def replica_url(postgres_server: PostgresServer) -> Iterator[str]:
    """A second database of this test's own, standing for the read replica."""
    name = f"t_replica_{uuid.uuid4().hex[:12]}"
    url = postgres_server.create_database(name)
    try:
        yield url
    finally:
        postgres_server.drop_database(name)


def _rows(page: str) -> list[str]:
    return re.findall(r'<tr data-county="(\d{6})"', page)


def _figure(page: str, county: str, name: str) -> str:
    row = page.split(f'data-county="{county}"', 1)[1].split("</tr>", 1)[0]
    found = re.search(rf'data-figure="{name}">(.*?)</td>', row, re.S)
    assert found, row
    return re.sub(r"<[^>]+>", " ", found.group(1)).split()[0]


@pytest.mark.postgres
def test_the_region_screen_and_its_drill_read_the_replicas_database(
    postgres_url: str, replica_url: str
) -> None:
    # the primary: Heshuo with no parcel, the users and their sessions
    settings = Settings(database_url=postgres_url, read_database_url=replica_url)
    engine = bootstrap.open_engine(settings)
    # the "replica": Heshuo with a parcel stuck 50 h at a station, and a second county
    replica_settings = Settings(database_url=replica_url)
    other = bootstrap.open_engine(replica_settings)
    try:
        county_service.load_county(
            bootstrap.uow_factory(engine)(), bootstrap.read_pack_source("heshuo")
        )
        for source in ("heshuo", str(FIXTURES / "testcounty")):
            county_service.load_county(
                bootstrap.uow_factory(other)(), bootstrap.read_pack_source(source)
            )
        stuck_since = dt.datetime.now(dt.UTC) - dt.timedelta(hours=50)
        seed_shelved(other, replica_settings, {"ZT7312345679501": stuck_since})
        for who in (BAYINGOLIN, PEOPLE["admin"]):
            add_user(engine, who)  # on the primary only: log-in and sessions stay there
        app = create_app(settings, engine)
        try:
            prefecture = TestClient(app)
            log_in(prefecture, BAYINGOLIN.name)
            page = prefecture.get("/region")
            assert page.status_code == 200, page.text
            assert _rows(page.text) == [HESHUO]
            assert _figure(page.text, HESHUO, "stuck") == "1"  # the primary has none
            assert _figure(page.text, HESHUO, "volume") == "1"

            admin = TestClient(app)
            log_in(admin, "admin")
            assert _rows(admin.get("/region").text) == [HESHUO, TEST]  # TEST: replica only
            drilled = admin.get(f"/counties/{TEST}/overview")  # the row's link
            assert drilled.status_code == 200, drilled.text
        finally:
            app.state.read_engine.dispose()
    finally:
        other.dispose()
        engine.dispose()
