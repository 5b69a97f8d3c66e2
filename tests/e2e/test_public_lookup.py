"""The anonymous parcel look-up (issue 11, defect 6) shows the village or community the parcel
goes to, never the address text: a receiver's free text ("王小明家 电话…") is not masked by any
house-number rule, so none of it may reach an anonymous answer."""

from __future__ import annotations

import itertools
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from countyexpress import bootstrap
from countyexpress.entrypoints.api.app import create_app
from countyexpress.services import counties
from countyexpress.settings import Settings
from support.web import add_key

PHONE = "13955557777"
LEAKY = "和硕县乌什塔拉回族乡塔拉村王小明家 电话13955557777"


@pytest.fixture(scope="module")
def app_and_key(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[object, str]]:
    tmp = tmp_path_factory.mktemp("lookup")
    settings_ = Settings(database_url=f"sqlite:///{tmp / 'lookup.db'}")
    engine = bootstrap.open_engine(settings_)
    counties.load_county(bootstrap.uow_factory(engine)(), bootstrap.read_pack_source("heshuo"))
    yield create_app(settings_, engine), add_key(engine, "zto")
    engine.dispose()


def _push(app: object, key: str, waybill: str, address: str) -> None:
    item = {"waybill_no": waybill, "receiver_name": "王小明", "receiver_phone": PHONE,
            "address": address}  # fmt: skip
    r = TestClient(app).post(  # type: ignore[arg-type]
        "/api/v1/manifests", headers={"X-API-Key": key}, json={"county": "652828", "items": [item]}
    )
    assert r.status_code == 200 and r.json()["accepted"] == 1, r.text


_CLIENTS = itertools.count(1)
_WAYBILLS = itertools.count(7600000000001)


def _lookup(app: object, waybill: str) -> dict[str, object]:
    """One look-up from a fresh address (the look-up limit counts per address)."""
    host = f"203.0.{next(_CLIENTS) // 250}.{next(_CLIENTS) % 250 + 1}"
    c = TestClient(app, client=(host, 50000))  # type: ignore[arg-type]
    r = c.post("/api/v1/parcels/lookup", json={"waybill_no": waybill, "phone_tail": PHONE[-4:]})
    assert r.status_code == 200, r.text
    data: dict[str, object] = r.json()
    return data


def test_an_anonymous_answer_names_the_village_not_the_address(
    app_and_key: tuple[object, str],
) -> None:
    app, key = app_and_key
    _push(app, key, "ZT7500000000011", LEAKY)
    found = _lookup(app, "ZT7500000000011")
    assert found["address"] == "塔拉村"
    text = str(found)
    assert "王小明" not in text and "电话" not in text and "乌什塔拉回族乡塔拉村王" not in text


def test_an_unresolved_address_shows_no_place_at_all(app_and_key: tuple[object, str]) -> None:
    app, key = app_and_key
    _push(app, key, "ZT7500000000012", "某地 王小明家 电话13955557777 门口")
    found = _lookup(app, "ZT7500000000012")
    assert found["address"] == ""
    assert "王小明" not in str(found) and "门口" not in str(found)


FREE_TEXT = st.text(
    alphabet=st.sampled_from("王李张小明红家门口电话号楼栋单元室组队院旁边对面0123456789 -#"),
    min_size=1,
    max_size=24,
)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(tail=FREE_TEXT)
def test_no_free_text_after_the_village_reaches_the_answer(
    app_and_key: tuple[object, str], tail: str
) -> None:
    """Whatever a receiver writes after the village, the answer is the village's name only."""
    app, key = app_and_key
    waybill = f"ZT{next(_WAYBILLS)}"
    _push(app, key, waybill, "和硕县乌什塔拉回族乡塔拉村" + tail)
    assert _lookup(app, waybill)["address"] == "塔拉村"
