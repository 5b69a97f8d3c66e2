"""Simulated data is labelled on every screen of the county that holds it."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from countyexpress import bootstrap
from countyexpress.adapters.vault import Vault
from countyexpress.entrypoints.api.app import create_app
from countyexpress.services import centre, counties, simulation
from countyexpress.settings import Settings
from support.web import PEOPLE, add_user, log_in


def test_the_banner_appears_once_simulated_parcels_exist(tmp_path: Path) -> None:
    """No banner on real data; after a SIM- manifest, the overview and map say 模拟数据."""
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'b.db'}")
    engine = bootstrap.open_engine(settings)
    counties.load_county(bootstrap.uow_factory(engine)(), bootstrap.read_pack_source("heshuo"))
    add_user(engine, PEOPLE["regulator"])
    client = TestClient(create_app(settings, engine))
    log_in(client, PEOPLE["regulator"].name)
    assert 'id="simulated-banner"' not in client.get("/counties/652828/overview").text
    item = {
        "waybill_no": "ZT7600000000001",
        "receiver_name": "王模拟001",
        "receiver_phone": "10012345678",
        "address": "和硕县新塔热乡新塔热村",
    }
    centre.add_manifest(
        bootstrap.uow_factory(engine)(),
        Vault(settings.data_key_bytes()),
        "652828",
        "zto",
        [(1, item)],
        manifest_id=f"{simulation.SIM_PREFIX}test",
        synthetic=True,
    )
    for page in ("/counties/652828/overview", "/counties/652828/map"):
        html = client.get(page).text
        assert 'id="simulated-banner"' in html and "模拟数据" in html
    engine.dispose()
