"""The 从业人员 page: masked names, training due days and insurance; the regulator's import
all or nothing with the refused rows by file, line and field; the centre screen refuses to
dispatch onto a vehicle whose courier has no pre-job training, in Chinese."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from countyexpress import bootstrap
from countyexpress.adapters.db.uow import SqlUnitOfWork
from countyexpress.domain.vehicles import RegisteredVehicle
from countyexpress.entrypoints.api.app import create_app
from countyexpress.services import counties, vehicles
from countyexpress.settings import Settings
from support.web import PEOPLE, add_user, csrf_of, log_in

ID, ID2 = "11010519491231002X", "110105199003071239"
HEADER = "staff_no,employer,occupation,name,id_number,phone,level,pre_job_trained_on\n"
GOOD = (f"{HEADER}S1,zto,courier,王小明,{ID},13800138000,4,\n"
        f"S2,HS-STA-01,handler,李四,{ID2},13800138001,,2026-03-01\n")  # fmt: skip


@pytest.fixture
def world(tmp_path: Path) -> Iterator[tuple[object, Engine]]:
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'web.db'}")
    engine = bootstrap.open_engine(settings)
    counties.load_county(bootstrap.uow_factory(engine)(), bootstrap.read_pack_source("heshuo"))
    for who in PEOPLE.values():
        add_user(engine, who)
    yield create_app(settings, engine), engine
    engine.dispose()


def as_(app: object, role: str) -> tuple[TestClient, str]:
    client = TestClient(app)  # type: ignore[arg-type]
    log_in(client, PEOPLE[role].name)
    return client, csrf_of(client.get("/counties/652828/staff").text)


def send(client: TestClient, csrf: str, name: str, data: bytes) -> Any:
    files = {"file": (name, data, "text/csv")}
    return client.post("/counties/652828/staff/import", data={"csrf_token": csrf},
                       files=files, follow_redirects=False)  # fmt: skip


def test_the_staff_page_imports_all_or_nothing_and_shows_names_masked(
    world: tuple[object, Engine],
) -> None:
    app, _ = world
    reg, csrf = as_(app, "regulator")
    page = reg.get("/counties/652828/staff")
    assert page.status_code == 200 and "从业人员" in page.text and "staff-import-form" in page.text
    wrong = f"{HEADER}S1,zto,pilot,王小明,{ID},13800138000,9,\n"
    bad = send(reg, csrf, "staff.csv", wrong.encode())
    assert bad.status_code == 422
    text = bad.text
    assert "staff.csv line 2: occupation" in text and "staff.csv line 2: level" in text
    assert "王小明" not in text and 'data-staff="S1"' not in text  # nothing stored
    done = send(reg, csrf, "staff.csv", GOOD.encode())
    assert done.status_code == 303
    page = reg.get(done.headers["location"])
    assert 'data-staff="S1"' in page.text and 'data-staff="S2"' in page.text
    assert "王**" in page.text and "王小明" not in page.text and ID not in page.text
    assert 'data-training="untrained"' in page.text and 'data-training="ok"' in page.text
    assert "13800138000" not in page.text
    keeper, _ = as_(app, "station_keeper")
    assert keeper.get("/counties/652828/staff").status_code == 403
    centre, c_csrf = as_(app, "centre_operator")
    assert send(centre, c_csrf, "staff.csv", GOOD.encode()).status_code == 403


def test_the_centre_screen_refuses_a_courier_without_pre_job_training_in_chinese(
    world: tuple[object, Engine],
) -> None:
    app, engine = world
    reg, csrf = as_(app, "regulator")
    send(reg, csrf, "staff.csv", GOOD.encode())
    van = RegisteredVehicle("HS-KD-WEB-01", "新F-WEB01", "van", courier_staff_no="S1",
                            routing={"code": "VAN-WEB", "capacity_parcels": 100})  # fmt: skip
    vehicles.replace_fleet(SqlUnitOfWork(engine), "652828", [van], by="test", source="-")
    centre = TestClient(app)  # type: ignore[arg-type]
    log_in(centre, PEOPLE["centre_operator"].name)
    token = csrf_of(centre.get("/counties/652828/centre/HS-CENTER").text)
    form = {"csrf_token": token, "route_bag": "HS-STA-01", "vehicle": "VAN-WEB"}
    r = centre.post("/counties/652828/centre/HS-CENTER/dispatch", data=form)
    assert r.status_code == 422
    assert "S1 不能出车：未记录岗前培训" in r.text
