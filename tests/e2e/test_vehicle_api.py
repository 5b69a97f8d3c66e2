"""/api/v1/counties/{code}/vehicles: the vehicle registry over HTTP (issue 14, task 18).

Read by the regulator, the administrator and the centre's operator; a carrier's key reads
its own carrier's vehicles only; an upload replaces the fleet all or nothing, refused with
each problem by file, line and field; every import is in the history."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from openpyxl import Workbook

from countyexpress import bootstrap
from countyexpress.adapters.packs.reader import builtin_pack_path
from countyexpress.adapters.packs.vehicles import pack_registry
from countyexpress.entrypoints.api.app import create_app
from countyexpress.services import counties as county_service
from countyexpress.services import vehicles as vehicle_service
from countyexpress.settings import Settings
from support.web import PEOPLE, add_key, add_user, csrf_of, log_in

CODE = "652828"
API = f"/api/v1/counties/{CODE}/vehicles"
HEADER = ("code,kind,plate,number,capacity_parcels,capacity_kg,capacity_m3,cost_per_km,"
          "cost_per_hour,refrigerated,new_energy,max_hours,range_km,owner,insured_until,"
          "marked,courier_staff_no,priority_permit")  # fmt: skip
ROWS = (
    "V1,van,新F-A0001,HS-KD-A-001,500,1200,8,1.2,35,0,1,9,250,zto,2099-12-31,1,ZT-0007,1",
    "V2,van,新F-A0002,HS-KD-A-002,500,1200,8,1.2,35,0,0,9,,jt,2020-01-31,0,,0",
    "T1,etricycle,,HS-KD-A-T01,120,300,1.5,0.15,25,0,1,8,80,centre,,1,,0",
)


def csv_of(*rows: str) -> bytes:
    return ("\n".join((HEADER, *rows)) + "\n").encode("utf-8")


@pytest.fixture
def app(tmp_path: Path) -> Iterator[object]:
    """Heshuo loaded with its pack's registry (as `county load` does), a user of each role."""
    settings = Settings(database_url=f"sqlite:///{tmp_path / 've.db'}", data_dir=tmp_path)
    engine = bootstrap.open_engine(settings)
    uow = bootstrap.uow_factory(engine)
    county_service.load_county(uow(), bootstrap.read_pack_source("heshuo"))
    folder = builtin_pack_path("heshuo")
    assert folder is not None
    vehicle_service.replace_fleet(uow(), CODE, pack_registry(folder), by="test", source="pack")
    for who in PEOPLE.values():
        add_user(engine, who)
    application = create_app(settings, engine)
    application.state.test_engine = engine
    yield application
    engine.dispose()


def as_(app: object, role: str) -> tuple[TestClient, dict[str, str]]:
    """A client logged in as `role`, with the CSRF header for unsafe methods."""
    client = TestClient(app, follow_redirects=False)  # type: ignore[arg-type]
    log_in(client, PEOPLE[role].name)
    return client, {"X-CSRF-Token": csrf_of(client.get("/login").text)}


def upload(app: object, name: str, data: bytes, role: str = "regulator") -> tuple[int, dict]:
    client, headers = as_(app, role)
    r = client.post(f"{API}/import", headers=headers, files={"file": (name, data, "text/csv")})
    return r.status_code, r.json()


def test_the_regulator_lists_the_registry_without_personal_data(app: object) -> None:
    """Kind, capacity, flags and the courier by staff number only."""
    client, _ = as_(app, "regulator")
    r = client.get(API)
    assert r.status_code == 200, r.text
    listed = r.json()
    assert len(listed) == 6
    tricycle = next(v for v in listed if v["unified_no"] == "HS-KD-DEMO-T01")
    assert tricycle["kind"] == "etricycle" and tricycle["speed_kmh"] == 15.0
    assert tricycle["capacity_parcels"] == 120
    assert set(tricycle) >= {"courier_staff_no", "insured_until", "marked", "priority_permit"}
    assert not {"routing", "note", "name", "phone"} & set(tricycle)


def test_a_good_file_replaces_the_fleet_and_is_in_the_history(app: object) -> None:
    status, body = upload(app, "fleet.csv", csv_of(*ROWS))
    assert (status, body["count"]) == (201, 3), body
    client, _ = as_(app, "regulator")
    listed = {v["unified_no"]: v for v in client.get(API).json()}
    assert sorted(listed) == ["HS-KD-A-001", "HS-KD-A-002", "HS-KD-A-T01"]
    assert listed["HS-KD-A-001"]["courier_staff_no"] == "ZT-0007"
    assert listed["HS-KD-A-001"]["insured_today"] is True
    assert listed["HS-KD-A-002"]["insured_today"] is False  # insured until 2020
    history = client.get(f"{API}/imports").json()
    assert (history[0]["by"], history[0]["source"], history[0]["count"]) == ("reg", "fleet.csv", 3)
    assert client.get(f"{API}/新F-A0002").json()["owner"] == "jt"  # by plate too


def test_an_xlsx_list_is_imported_too(app: object) -> None:
    wb = Workbook()
    for line in (HEADER, *ROWS[:2]):
        wb.active.append([c if c else None for c in line.split(",")])
    out = io.BytesIO()
    wb.save(out)
    status, body = upload(app, "fleet.xlsx", out.getvalue())
    assert (status, body["count"]) == (201, 2), body


def test_a_bad_number_and_a_plate_twice_refuse_the_whole_upload(app: object) -> None:
    """422 FileProblems naming file, line and field; the fleet stays as it was."""
    bad = ROWS[1].replace("HS-KD-A-002", "XX-2")
    twice = ROWS[2].replace("T1,etricycle,,", "T1,etricycle,新F-A0001,")
    status, body = upload(app, "fleet.csv", csv_of(ROWS[0], bad, twice))
    assert status == 422, body
    located = {(p["file"], p["line"], p["field"]) for p in body["problems"]}
    assert located == {("fleet.csv", 3, "number"), ("fleet.csv", 4, "plate")}
    assert "nothing was stored" in body["detail"]
    client, _ = as_(app, "regulator")
    assert len(client.get(API).json()) == 6
    assert client.get(f"{API}/imports").json()[0]["source"] == "pack"


@pytest.mark.parametrize(
    ("name", "data"),
    [("fleet.txt", b"x"), ("fleet.xlsx", b"not a workbook"), ("fleet.csv", b"\xff\xfe\x00")],
)
def test_a_file_that_is_no_list_is_refused_by_name(app: object, name: str, data: bytes) -> None:
    status, body = upload(app, name, data)
    assert status == 422, body
    assert body["problems"][0]["file"] == name


def test_the_centre_reads_but_cannot_import_and_a_driver_cannot_read(app: object) -> None:
    """The numbering is the regulator's: the centre's operator reads the registry only."""
    client, _ = as_(app, "centre_operator")
    assert client.get(API).status_code == 200
    assert client.get(f"{API}/imports").status_code == 200
    assert upload(app, "fleet.csv", csv_of(*ROWS), "centre_operator")[0] == 403
    assert upload(app, "fleet.csv", csv_of(*ROWS), "admin")[0] == 201
    driver, _ = as_(app, "driver")
    assert driver.get(API).status_code == 403


def test_a_carrier_key_sees_its_own_vehicles_only(app: object) -> None:
    """zto's key: its van; J&T's van answers as one never registered."""
    assert upload(app, "fleet.csv", csv_of(*ROWS))[0] == 201
    engine = app.state.test_engine  # type: ignore[attr-defined]
    client = TestClient(app)  # type: ignore[arg-type]
    key = {"X-API-Key": add_key(engine, "zto")}
    assert [v["unified_no"] for v in client.get(API, headers=key).json()] == ["HS-KD-A-001"]
    assert client.get(f"{API}/HS-KD-A-001", headers=key).status_code == 200
    other = client.get(f"{API}/HS-KD-A-002", headers=key)
    missing = client.get(f"{API}/HS-KD-A-999", headers=key)
    assert other.status_code == missing.status_code == 404
    assert other.json()["detail"].replace("002", "999") == missing.json()["detail"]
    assert client.get(f"{API}/imports", headers=key).status_code == 403
    files = {"file": ("f.csv", csv_of(*ROWS), "text/csv")}
    assert client.post(f"{API}/import", headers=key, files=files).status_code == 403


def test_the_openapi_document_declares_the_shapes(app: object) -> None:
    client = TestClient(app)  # type: ignore[arg-type]
    doc = client.get("/api/v1/openapi.json").json()
    post = doc["paths"][f"{API.replace(CODE, '{code}')}/import"]["post"]
    refusal = post["responses"]["422"]["content"]["application/json"]["schema"]["anyOf"]
    assert {"$ref": "#/components/schemas/FileProblems"} in refusal
    assert "VehicleImportedPublic" in str(post["responses"]["201"])
    listed = doc["paths"][API.replace(CODE, "{code}")]["get"]["responses"]["200"]
    assert "VehiclePublic" in str(listed)
    assert "#/components/schemas/VehicleImportPublic" in str(
        doc["paths"][f"{API.replace(CODE, '{code}')}/imports"]
    )
