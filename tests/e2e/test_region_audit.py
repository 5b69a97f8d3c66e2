"""审计日志 of a region (issue 17, item 5): a regulator bound to a prefecture reads the reads of
personal data in its prefecture's counties and no other, on `/region/audit` and
`/api/v1/region/audit`, scoped as the region screen; one bound to no county reads every
county's; a regulator of one county keeps to its county's page and is refused the region's."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from countyexpress import bootstrap
from countyexpress.adapters.db.uow import SqlUnitOfWork
from countyexpress.domain.access import Principal, Role
from countyexpress.entrypoints.api.app import create_app
from countyexpress.services import accounts
from countyexpress.services import counties as county_service
from countyexpress.settings import Settings
from packs import FIXTURES
from support.web import HESHUO, PEOPLE, Someone, add_user, log_in

TEST = "990101"
KORLA = "652801"  # of Bayingolin too, not loaded: its reads are the prefecture's all the same
BAYINGOLIN = Someone("bayingolin", Role.REGULATOR, "6528")
REGION = Someone("region", Role.REGULATOR)
READS = {HESHUO: "ZT7312345670001", KORLA: "ZT7312345670002", TEST: "ZT7312345670003"}


@dataclass
class World:
    settings: Settings
    engine: Engine

    def client(self, who: Someone) -> TestClient:
        c = TestClient(create_app(self.settings, self.engine))
        log_in(c, who.name)
        c.headers["Accept-Language"] = "zh-CN"
        return c


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    folder = tmp_path_factory.mktemp("region-audit")
    settings = Settings(database_url=f"sqlite:///{folder / 'audit.db'}")
    engine = bootstrap.open_engine(settings)
    uow = bootstrap.uow_factory(engine)
    for source in ("heshuo", str(FIXTURES / "testcounty")):
        county_service.load_county(uow(), bootstrap.read_pack_source(source))
    for county, waybill in READS.items():
        keeper = Principal(f"user:{county}", "k", Role.STATION_KEEPER, county, station="S-01")
        accounts.record_personal_read(uow(), keeper, county, waybill)
    for who in (BAYINGOLIN, REGION, PEOPLE["regulator"], PEOPLE["admin"]):
        add_user(engine, who)
    yield World(settings, engine)
    engine.dispose()


def _subjects(page: str) -> set[str]:
    return set(re.findall(r'<tr data-subject="([^"]+)"', page))


def test_a_prefecture_regulator_reads_its_prefectures_counties_and_no_other(
    world: World,
) -> None:
    c = world.client(BAYINGOLIN)
    page = c.get("/region/audit")
    assert page.status_code == 200, page.text
    assert _subjects(page.text) == {READS[HESHUO], READS[KORLA]}
    assert "审计日志" in page.text and "6528" in page.text
    heshuo = page.text.split(f'data-subject="{READS[HESHUO]}"', 1)[1].split("</tr>", 1)[0]
    assert f'href="/counties/{HESHUO}/audit">和硕县</a>' in heshuo  # named, linked
    api = c.get("/api/v1/region/audit")
    assert api.status_code == 200, api.text
    got = {(line["county"], line["subject"]) for line in api.json()}
    assert got == {(HESHUO, READS[HESHUO]), (KORLA, READS[KORLA])}
    assert c.get("/region/audit?prefecture=9901").status_code == 403
    assert c.get("/api/v1/region/audit?prefecture=9901").status_code == 403
    assert c.get("/region/audit?prefecture=652").status_code == 422
    # its county's own page, reached from the county's nav, and the region screen's link
    county_page = c.get(f"/counties/{HESHUO}/audit")
    assert _subjects(county_page.text) == {READS[HESHUO]}
    assert 'href="/region/audit?prefecture=6528"' in c.get("/region").text


def test_the_audit_log_of_no_county_named_is_the_prefectures_for_its_regulator(
    world: World,
) -> None:
    """The service's reading without a county: a prefecture's regulator got nothing (the
    log was filtered on the code 6528 itself, which no county has)."""
    uow = SqlUnitOfWork(world.engine)
    bound = Principal("p", "p", Role.REGULATOR, "6528")
    assert {e.subject for e in accounts.audit_log(uow, bound, None)} == {
        READS[HESHUO],
        READS[KORLA],
    }
    county = Principal("c", "c", Role.REGULATOR, HESHUO)
    assert {e.subject for e in accounts.audit_log(uow, county, None)} == {READS[HESHUO]}


def test_a_regulator_bound_to_no_county_reads_every_county_and_may_narrow_it(
    world: World,
) -> None:
    c = world.client(REGION)
    assert _subjects(c.get("/region/audit").text) == set(READS.values())
    narrowed = c.get("/region/audit?prefecture=9901")
    assert _subjects(narrowed.text) == {READS[TEST]}
    assert 'href="/api/v1/region/audit?prefecture=9901"' in narrowed.text
    assert {line["county"] for line in c.get("/api/v1/region/audit").json()} == set(READS)
    admin = world.client(PEOPLE["admin"])
    assert _subjects(admin.get("/region/audit?prefecture=6528").text) == {
        READS[HESHUO],
        READS[KORLA],
    }


def test_a_county_regulator_keeps_to_its_county(world: World) -> None:
    c = world.client(PEOPLE["regulator"])
    assert c.get("/region/audit").status_code == 403
    assert c.get("/api/v1/region/audit").status_code == 403
    assert _subjects(c.get(f"/counties/{HESHUO}/audit").text) == {READS[HESHUO]}
    api = c.get(f"/api/v1/counties/{HESHUO}/audit").json()
    assert [(line["county"], line["subject"]) for line in api] == [(HESHUO, READS[HESHUO])]
    assert c.get(f"/counties/{TEST}/audit").status_code in (403, 404)
    with pytest.raises(Exception, match="audit log"):
        accounts.audit_report_within(
            SqlUnitOfWork(world.engine), Principal("c", "c", Role.REGULATOR, HESHUO), "6528"
        )
