"""地区总览 as a prefecture's regulator reads it (issue 17, item 5): each county row links to
its overview and its assessment; an estimated coverage and a county holding simulated
parcels are marked, a county of verified villages and real parcels is not; the county's name
in the page's language; the sorted column says so; the table as an xlsx workbook, the same
counties in the same order."""

from __future__ import annotations

import csv
import io
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy import Engine

from countyexpress import bootstrap
from countyexpress.adapters.vault import Vault
from countyexpress.domain.access import Role
from countyexpress.entrypoints.api.app import create_app
from countyexpress.services import centre, simulation
from countyexpress.services import counties as county_service
from countyexpress.settings import Settings
from packs import FIXTURES
from support.web import HESHUO, PEOPLE, Someone, add_user, log_in

TEST = "990101"
BAYINGOLIN = Someone("bayingolin", Role.REGULATOR, "6528")


@dataclass
class World:
    settings: Settings
    engine: Engine

    def client(self, who: Someone) -> TestClient:
        c = TestClient(create_app(self.settings, self.engine))
        log_in(c, who.name)
        return c


def _verified_copy(folder: Path) -> Path:
    """The test county's pack with every division and position verified."""
    pack = folder / "verified"
    shutil.copytree(FIXTURES / "testcounty", pack)
    path = pack / "divisions.csv"
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))
    for row in rows:
        row["quality"] = "verified"
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return pack


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    folder = tmp_path_factory.mktemp("region-marks")
    settings = Settings(database_url=f"sqlite:///{folder / 'marks.db'}")
    engine = bootstrap.open_engine(settings)
    uow = bootstrap.uow_factory(engine)
    for source in ("heshuo", str(_verified_copy(folder))):
        county_service.load_county(uow(), bootstrap.read_pack_source(source))
    item = {
        "waybill_no": "ZT7600000000001",
        "receiver_name": "王模拟001",
        "receiver_phone": "10012345678",
        "address": "和硕县新塔热乡新塔热村",
    }
    centre.add_manifest(
        uow(), Vault(settings.data_key_bytes()), HESHUO, "zto", [(1, item)],
        manifest_id=f"{simulation.SIM_PREFIX}test", synthetic=True,
    )  # fmt: skip
    for who in (BAYINGOLIN, PEOPLE["admin"], PEOPLE["regulator"]):
        add_user(engine, who)
    yield World(settings, engine)
    engine.dispose()


def _row(page: str, county: str) -> str:
    return page.split(f'<tr data-county="{county}"', 1)[1].split("</tr>", 1)[0]


def test_each_row_links_to_the_countys_overview_and_assessment(world: World) -> None:
    c = world.client(PEOPLE["admin"])
    page = c.get("/region").text
    for code in (HESHUO, TEST):
        row = _row(page, code)
        for link in ("overview", "assessment"):
            href = re.search(rf'href="([^"]+)" data-link="{link}"', row)
            assert href and href.group(1) == f"/counties/{code}/{link}", row
            assert c.get(href.group(1)).status_code == 200, href.group(1)


def test_estimates_and_simulated_parcels_are_marked_and_real_figures_are_not(
    world: World,
) -> None:
    page = world.client(PEOPLE["admin"]).get("/region").text
    heshuo, verified = _row(page, HESHUO), _row(page, TEST)
    assert "data-estimate" in heshuo and "估计" in heshuo  # estimated village positions
    assert "data-simulated" in heshuo  # a simulated manifest
    assert "data-estimate" not in verified and "data-simulated" not in verified
    notes = page.split('id="region-notes"', 1)[1]
    assert "great-circle" in notes or "大圆" in notes  # the estimate explained
    bayingolin = world.client(BAYINGOLIN).get("/region").text
    assert "data-simulated" in _row(bayingolin, HESHUO)


def test_the_page_names_counties_in_its_language_and_marks_the_sorted_column(
    world: World,
) -> None:
    c = world.client(PEOPLE["admin"])
    zh = c.get("/region?sort=stuck").text
    assert "和硕县</a>" in _row(zh, HESHUO)
    assert re.search(r'<th scope="col" aria-sort="descending"><a [^>]*data-sort="stuck"', zh)
    assert zh.count("aria-sort=") == 1
    en = c.get("/region?lang=en").text
    assert "Heshuo County (Hoxud County)</a>" in _row(en, HESHUO)
    assert "Test County (fixture)</a>" in _row(en, TEST)
    assert re.search(r'<th scope="col" aria-sort="ascending"><a [^>]*data-sort="code"', en)


def test_the_table_downloads_as_a_workbook_in_the_pages_order(world: World) -> None:
    c = world.client(PEOPLE["admin"])
    page = c.get("/region?sort=volume").text
    assert 'href="/region.xlsx?sort=volume"' in page
    got = c.get("/region.xlsx?sort=volume")
    assert got.status_code == 200, got.text
    assert got.headers["content-type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml"
    )
    assert "attachment" in got.headers["content-disposition"]
    sheet = load_workbook(io.BytesIO(got.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    header = list(rows[1])
    table = [dict(zip(header, r, strict=True)) for r in rows[2:]]
    codes = re.findall(r'<tr data-county="(\d{6})"', page)
    assert [t["区县代码 County code"] for t in table] == codes
    heshuo = next(t for t in table if t["区县代码 County code"] == HESHUO)
    assert heshuo["区县 County"] == "和硕县" and heshuo["模拟数据 Simulated data"] is True
    assert heshuo["覆盖率含估算村庄 Coverage from estimated villages"] is True
    share = heshuo["建制村服务站覆盖率 Villages with a station"]
    assert isinstance(share, float) and 0 <= share <= 1
    met, targets = heshuo["达成目标数 Targets met (count)"], heshuo["目标数 Targets"]
    assert heshuo["目标达成 Targets met"] == (None if met is None else met / targets)
    assert heshuo["失信名单 Blacklisted"] is None or heshuo["失信名单 Blacklisted"] >= 0
    # a prefecture's regulator gets its counties only; a county's regulator none
    mine = load_workbook(io.BytesIO(world.client(BAYINGOLIN).get("/region.xlsx").content))
    assert [r[0] for r in mine.active.iter_rows(min_row=3, values_only=True)] == [HESHUO]
    assert world.client(PEOPLE["regulator"]).get("/region.xlsx").status_code == 403
