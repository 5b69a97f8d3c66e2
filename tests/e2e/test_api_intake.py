"""/api/v1/intake over HTTP: masked answers, refusals with reasons, screening and departure.

The router is included here the way api/app.py will include it.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from countyexpress import bootstrap
from countyexpress.entrypoints.api import intake
from countyexpress.entrypoints.api.app import create_app
from countyexpress.services import counties as county_service
from countyexpress.settings import Settings
from support.web import PEOPLE, add_key, add_user, csrf_of, log_in

ID = "360426199101010071"
NAME = "阿依古丽"
T = "2026-11-28T{}:00+08:00"


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'api.db'}")
    engine = bootstrap.open_engine(settings)
    county_service.load_county(bootstrap.uow_factory(engine)(),
                               bootstrap.read_pack_source("heshuo"))  # fmt: skip
    app = create_app(settings, engine)
    app.include_router(intake.router)
    app.state.keys = {"zto": add_key(engine, "zto"), "sf": add_key(engine, "sf")}
    for role in ("station_keeper", "regulator"):
        add_user(engine, PEOPLE[role])
    with TestClient(app, follow_redirects=False) as c:
        yield c
    engine.dispose()


def key(client: TestClient, carrier: str) -> dict[str, str]:
    return {"X-API-Key": client.app.state.keys[carrier]}  # type: ignore[attr-defined]


def body(waybill: str, carrier: str = "zto", **extra: Any) -> dict[str, Any]:
    return {"county": "652828", "facility": "HS-STA-01", "carrier": carrier,
            "waybill_no": waybill, "id_type": "resident_id", "id_number": ID, "name": NAME,
            "category": "peppers", "actor": "keeper-01", "at": T.format("09:00"),
            **extra}  # fmt: skip


def no_personal_data(*texts: str) -> bool:
    return not any(ID in t or NAME in t for t in texts)


def test_an_intake_answers_201_with_the_sender_masked(client: TestClient) -> None:
    """The answer shows the masks, the screening place and the derived state."""
    r = client.post("/api/v1/intake", json=body("75012345678901"), headers=key(client, "zto"))
    assert r.status_code == 201, r.text
    data = r.json()
    assert data["sender"] == {"id_type": "resident_id", "id_number": "3****************1",
                              "name": "阿***"}  # fmt: skip
    assert (data["state"], data["screening"]["facility"]) == ("inspected", "BZ-SORT")
    assert no_personal_data(r.text)


@pytest.mark.parametrize(
    ("extra", "words"),
    [
        ({"category": "corrosives"}, "腐蚀性物质"),
        ({"sender_refuses_inspection": True}, "refuses inspection"),
        ({"id_number": "360426199101010072"}, "check character"),
        ({"facility": "HS-CENTER"}, "village stations"),
    ],
)
def test_a_refused_intake_answers_422_with_the_reason_and_no_personal_data(
    client: TestClient, extra: dict[str, Any], words: str
) -> None:
    """Prohibited, uninspected, a mistyped ID, the wrong facility: 422 and why."""
    r = client.post("/api/v1/intake", json=body("75012345678901", **extra),
                    headers=key(client, "zto"))  # fmt: skip
    assert r.status_code == 422 and words in r.json()["detail"]
    assert no_personal_data(r.text) and "360426199101010072" not in r.text


@pytest.mark.parametrize("broken", [{"name": None}, {"id_type": "library_card"}, {"at": "soon"}])
def test_a_malformed_request_is_refused_without_echoing_the_body(
    client: TestClient, broken: dict[str, Any]
) -> None:
    """FastAPI would repeat the input; this router names the field and the problem only."""
    sent = {k: v for k, v in body("75012345678901", **broken).items() if v is not None}
    r = client.post("/api/v1/intake", json=sent, headers=key(client, "zto"))
    assert r.status_code == 422
    assert r.json()["detail"][0]["loc"][0] == "body"
    assert no_personal_data(r.text)


def test_a_carrier_key_takes_in_only_its_own_parcels(client: TestClient) -> None:
    """A zto key may not take in an sf parcel (403)."""
    r = client.post("/api/v1/intake", json=body("SF1234567890123", "sf"),
                    headers=key(client, "zto"))  # fmt: skip
    assert r.status_code == 403 and no_personal_data(r.text)


def test_a_regulator_may_not_scan_and_is_not_told_about_the_body(client: TestClient) -> None:
    """403 before the body is read; anonymous callers get 401."""
    log_in(client, PEOPLE["regulator"].name)
    csrf = {"X-CSRF-Token": csrf_of(client.get("/login").text)}
    r = client.post("/api/v1/intake", json=[], headers=csrf)
    assert r.status_code == 403
    client.post("/logout", headers=csrf)
    assert client.post("/api/v1/intake", json=body("75012345678901")).status_code == 401


def test_a_station_keeper_takes_in_at_its_own_station_only(client: TestClient) -> None:
    """Logged in at HS-STA-01: accepted there, 403 at HS-STA-02."""
    log_in(client, PEOPLE["station_keeper"].name)
    csrf = {"X-CSRF-Token": csrf_of(client.get("/login").text)}
    r = client.post("/api/v1/intake", json=body("75012345678901"), headers=csrf)
    assert r.status_code == 201, r.text
    other = body("75012345678902", facility="HS-STA-02")
    assert client.post("/api/v1/intake", json=other, headers=csrf).status_code == 403


def test_an_sf_parcel_departs_the_county_only_after_screening_at_its_office(
    client: TestClient,
) -> None:
    """Refused from the centre (422, naming HS-SF-OFFICE); screened there; then it leaves."""
    h = key(client, "sf")
    w = "SF1234567890123"
    assert client.post("/api/v1/intake", json=body(w, "sf"), headers=h).status_code == 201
    leg = {"county": "652828", "vehicle": "LH-1"}
    r = client.post(f"/api/v1/intake/{w}/depart",
                    json={**leg, "facility": "HS-CENTER", "at": T.format("12:00")},
                    headers=h)  # fmt: skip
    assert r.status_code == 422 and "HS-SF-OFFICE" in r.json()["detail"]
    r = client.post(f"/api/v1/intake/{w}/screen",
                    json={"county": "652828", "facility": "HS-STA-01"}, headers=h)  # fmt: skip
    assert r.status_code == 422 and "never screen" in r.json()["detail"]
    r = client.post(f"/api/v1/intake/{w}/screen",
                    json={"county": "652828", "facility": "HS-SF-OFFICE",
                          "at": T.format("13:00")}, headers=h)  # fmt: skip
    assert r.status_code == 200 and r.json()["security_mark"] is True
    r = client.post(f"/api/v1/intake/{w}/depart",
                    json={**leg, "facility": "HS-SF-OFFICE", "at": T.format("14:00")},
                    headers=h)  # fmt: skip
    assert r.status_code == 200 and r.json()["state"] == "in_transit"


def test_a_zto_parcel_departs_the_centre_unscreened(client: TestClient) -> None:
    """Through the prefecture sorting centre: no screening in the county."""
    h = key(client, "zto")
    w = "75012345678901"
    client.post("/api/v1/intake", json=body(w), headers=h)
    r = client.post(f"/api/v1/intake/{w}/depart",
                    json={"county": "652828", "facility": "HS-CENTER", "vehicle": "LH-1",
                          "to": "BZ-SORT", "at": T.format("12:00")}, headers=h)  # fmt: skip
    assert r.status_code == 200 and r.json()["security_mark"] is False
