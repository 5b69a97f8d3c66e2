"""/api/v1/counties/{code}/health and the 卫生防疫 page: levels, checklists, logs and the
contactless share over HTTP (issue 14, tasks 15-16). Regulators set levels; a keeper logs
its own station only."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from countyexpress import bootstrap
from countyexpress.domain.county_time import county_today
from countyexpress.entrypoints.api.app import create_app
from countyexpress.services import counties as county_service
from countyexpress.settings import Settings
from support.web import PEOPLE, add_user, csrf_of, log_in

CODE = "652828"
API = f"/api/v1/counties/{CODE}/health"
PAGE = f"/counties/{CODE}/health"
WUSHI = "652828200000"  # HS-STA-01..07


@pytest.fixture
def app(tmp_path: Path) -> Iterator[object]:
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'ph.db'}", data_dir=tmp_path)
    engine = bootstrap.open_engine(settings)
    county_service.load_county(bootstrap.uow_factory(engine)(),
                               bootstrap.read_pack_source("heshuo"))  # fmt: skip
    for who in PEOPLE.values():
        add_user(engine, who)
    yield create_app(settings, engine)
    engine.dispose()


def as_(app: object, role: str) -> tuple[TestClient, dict[str, str]]:
    client = TestClient(app, follow_redirects=False)  # type: ignore[arg-type]
    log_in(client, PEOPLE[role].name)
    return client, {"X-CSRF-Token": csrf_of(client.get("/login").text)}


def test_a_level_set_by_the_regulator_puts_a_checklist_on_each_station(app: object) -> None:
    """The regulator sets 高风险; the keeper logs its own station and sees only its list."""
    today = county_today().isoformat()
    reg, h = as_(app, "regulator")
    r = reg.post(f"{API}/levels", headers=h, json={"township": WUSHI, "level": "high",
                                                   "from": today})  # fmt: skip
    assert r.status_code == 201 and r.json()["from"] == today
    keeper, kh = as_(app, "station_keeper")
    done = keeper.post(f"{API}/logs/HS-STA-01", headers=kh,
                       json={"done": ["ventilation", "disinfection"]})  # fmt: skip
    assert done.status_code == 201 and done.json()["done"] == ["disinfection", "ventilation"]
    assert keeper.post(f"{API}/logs/HS-STA-02", headers=kh,
                       json={"done": ["ventilation"]}).status_code == 403  # fmt: skip
    seen = keeper.get(API).json()
    assert seen["levels"] == {WUSHI: "high"}
    assert [f["facility"] for f in seen["facilities"]] == ["HS-STA-01"]
    assert "passes" in seen["facilities"][0]["missing"]
    every = reg.get(API).json()["facilities"]
    assert len([f for f in every if f["township"] == WUSHI]) == 7


def test_refusals_name_the_unknown_level_or_measure(app: object) -> None:
    """422 naming what is unknown; a keeper may set no level (403)."""
    reg, h = as_(app, "regulator")
    r = reg.post(f"{API}/levels", headers=h, json={"township": WUSHI, "level": "severe",
                                                   "from": "2022-05-01"})  # fmt: skip
    assert r.status_code == 422 and "severe" in r.text
    r = reg.post(f"{API}/logs/HS-STA-01", headers=h, json={"done": ["ventilation", "mopping"]})
    assert r.status_code == 422 and "mopping" in r.text
    keeper, kh = as_(app, "station_keeper")
    r = keeper.post(f"{API}/levels", headers=kh, json={"township": WUSHI, "level": "high",
                                                       "from": "2022-05-01"})  # fmt: skip
    assert r.status_code == 403


def test_the_contactless_share_is_empty_without_deliveries(app: object) -> None:
    """No deliveries: no share, no months."""
    reg, _ = as_(app, "regulator")
    r = reg.get(f"{API}/contactless", params={"year": 2022})
    assert r.status_code == 200 and r.json() == {"year": 2022, "share": None, "months": [],
                                                 "townships": []}  # fmt: skip


def test_the_regulator_sets_a_level_and_the_keeper_logs_its_station(app: object) -> None:
    """Chinese first: 卫生防疫 in the navigation; the missing measures shrink once logged."""
    today = county_today().isoformat()
    reg, _ = as_(app, "regulator")
    page = reg.get(PAGE)
    assert page.status_code == 200 and "卫生防疫" in page.text and "无接触配送占比" in page.text
    r = reg.post(f"{PAGE}/levels", data={"csrf_token": csrf_of(page.text), "township": WUSHI,
                                         "level": "high", "from_day": today})  # fmt: skip
    assert r.status_code == 303 and "done=level" in r.headers["location"]
    shown = reg.get(r.headers["location"]).text
    assert f'data-township="{WUSHI}" data-level="high"' in shown and "高风险" in shown
    keeper, _ = as_(app, "station_keeper")
    mine = keeper.get(PAGE)
    assert 'data-facility="HS-STA-01"' in mine.text and 'data-facility="HS-STA-02"' not in mine.text
    r = keeper.post(f"{PAGE}/logs/HS-STA-01", data={"csrf_token": csrf_of(mine.text),
                    "day": today, "done": ["ventilation", "disinfection"]})  # fmt: skip
    assert r.status_code == 303 and "done=log" in r.headers["location"]
    after = keeper.get(PAGE).text
    assert 'data-missing="staff_protection,supplies_in_stock,contactless_delivery,passes"' in after
    other = keeper.post(f"{PAGE}/logs/HS-STA-02", data={"csrf_token": csrf_of(after),
                        "day": today, "done": "ventilation"})  # fmt: skip
    assert other.status_code == 403


def test_an_unknown_measure_comes_back_as_a_message_on_the_page(app: object) -> None:
    """The refusal names the code; nothing is logged."""
    reg, _ = as_(app, "regulator")
    page = reg.get(PAGE).text
    r = reg.post(f"{PAGE}/logs/HS-STA-01", data={"csrf_token": csrf_of(page),
                 "day": county_today().isoformat(), "done": "mopping"})  # fmt: skip
    assert r.status_code == 303 and "error=" in r.headers["location"]
    assert "mopping" in reg.get(r.headers["location"]).text
