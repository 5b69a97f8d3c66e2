"""The station app without a signal, over HTTP (issue 18): the service worker and manifest,
and the upload of scans a phone queued offline — stored at the phone's time, a repeat a
duplicate, a time outside the window or a stranger's parcel refused with its reason."""

from __future__ import annotations

import base64
import datetime as dt
import json
import re
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from countyexpress import bootstrap
from countyexpress.adapters.db.uow import SqlUnitOfWork
from countyexpress.domain import offline_check
from countyexpress.domain.lifecycle import ParcelState
from countyexpress.entrypoints.api.app import create_app
from countyexpress.entrypoints.web.station_offline import STATIC
from countyexpress.services import counties as county_service
from countyexpress.services import scans
from countyexpress.settings import Settings
from support.web import (
    HESHUO,
    PEOPLE,
    RECEIVER_PHONE,
    STATION,
    add_user,
    csrf_of,
    log_in,
    seed_station_parcel,
)

WAYBILL = "ZT7312345678931"
UPLOAD = f"/counties/{HESHUO}/stations/{STATION}/offline-scans"


@pytest.fixture
def keeper(tmp_path: Path) -> Iterator[tuple[TestClient, object]]:
    """The station keeper logged in; one parcel on its way to the station."""
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'offline.db'}")
    engine = bootstrap.open_engine(settings)
    source = bootstrap.read_pack_source("heshuo")
    county_service.load_county(bootstrap.uow_factory(engine)(), source)
    add_user(engine, PEOPLE["station_keeper"])
    assert seed_station_parcel(engine, settings, WAYBILL) == STATION
    with TestClient(create_app(settings, engine)) as client:
        log_in(client, "keeper")
        yield client, engine
    engine.dispose()


def _upload(client: TestClient, *scans: dict[str, str], csrf: str | None = None) -> dict:
    token = csrf or csrf_of(client.get(f"/counties/{HESHUO}/stations/{STATION}").text)
    r = client.post(UPLOAD, json={"scans": list(scans)}, headers={"X-CSRF-Token": token})
    assert r.status_code == 200, r.text
    return r.json()


def _scan(waybill: str, at: dt.datetime) -> dict[str, str]:
    return {"event_id": str(uuid.uuid4()), "waybill": waybill, "occurred_at": at.isoformat()}


def test_the_service_worker_is_served_at_the_root_with_its_precache_list(keeper: tuple) -> None:
    client, _ = keeper
    r = client.get("/sw.js")
    assert r.status_code == 200 and r.headers["service-worker-allowed"] == "/"
    assert r.headers["content-type"].startswith("text/javascript")
    assert "modulePathPrefix" in r.text and "/static/vendor/workbox/" in r.text
    assert "https://" not in r.text and "__WB_MANIFEST" not in r.text
    listed = json.loads(re.search(r"precacheAndRoute\((\[.*?\])\)", r.text).group(1))  # type: ignore[union-attr]
    for entry in listed:  # every precached asset is served, each with a content hash
        assert client.get(entry["url"]).status_code == 200 and len(entry["revision"]) == 16
    urls = {e["url"] for e in listed}
    assert {"/static/station-offline.js", "/static/vendor/htmx/htmx.min.js"} <= urls
    fonts = {f"/static/{p.relative_to(STATIC).as_posix()}" for p in STATIC.rglob("*.woff2")}
    assert fonts <= urls  # a page's glyphs are there offline


def test_the_manifest_names_the_app_and_its_icons(keeper: tuple) -> None:
    client, _ = keeper
    r = client.get("/manifest.webmanifest")
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/manifest")
    body = r.json()
    assert body["name"] == "县域快递·站点" and body["start_url"] == "/station"
    for icon in body["icons"]:
        got = client.get(icon["src"])
        assert got.status_code == 200 and got.content.startswith(b"\x89PNG")


def test_the_station_screen_offers_the_offline_app_with_words_in_chinese(keeper: tuple) -> None:
    client, _ = keeper
    html = client.get(f"/counties/{HESHUO}/stations/{STATION}").text
    assert "data-offline-app" in html and 'rel="manifest"' in html
    words = json.loads(re.search(r'id="offline-words">(.*?)</script>', html, re.S).group(1))  # type: ignore[union-attr]
    assert "{n}" in words["waiting"] and "待上传" in words["waiting"]
    assert f'data-upload="{UPLOAD}"' in html


def test_a_queued_scan_is_stored_at_the_phones_time_and_a_repeat_is_a_duplicate(
    keeper: tuple,
) -> None:
    client, engine = keeper
    at = (dt.datetime.now(dt.UTC) - dt.timedelta(minutes=40)).replace(microsecond=123000)
    scan = _scan(WAYBILL, at)
    (first,) = _upload(client, scan)["results"]
    assert first["outcome"] == "stored" and first["pickup_code"] and first["shelf"]
    view = scans.parcel_status(SqlUnitOfWork(engine), WAYBILL, HESHUO)
    assert view.status.state is ParcelState.STORED and view.status.place == STATION
    mine = [e for e in view.status.events if e.event_id == scan["event_id"]]
    assert [e.at for e in mine] == [at]  # the phone's time, under the phone's id
    (again,) = _upload(client, scan)["results"]  # the answer was lost: the phone sends again
    assert again["outcome"] == "duplicate"
    assert len(scans.parcel_status(SqlUnitOfWork(engine), WAYBILL, HESHUO).status.events) == len(
        view.status.events
    )


def test_a_scan_outside_the_window_or_not_for_this_station_is_refused_with_the_reason(
    keeper: tuple,
) -> None:
    client, _ = keeper
    now = dt.datetime.now(dt.UTC)
    late, ahead = (
        _scan(WAYBILL, now - dt.timedelta(days=31)),
        _scan(WAYBILL, now + dt.timedelta(hours=1)),
    )
    stranger = _scan("ZT7399999999999", now)
    broken = {"event_id": "not-a-uuid", "waybill": WAYBILL, "occurred_at": now.isoformat()}
    answers = _upload(client, late, ahead, stranger, broken)["results"]
    assert [a["outcome"] for a in answers] == ["refused"] * 4
    assert "30" in answers[0]["reason"] and "10" in answers[1]["reason"]  # the window, in Chinese
    assert all(a["reason"] for a in answers)


def test_an_upload_without_the_pages_csrf_token_is_refused(keeper: tuple) -> None:
    client, _ = keeper
    r = client.post(
        UPLOAD, json={"scans": [_scan(WAYBILL, dt.datetime.now(dt.UTC))]},
        headers={"X-CSRF-Token": "wrong"},
    )  # fmt: skip
    assert r.status_code == 403


def _shelve(client: TestClient) -> str:
    """The parcel shelved by an offline upload; its pickup code."""
    scan = _scan(WAYBILL, dt.datetime.now(dt.UTC) - dt.timedelta(minutes=5))
    (stored,) = _upload(client, scan)["results"]
    assert stored["outcome"] == "stored"
    return str(stored["pickup_code"])


def test_the_phones_shelf_list_has_a_salted_hash_and_no_phone_number(keeper: tuple) -> None:
    client, _ = keeper
    code = _shelve(client)
    r = client.get(f"/counties/{HESHUO}/stations/{STATION}/offline-shelf")
    assert r.status_code == 200 and r.headers["cache-control"] == "no-store"
    body = r.json()
    (kept,) = body["parcels"]
    assert not [v for k, v in kept.items() if k != "waybill" and RECEIVER_PHONE[-4:] in v]
    assert (kept["waybill"], kept["pickup_code"]) == (WAYBILL, code)
    assert set(kept) == {"waybill", "pickup_code", "shelf", "stored_at", "salt", "check"}
    salt = base64.b64decode(kept["salt"])
    made = offline_check.device_hash(code, RECEIVER_PHONE[-4:], salt, body["iterations"])
    assert base64.b64decode(kept["check"]) == made
    again = client.get(f"/counties/{HESHUO}/stations/{STATION}/offline-shelf").json()
    assert again["parcels"][0]["salt"] != kept["salt"]  # a fresh salt each time it is sent


def test_a_hand_over_made_offline_is_checked_again_and_a_repeat_is_a_duplicate(
    keeper: tuple,
) -> None:
    client, engine = keeper
    code = _shelve(client)
    at = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=2)
    token = csrf_of(client.get(f"/counties/{HESHUO}/stations/{STATION}").text)
    url = f"/counties/{HESHUO}/stations/{STATION}/offline-handovers"

    def send(tail: str) -> dict:
        given = {"waybill": WAYBILL, "pickup": code, "tail": tail, "occurred_at": at.isoformat()}
        r = client.post(url, json={"handovers": [given]}, headers={"X-CSRF-Token": token})
        assert r.status_code == 200, r.text
        (answer,) = r.json()["results"]
        return dict(answer)

    wrong = send("0000")  # the phone's check can be fooled; the server's cannot
    assert wrong["outcome"] == "wrong" and wrong["reason"]
    assert send(RECEIVER_PHONE[-4:])["outcome"] == "ok"
    view = scans.parcel_status(SqlUnitOfWork(engine), WAYBILL, HESHUO)
    assert view.status.state is ParcelState.DELIVERED
    assert view.status.events[-1].at == at  # at the phone's time
    assert send(RECEIVER_PHONE[-4:])["outcome"] == "duplicate"
