"""/api/v1/counties/{code}/webhooks (issue 12): a carrier's key registers its own webhook,
gets the secret once, and lists only its own."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from countyexpress import bootstrap
from countyexpress.adapters.packs import builtin_pack_path, read_pack
from countyexpress.entrypoints.api.app import create_app
from countyexpress.services import counties
from countyexpress.settings import Settings
from support.web import add_key

HESHUO = "652828"


@pytest.fixture
def client(tmp_path: Path) -> Iterator[tuple[TestClient, str]]:
    settings = Settings(data_dir=tmp_path, environment="test")
    engine = bootstrap.open_engine(settings)
    path = builtin_pack_path("heshuo")
    assert path is not None
    counties.load_county(bootstrap.uow_factory(engine)(), read_pack(path))
    key = add_key(engine, "zto", county=HESHUO)
    with TestClient(create_app(settings, engine)) as c:
        yield c, key


def test_a_carrier_registers_its_webhook_and_sees_the_secret_once(
    client: tuple[TestClient, str],
) -> None:
    c, key = client
    auth = {"X-API-Key": key}
    made = c.post(f"/api/v1/counties/{HESHUO}/webhooks", json={"url": "https://zto.example/cx"},
                  headers=auth)  # fmt: skip
    assert made.status_code == 201, made.text
    assert made.json()["carrier"] == "zto" and made.json()["secret"].startswith("whsec_")
    listed = c.get(f"/api/v1/counties/{HESHUO}/webhooks", headers=auth)
    assert listed.status_code == 200
    assert [h["url"] for h in listed.json()] == ["https://zto.example/cx"]
    assert "secret" not in listed.text
    other = c.post(f"/api/v1/counties/{HESHUO}/webhooks",
                   json={"url": "https://x.example/", "carrier": "jt"}, headers=auth)  # fmt: skip
    assert other.status_code == 403
    bad = c.post(f"/api/v1/counties/{HESHUO}/webhooks", json={"url": "ftp://x"}, headers=auth)
    assert bad.status_code == 422 and "url" in bad.text
