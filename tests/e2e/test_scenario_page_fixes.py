"""The scenario page explains the figures that look wrong: a closed station changes neither
vehicle-km nor van cost (its village is still visited, at the door); the van cost per parcel
is named as such and explained at a scaled demand; no stale 'no route planner yet' note."""

from __future__ import annotations

from typing import Any

from test_scenario_pages import BASE, DAY, PLANNER, _client, _table, _wait
from test_scenario_pages import app_and_settings as app_and_settings  # the fixture

from countyexpress.planning.simulation import fleet
from countyexpress.settings import Settings


def test_a_closed_station_keeps_km_and_cost_and_the_page_says_why(
    app_and_settings: tuple[Any, Settings],
) -> None:
    app, _ = app_and_settings
    client, token = _client(app, PLANNER)
    r = client.post(BASE, data={
        "csrf_token": token, "scenario": ["station_closed"], "days": "1", "end": DAY.isoformat(),
        "scale": "0.05", "seed": "3", "close": "T-STA-1", "lockers": "2", "peak": "2",
    })  # fmt: skip
    assert r.status_code == 303, r.text
    _wait(app)
    html = client.get(f"{r.headers['location']}?lang=en").text
    shown = _table(html)
    base, closed = shown["co_delivery"], shown["station_closed"]
    assert closed["vehicle_km"] == base["vehicle_km"] and closed["cost"] == base["cost"]
    assert float(closed["door_share"].rstrip("%")) > float(base["door_share"].rstrip("%"))
    for row in shown.values():  # the van cost per parcel is the van cost over the parcels
        cost, parcels = float(row["cost"].replace(",", "")), float(row["parcels"])
        assert abs(float(row["cost_per_parcel"]) - cost / parcels) <= 0.5 / parcels + 0.005
    assert 'id="closed-note"' in html and "at the door" in html
    assert 'id="per-parcel-note"' in html and "0.05" in html
    assert "Van cost per parcel" in html
    assert "no route planner yet" not in html
    zh = client.get(f"{r.headers['location']}?lang=zh").text
    assert 'id="closed-note"' in zh and "changes neither vehicle-km" not in zh
    assert "关闭 T-STA-1" in zh and "单件车辆成本，元" in zh


def test_the_estimate_note_no_longer_says_there_is_no_route_planner() -> None:
    assert "no route planner" not in fleet.ESTIMATE_NOTE
    assert "--routes planner" in fleet.ESTIMATE_NOTE
