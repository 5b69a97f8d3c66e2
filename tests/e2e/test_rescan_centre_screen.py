"""A rescan on the centre's screen (issue 12): a dispatched parcel is refused next to the
scan box, in Chinese, and stays dispatched."""

from __future__ import annotations

import re
from pathlib import Path

from fastapi.testclient import TestClient

from countyexpress import bootstrap
from countyexpress.entrypoints.api.app import create_app
from countyexpress.services import counties
from countyexpress.settings import Settings
from support.web import HESHUO, PEOPLE, add_user, csrf_of, log_in, seed_station_parcel

WB = "ZT7312345678951"


def test_the_centre_screen_refuses_a_dispatched_parcel_and_it_stays_dispatched(
    tmp_path: Path,
) -> None:
    """已于 MM-DD HH:MM 从 HS-CENTER 发车, in the scan's answer; not pulled back to sorted."""
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'centre.db'}")
    engine = bootstrap.open_engine(settings)
    counties.load_county(bootstrap.uow_factory(engine)(), bootstrap.read_pack_source("heshuo"))
    add_user(engine, PEOPLE["centre_operator"])
    seed_station_parcel(engine, settings, WB)
    url = f"/counties/{HESHUO}/centre/HS-CENTER"
    said = re.compile(rf"{WB} 已于 \d\d-\d\d \d\d:\d\d 从 HS-CENTER 发车")
    with TestClient(create_app(settings, engine)) as client:
        log_in(client, "centre")
        form = {"waybill": WB, "csrf_token": csrf_of(client.get(url).text)}
        fragment = client.post(f"{url}/inbound", data=form, headers={"HX-Request": "true"})
        assert 'data-outcome="refused"' in fragment.text and said.search(fragment.text)
        assert "route-bag" not in fragment.text
        page = client.post(f"{url}/inbound", data=form)
        answer = re.search(r'id="centre-result"[^>]*>(.*?)</div>', page.text, re.S)
        assert answer is not None and said.search(answer.group(1))
        api = client.post(
            "/api/v1/centre/HS-CENTER/inbound",
            headers={"X-CSRF-Token": csrf_of(client.get(url).text)},
            json={"county": HESHUO, "waybills": [WB]},
        ).json()
        assert [(r["waybill_no"], r["refused"], r["route_bag"]) for r in api] == [(WB, True, None)]
        assert "left HS-CENTER on a vehicle on" in api[0]["reason"]
        parcel = client.get(f"/api/v1/parcels/{WB}").json()
    assert (parcel["state"], parcel["place"]) == ("in_transit", "HS-CENTER")
    engine.dispose()
