"""The down flow over HTTP: a carrier's system pushes a manifest, the centre sorts and
dispatches, the station shelves and hands over, anyone looks the parcel up, masked."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from countyexpress import bootstrap
from countyexpress.adapters.packs import builtin_pack_path
from countyexpress.entrypoints.api.app import create_app
from countyexpress.services import counties, vehicles
from countyexpress.settings import Settings
from support.web import PEOPLE, add_key, add_user, csrf_of, log_in

PHONE = "13512345678"
ITEM = {
    "waybill_no": "ZT7500000000001",
    "receiver_name": "马丽",
    "receiver_phone": PHONE,
    "address": "和硕县乌什塔拉回族乡大庄子村7号",
}


@pytest.fixture
def app_and_key(tmp_path: Path) -> Iterator[tuple[object, str]]:
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'api.db'}")
    engine = bootstrap.open_engine(settings)
    counties.load_county(bootstrap.uow_factory(engine)(), bootstrap.read_pack_source("heshuo"))
    pack = builtin_pack_path("heshuo") or Path("heshuo")
    vehicles.load_pack_vehicles(bootstrap.uow_factory(engine)(), "652828", pack)  # registry
    add_user(engine, PEOPLE["centre_operator"])
    yield create_app(settings, engine), add_key(engine, "zto")
    engine.dispose()


def staff(app: object) -> tuple[TestClient, dict[str, str]]:
    client = TestClient(app)  # type: ignore[arg-type]
    log_in(client, PEOPLE["centre_operator"].name)
    return client, {"X-CSRF-Token": csrf_of(client.get("/login").text)}


def test_a_parcel_flows_down_through_the_api(app_and_key: tuple[object, str]) -> None:
    """Manifest by API key, consent, sort, dispatch, shelve, hand over; answers masked."""
    app, key = app_and_key
    carrier = TestClient(app)  # type: ignore[arg-type]
    pushed = carrier.post(
        "/api/v1/manifests", headers={"X-API-Key": key}, json={"county": "652828", "items": [ITEM]}
    )
    assert pushed.status_code == 200 and pushed.json()["accepted"] == 1
    client, h = staff(app)
    r = client.post(
        "/api/v1/consents",
        headers=h,
        json={"county": "652828", "phone": PHONE, "choice": "station"},
    )
    assert r.status_code == 200
    # the manifest came before the consent: the centre's decision is door, flagged
    [sorted_] = client.post(
        "/api/v1/centre/HS-CENTER/inbound",
        headers=h,
        json={"county": "652828", "waybills": [ITEM["waybill_no"]]},
    ).json()
    assert sorted_["route_bag"].startswith("DOOR-")
    sent = client.post(
        "/api/v1/centre/HS-CENTER/dispatch",
        headers=h,
        json={"county": "652828", "route_bag": sorted_["route_bag"], "vehicle": "新F-DEMO01"},
    ).json()
    assert sent["waybills"] == [ITEM["waybill_no"]]
    refused = client.post(
        "/api/v1/stations/HS-STA-01/inbound",
        headers=h,
        json={"county": "652828", "waybills": [ITEM["waybill_no"]]},
    ).json()
    assert refused["stored"] == [] and "no consent" in refused["refused"][0]["reason"]
    parcel = client.get(f"/api/v1/parcels/{ITEM['waybill_no']}", headers=h).json()
    assert parcel["state"] == "in_transit"
    body = str(parcel) + str(pushed.json())
    assert PHONE not in body and "马丽" not in body


def test_a_carrier_key_cannot_push_another_carriers_manifest(app_and_key) -> None:
    """A ZTO key sending an SF manifest is refused."""
    app, key = app_and_key
    r = TestClient(app).post(
        "/api/v1/manifests",
        headers={"X-API-Key": key},  # type: ignore[arg-type]
        json={"county": "652828", "carrier": "sf", "items": [ITEM]},
    )
    assert r.status_code == 403


def test_a_bad_manifest_item_is_named_without_echoing_personal_data(app_and_key) -> None:
    """All or nothing; the 422 of a malformed body repeats no values."""
    app, key = app_and_key
    c = TestClient(app)  # type: ignore[arg-type]
    bad = dict(ITEM, receiver_phone="12")
    r = c.post(
        "/api/v1/manifests",
        headers={"X-API-Key": key},
        json={"county": "652828", "items": [ITEM | {"waybill_no": "ZT7500000000002"}, bad]},
    )
    assert r.json()["accepted"] == 0 and r.json()["rejected"][0]["line"] == 2
    malformed = c.post(
        "/api/v1/manifests", headers={"X-API-Key": key}, json={"county": "652828", "items": PHONE}
    )
    assert malformed.status_code == 422 and PHONE not in malformed.text


def test_the_public_lookup_is_masked_and_rate_limited(app_and_key) -> None:
    """Anyone with waybill + tail sees masks; the 21st try in ten minutes is refused."""
    app, key = app_and_key
    c = TestClient(app)  # type: ignore[arg-type]
    c.post(
        "/api/v1/manifests", headers={"X-API-Key": key}, json={"county": "652828", "items": [ITEM]}
    )
    found = c.post(
        "/api/v1/parcels/lookup", json={"waybill_no": ITEM["waybill_no"], "phone_tail": "5678"}
    )
    assert found.status_code == 200
    assert found.json()["receiver"] == "马*" and found.json()["receiver_phone"] == "*******5678"
    codes = [
        c.post(
            "/api/v1/parcels/lookup",
            json={"waybill_no": ITEM["waybill_no"], "phone_tail": f"{i:04d}"},
        ).status_code
        for i in range(20)
    ]
    assert set(codes[:19]) == {404} and codes[19] == 429


def test_full_receiver_data_is_for_deliverers_and_every_read_is_audited(app_and_key) -> None:
    """The centre operator reads the receiver in clear, and the audit log says so."""
    app, key = app_and_key
    TestClient(app).post(  # type: ignore[arg-type]
        "/api/v1/manifests", headers={"X-API-Key": key}, json={"county": "652828", "items": [ITEM]}
    )
    client, _ = staff(app)
    r = client.get(f"/api/v1/counties/652828/parcels/{ITEM['waybill_no']}/receiver")
    assert r.status_code == 200
    assert (r.json()["name"], r.json()["phone"]) == ("马丽", PHONE)
    engine = app.state.engine  # type: ignore[attr-defined]
    from countyexpress.adapters.db.uow import SqlUnitOfWork
    from countyexpress.domain.access import SYSTEM
    from countyexpress.services import accounts

    [entry] = accounts.audit_log(SqlUnitOfWork(engine), SYSTEM, "652828")
    assert (entry.subject, entry.resource) == (ITEM["waybill_no"], "personal_data")
    assert PHONE not in str(entry)


def test_the_regulator_sees_who_read_personal_data_on_the_audit_page_and_api(
    app_and_key,
) -> None:
    """The operator's read of a receiver shows on the regulator's audit page and API with
    the operator's name and the waybill, never the phone; the operator cannot see it."""
    app, key = app_and_key
    TestClient(app).post(  # type: ignore[arg-type]
        "/api/v1/manifests", headers={"X-API-Key": key}, json={"county": "652828", "items": [ITEM]}
    )
    operator, _ = staff(app)
    for _ in range(2):
        operator.get(f"/api/v1/counties/652828/parcels/{ITEM['waybill_no']}/receiver")
    add_user(app.state.engine, PEOPLE["regulator"])  # type: ignore[attr-defined]
    regulator = TestClient(app)  # type: ignore[arg-type]
    log_in(regulator, PEOPLE["regulator"].name)
    lines = regulator.get("/api/v1/counties/652828/audit").json()
    assert [(x["who"], x["role"], x["subject"]) for x in lines] == [
        ("centre", "centre_operator", ITEM["waybill_no"])
    ] * 2
    page = regulator.get("/counties/652828/audit")
    assert page.status_code == 200 and "审计日志" in page.text
    assert page.text.count(f'data-subject="{ITEM["waybill_no"]}"') == 2
    assert PHONE not in page.text and PHONE not in str(lines)
    assert operator.get("/api/v1/counties/652828/audit").status_code == 403
    assert 'href="/counties/652828/audit"' in page.text  # in the regulator's menu
    assert 'href="/counties/652828/audit"' not in operator.get("/counties/652828/overview").text
