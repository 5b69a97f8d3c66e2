"""Loose phone numbers are refused where they come in (issue 11, defect 10): a manifest row
with a 10-digit number or an extension (its tail would never match at hand-over) refuses the
whole manifest with the line and the field; a consent for "abc" is refused; the simulation's
synthetic "100" numbers pass only through the simulation."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from countyexpress import bootstrap
from countyexpress.adapters.db.tables_ops import consents, manifest_items
from countyexpress.adapters.vault import Vault
from countyexpress.entrypoints.api.app import create_app
from countyexpress.errors import InvalidValue
from countyexpress.services import centre, counties
from countyexpress.settings import Settings
from support.web import PEOPLE, add_key, add_user, csrf_of, log_in

GOOD = "+86 139-5555-7777"


def _item(waybill: str, phone: str) -> dict[str, object]:
    return {"waybill_no": waybill, "receiver_name": "马丽", "receiver_phone": phone,
            "address": "和硕县乌什塔拉回族乡大庄子村7号"}  # fmt: skip


@pytest.fixture
def app(tmp_path: Path) -> Iterator[tuple[object, str, Settings]]:
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'phones.db'}")
    engine = bootstrap.open_engine(settings)
    counties.load_county(bootstrap.uow_factory(engine)(), bootstrap.read_pack_source("heshuo"))
    add_user(engine, PEOPLE["centre_operator"])
    yield create_app(settings, engine), add_key(engine, "zto"), settings
    engine.dispose()


def _count(app: object, table: object) -> int:
    engine = app.state.engine  # type: ignore[attr-defined]
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(table)).scalar_one())  # type: ignore[arg-type]


@pytest.mark.parametrize("bad", ["1395555777", "13955557777 ext 1", "139555577771", "abc"])
def test_a_manifest_with_one_loose_phone_is_refused_whole(
    app: tuple[object, str, Settings], bad: str
) -> None:
    application, key, _ = app
    items = [_item("ZT7500000000001", GOOD), _item("ZT7500000000002", bad)]
    r = TestClient(application).post(  # type: ignore[arg-type]
        "/api/v1/manifests", headers={"X-API-Key": key}, json={"county": "652828", "items": items}
    )
    assert r.status_code == 200
    body = r.json()
    assert body["accepted"] == 0 and [x["line"] for x in body["rejected"]] == [2]
    assert body["rejected"][0]["reason"].startswith("receiver_phone:")
    assert bad not in r.text
    assert _count(application, manifest_items) == 0


def test_a_well_written_number_is_stored_as_its_11_digits(
    app: tuple[object, str, Settings],
) -> None:
    application, key, settings = app
    r = TestClient(application).post(  # type: ignore[arg-type]
        "/api/v1/manifests",
        headers={"X-API-Key": key},
        json={"county": "652828", "items": [_item("ZT7500000000003", "０086 139 5555 7777")]},
    )
    assert r.json()["accepted"] == 1
    engine = application.state.engine  # type: ignore[attr-defined]
    with engine.connect() as conn:
        enc = conn.execute(select(manifest_items.c.receiver_phone_enc)).scalar_one()
    assert Vault(settings.data_key_bytes()).decrypt(enc) == "13955557777"


@pytest.mark.parametrize("bad", ["abc", "1395555777", "13955557777 ext 1", "10012345678"])
def test_a_consent_for_a_loose_phone_is_refused(
    app: tuple[object, str, Settings], bad: str
) -> None:
    application, _, _ = app
    client = TestClient(application)  # type: ignore[arg-type]
    log_in(client, PEOPLE["centre_operator"].name)
    h = {"X-CSRF-Token": csrf_of(client.get("/login").text)}
    r = client.post(
        "/api/v1/consents", headers=h, json={"county": "652828", "phone": bad, "choice": "station"}
    )
    assert r.status_code == 422 and r.json()["field"] == "phone"
    assert bad not in r.text
    ok = client.post(
        "/api/v1/consents", headers=h, json={"county": "652828", "phone": GOOD, "choice": "station"}
    )
    assert ok.status_code == 200
    assert _count(application, consents) == 1


def test_synthetic_numbers_pass_only_the_simulations_path(
    app: tuple[object, str, Settings],
) -> None:
    application, _, settings = app
    engine = application.state.engine  # type: ignore[attr-defined]
    vault = Vault(settings.data_key_bytes())
    row = [(1, _item("ZT7600000000001", "10012345678"))]
    refused = centre.add_manifest(bootstrap.uow_factory(engine)(), vault, "652828", "zto", row)
    assert refused.accepted == 0 and refused.rejected[0].reason.startswith("receiver_phone:")
    taken = centre.add_manifest(
        bootstrap.uow_factory(engine)(), vault, "652828", "zto", row, synthetic=True
    )
    assert taken.accepted == 1
    with pytest.raises(InvalidValue):
        centre.record_consents(bootstrap.uow_factory(engine)(), vault, "652828",
                               [("10012345678", centre.DeliveryChoice.STATION)])  # fmt: skip
