"""The 卫生防疫 page: township levels, the day's checklist with its log form, the
contactless share; the regulator sets a level, a keeper logs its own station's measures."""

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

PAGE = "/counties/652828/health"
WUSHI = "652828200000"


@pytest.fixture
def app(tmp_path: Path) -> Iterator[object]:
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'pw.db'}", data_dir=tmp_path)
    engine = bootstrap.open_engine(settings)
    county_service.load_county(bootstrap.uow_factory(engine)(),
                               bootstrap.read_pack_source("heshuo"))  # fmt: skip
    for who in PEOPLE.values():
        add_user(engine, who)
    yield create_app(settings, engine)
    engine.dispose()


def client_of(app: object, role: str) -> TestClient:
    client = TestClient(app, follow_redirects=False)  # type: ignore[arg-type]
    log_in(client, PEOPLE[role].name)
    return client


def test_the_regulator_sets_a_level_and_the_keeper_logs_its_station(app: object) -> None:
    """Chinese first: 卫生防疫 in the navigation; the missing measures shrink once logged."""
    today = county_today().isoformat()
    reg = client_of(app, "regulator")
    page = reg.get(PAGE)
    assert page.status_code == 200 and "卫生防疫" in page.text and "无接触配送占比" in page.text
    r = reg.post(f"{PAGE}/levels", data={"csrf_token": csrf_of(page.text), "township": WUSHI,
                                         "level": "high", "from_day": today})  # fmt: skip
    assert r.status_code == 303 and "done=level" in r.headers["location"]
    shown = reg.get(r.headers["location"]).text
    assert f'data-township="{WUSHI}" data-level="high"' in shown and "高风险" in shown
    keeper = client_of(app, "station_keeper")
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
    reg = client_of(app, "regulator")
    page = reg.get(PAGE).text
    r = reg.post(f"{PAGE}/logs/HS-STA-01", data={"csrf_token": csrf_of(page),
                 "day": county_today().isoformat(), "done": "mopping"})  # fmt: skip
    assert r.status_code == 303 and "error=" in r.headers["location"]
    assert "mopping" in reg.get(r.headers["location"]).text
