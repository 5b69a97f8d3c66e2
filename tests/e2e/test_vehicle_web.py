"""车辆 The vehicles page (issue 14, task 18): the registry with its flags and indicators, in
Chinese first; an upload refused whole with every bad row shown, then a good one stored."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from test_vehicle_api import ROWS, csv_of

from countyexpress import bootstrap
from countyexpress.entrypoints.api.app import create_app
from countyexpress.services import counties as county_service
from countyexpress.settings import Settings
from support.web import PEOPLE, add_user, csrf_of, log_in

CODE = "652828"
PAGE = f"/counties/{CODE}/vehicles"


@pytest.fixture
def app(tmp_path: Path) -> Iterator[object]:
    """Heshuo with an empty registry (loaded through the service) and a user of each role."""
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'vw.db'}", data_dir=tmp_path)
    engine = bootstrap.open_engine(settings)
    county_service.load_county(bootstrap.uow_factory(engine)(),
                               bootstrap.read_pack_source("heshuo"))  # fmt: skip
    for who in PEOPLE.values():
        add_user(engine, who)
    yield create_app(settings, engine)
    engine.dispose()


def as_(app: object, role: str) -> TestClient:
    client = TestClient(app, follow_redirects=False)  # type: ignore[arg-type]
    log_in(client, PEOPLE[role].name)
    return client


def upload(client: TestClient, data: bytes, name: str = "fleet.csv") -> tuple[int, str]:
    token = csrf_of(client.get(PAGE).text)
    r = client.post(f"{PAGE}/import", data={"csrf_token": token},
                    files={"file": (name, data, "text/csv")})  # fmt: skip
    if r.status_code == 303:
        return 303, client.get(r.headers["location"]).text
    return r.status_code, r.text


def test_a_bad_row_is_shown_and_nothing_stored_then_a_good_list_is(app: object) -> None:
    client = as_(app, "regulator")
    page = client.get(PAGE).text
    assert "车辆" in page and 'id="vehicles-upload"' in page
    bad = ROWS[1].replace("HS-KD-A-002", "XX-2")
    status, page = upload(client, csv_of(ROWS[0], bad))
    assert status == 422
    assert re.search(r'data-line="3" data-field="number"', page)
    assert "data-vehicle=" not in page  # nothing stored
    status, page = upload(client, csv_of(*ROWS))
    assert status == 303 and 'id="vehicles-done"' in page
    assert page.count("data-vehicle=") == 3
    lapsed = re.search(r'<tr data-vehicle="HS-KD-A-002"[^>]*>', page)
    assert lapsed and 'data-uninsured="1"' in lapsed.group(0)  # insured until 2020
    assert "ZT-0007" in page and "电动三轮车" in page
    assert 'data-indicator="new_energy_vehicle_share"' in page
    assert "66.7%" in page  # two of three new energy


def test_the_centre_reads_the_page_without_the_form_and_finds_it_in_the_navigation(
    app: object,
) -> None:
    client = as_(app, "centre_operator")
    page = client.get(PAGE)
    assert page.status_code == 200 and 'id="vehicles-upload"' not in page.text
    assert f'href="{PAGE}"' in client.get(f"/counties/{CODE}/overview").text
    token = csrf_of(page.text)
    r = client.post(f"{PAGE}/import", data={"csrf_token": token},
                    files={"file": ("f.csv", csv_of(*ROWS), "text/csv")})  # fmt: skip
    assert r.status_code == 403
    assert as_(app, "driver").get(PAGE).status_code == 403
