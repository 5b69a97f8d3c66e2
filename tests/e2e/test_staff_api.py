"""The staff registry over HTTP: the list and one member masked (never an ID number), a
carrier's key sees its own carrier's staff only, an import refused whole with each problem
by file, line and field (FileProblems), training recorded by the regulator — and the gate it
opens for a run."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from openpyxl import Workbook

from countyexpress import bootstrap
from countyexpress.adapters.packs import builtin_pack_path
from countyexpress.domain.county_time import county_today
from countyexpress.entrypoints.api.app import create_app
from countyexpress.services import counties, vehicles
from countyexpress.settings import Settings
from support.web import PEOPLE, add_key, add_user, csrf_of, log_in

ID, ID2 = "11010519491231002X", "110105199003071239"
HEADER = "staff_no,employer,occupation,name,id_number,phone,level\n"
GOOD = (f"{HEADER}S1,zto,courier,王小明,{ID},13800138000,4\n"
        f"S2,jt,handler,李四,{ID2},13800138001,\n")  # fmt: skip
URL = "/api/v1/counties/652828/staff"


@pytest.fixture
def world(tmp_path: Path) -> Iterator[tuple[object, str]]:
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'api.db'}")
    engine = bootstrap.open_engine(settings)
    counties.load_county(bootstrap.uow_factory(engine)(), bootstrap.read_pack_source("heshuo"))
    pack = builtin_pack_path("heshuo") or Path("heshuo")
    vehicles.load_pack_vehicles(bootstrap.uow_factory(engine)(), "652828", pack)  # registry
    for who in PEOPLE.values():
        add_user(engine, who)
    yield create_app(settings, engine), add_key(engine, "zto")
    engine.dispose()


def as_(app: object, role: str) -> tuple[TestClient, dict[str, str]]:
    client = TestClient(app)  # type: ignore[arg-type]
    log_in(client, PEOPLE[role].name)
    return client, {"X-CSRF-Token": csrf_of(client.get("/login").text)}


def upload(client: TestClient, h: dict[str, str], name: str, data: bytes) -> Any:
    return client.post(f"{URL}/import", headers=h, files={"file": (name, data, "text/csv")})


def test_import_list_and_show_masked_a_carrier_sees_its_own(world: tuple[object, str]) -> None:
    app, key = world
    reg, h = as_(app, "regulator")
    done = upload(reg, h, "staff.csv", GOOD.encode())
    assert done.status_code == 201
    assert done.json() == {"county": "652828", "stored": 2}
    listed = reg.get(URL, headers=h)
    assert listed.status_code == 200
    rows = {r["staff_no"]: r for r in listed.json()}
    assert rows["S1"]["name"] == "王**" and rows["S1"]["level"] == 4
    assert rows["S1"]["training"] == "untrained"
    one = reg.get(f"{URL}/S1", headers=h)
    assert one.status_code == 200 and one.json()["occupation"] == "4-02-07-08"
    text = listed.text + one.text
    assert "王小明" not in text and ID not in text and "13800138000" not in text
    carrier = TestClient(app)  # type: ignore[arg-type]
    mine = carrier.get(URL, headers={"X-API-Key": key})
    assert [r["staff_no"] for r in mine.json()] == ["S1"]
    assert carrier.get(f"{URL}/S2", headers={"X-API-Key": key}).status_code == 404
    assert carrier.get(f"{URL}/S1", headers={"X-API-Key": key}).status_code == 200
    refused = carrier.post(f"{URL}/S1/training", headers={"X-API-Key": key},
                           json={"on": county_today().isoformat(), "pre_job": True})  # fmt: skip
    assert refused.status_code == 403
    keeper, kh = as_(app, "station_keeper")
    assert keeper.get(URL, headers=kh).status_code == 403


def test_a_bad_list_is_refused_whole_naming_file_line_and_field(
    world: tuple[object, str],
) -> None:
    app, _ = world
    reg, h = as_(app, "regulator")
    bad = f"{HEADER}S1,zto,courier,王小明,{ID},13800138000,4\nS2,zto,pilot,李四,{ID2},138,9\n"
    r = upload(reg, h, "staff.csv", bad.encode())
    assert r.status_code == 422
    body = r.json()
    where = {(p["file"], p["line"], p["field"]) for p in body["problems"]}
    assert {("staff.csv", 3, "occupation"), ("staff.csv", 3, "phone"),
            ("staff.csv", 3, "level")} <= where  # fmt: skip
    assert reg.get(URL, headers=h).json() == []  # nothing stored
    wb = Workbook()
    wb.active.append(["staff_no", "employer", "occupation", "name", "id_number", "phone"])
    wb.active.append(["S3", "nobody", "courier", "张三", ID, "13800138002"])
    buf = io.BytesIO()
    wb.save(buf)
    sheet = {"file": ("staff.xlsx", buf.getvalue(), "application/octet-stream")}
    xlsx = reg.post(f"{URL}/import", headers=h, files=sheet)
    assert xlsx.status_code == 422
    assert xlsx.json()["problems"][0]["field"] == "employer"
    wrong = upload(reg, h, "staff.txt", b"x")
    assert wrong.status_code == 422


def test_training_by_the_regulator_opens_the_gate_for_a_run(world: tuple[object, str]) -> None:
    app, _ = world
    reg, h = as_(app, "regulator")
    upload(reg, h, "staff.csv", GOOD.encode())
    centre, ch = as_(app, "centre_operator")
    body = {"county": "652828", "route_bag": "HS-STA-01", "vehicle": "HS-V02", "driver": "S1"}
    refused = centre.post("/api/v1/centre/HS-CENTER/dispatch", headers=ch, json=body)
    assert refused.status_code == 409 and "no pre-job training" in refused.json()["detail"]
    trained = reg.post(f"{URL}/S1/training", headers=h,
                       json={"on": county_today().isoformat(), "pre_job": True})  # fmt: skip
    assert trained.status_code == 200 and trained.json()["training"] == "ok"
    sent = centre.post("/api/v1/centre/HS-CENTER/dispatch", headers=ch, json=body)
    assert sent.status_code == 200
