"""Carriers' webhooks on the web (issue 12): a carrier's key registers its own webhook
(the secret answered once) and lists only its own; a regulator sees the webhooks and the
dead letters on the 回调 page and sends one again with its button."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from countyexpress import bootstrap
from countyexpress.adapters.db.uow import SqlUnitOfWork
from countyexpress.adapters.packs import builtin_pack_path, read_pack
from countyexpress.adapters.vault import Vault
from countyexpress.entrypoints.api.app import create_app
from countyexpress.services import counties
from countyexpress.services import webhooks as service
from countyexpress.settings import Settings
from support.web import PEOPLE, add_key, add_user, csrf_of, log_in

HESHUO = "652828"
EVENT = "0b7c2a52-6a57-4c47-9a1f-3f1e8f7b0001"


@pytest.fixture
def world(tmp_path: Path) -> Iterator[tuple[TestClient, Engine, str]]:
    settings = Settings(data_dir=tmp_path, environment="test")
    engine = bootstrap.open_engine(settings)
    path = builtin_pack_path("heshuo")
    assert path is not None
    counties.load_county(SqlUnitOfWork(engine), read_pack(path))
    add_user(engine, PEOPLE["regulator"])
    key = add_key(engine, "zto", county=HESHUO)
    now = dt.datetime.now(dt.UTC)
    vault = Vault(settings.data_key_bytes())
    hook, _ = service.add(SqlUnitOfWork(engine), vault, None, HESHUO, "zto",
                          "https://zto.example/old", now)  # fmt: skip
    with SqlUnitOfWork(engine) as uow:
        uow.webhooks.enqueue([{
            "webhook_id": hook, "county_code": HESHUO, "event_id": EVENT,
            "event": "parcel.stored", "payload": {"waybill_no": "ZT7312345678931"},
            "attempts": 16, "next_try_at": None, "last_status": 503, "last_error": "HTTP 503",
            "state": "dead", "created_at": now,
        }])  # fmt: skip
        uow.commit()
    with TestClient(create_app(settings, engine)) as client:
        yield client, engine, key


def test_a_regulator_sees_a_dead_letter_and_sends_it_again(
    world: tuple[TestClient, Engine, str],
) -> None:
    client, engine, _ = world
    log_in(client, PEOPLE["regulator"].name)
    page = client.get(f"/counties/{HESHUO}/webhooks", headers={"Accept-Language": "zh-CN"})
    assert page.status_code == 200
    assert "https://zto.example/old" in page.text and "ZT7312345678931" in page.text
    assert f'data-event-id="{EVENT}"' in page.text
    delivery_id = re.search(r'name="delivery_id" value="(\d+)"', page.text)
    assert delivery_id is not None
    sent = client.post(f"/counties/{HESHUO}/webhooks/replay", follow_redirects=False,
                       data={"delivery_id": delivery_id.group(1),
                             "csrf_token": csrf_of(page.text)})  # fmt: skip
    assert sent.status_code == 303
    after = client.get(sent.headers["location"])
    assert f'data-event-id="{EVENT}"' not in after.text
    rows = service.deliveries(SqlUnitOfWork(engine), None, HESHUO, "pending")
    assert [(r["event_id"], r["attempts"]) for r in rows] == [(EVENT, 0)]
    form = {"delivery_id": "999", "csrf_token": csrf_of(after.text)}
    missing = client.post(f"/counties/{HESHUO}/webhooks/replay", data=form)
    assert missing.status_code == 200 and "999" in missing.text


def test_a_carrier_registers_its_webhook_and_sees_the_secret_once(
    world: tuple[TestClient, Engine, str],
) -> None:
    c, _, key = world
    auth = {"X-API-Key": key}
    made = c.post(f"/api/v1/counties/{HESHUO}/webhooks", json={"url": "https://zto.example/cx"},
                  headers=auth)  # fmt: skip
    assert made.status_code == 201, made.text
    assert made.json()["carrier"] == "zto" and made.json()["secret"].startswith("whsec_")
    listed = c.get(f"/api/v1/counties/{HESHUO}/webhooks", headers=auth)
    assert listed.status_code == 200
    assert [h["url"] for h in listed.json()] == [
        "https://zto.example/old",
        "https://zto.example/cx",
    ]
    assert "secret" not in listed.text
    other = c.post(f"/api/v1/counties/{HESHUO}/webhooks",
                   json={"url": "https://x.example/", "carrier": "jt"}, headers=auth)  # fmt: skip
    assert other.status_code == 403
    bad = c.post(f"/api/v1/counties/{HESHUO}/webhooks", json={"url": "ftp://x"}, headers=auth)
    assert bad.status_code == 422 and "url" in bad.text
    for inside in ("http://127.0.0.1:8000/", "http://10.0.0.5/", "http://localhost/x"):
        near = c.post(f"/api/v1/counties/{HESHUO}/webhooks", json={"url": inside}, headers=auth)
        assert near.status_code == 422 and "inside" in near.text
