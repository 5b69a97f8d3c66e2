"""The simulation with a front warehouse (issue 16, item 5): the scenario page offers the
county's 前置仓 stocking list as a scenario; the run compares with and without it — parcels
served from the county and the delivery days saved — on the same simulated demand."""

from __future__ import annotations

import re
from typing import Any

from hypothesis import given
from hypothesis import strategies as st
from test_scenario_pages import BASE, CODE, DAY, PLANNER, _client, _wait, app_and_settings

from countyexpress.adapters.db.front_warehouse import SqlFrontWarehouse
from countyexpress.adapters.db.scenario_runs import ScenarioRunsUnitOfWork
from countyexpress.services import scenario_runs as runs
from countyexpress.services.scenarios import from_county
from countyexpress.settings import Settings

__all__ = ["app_and_settings"]  # the fixture, shared with the scenario page's tests

DOC = {"summary": {"county_share": 0.4}, "days_saved": 2.5}  # what the 前置仓 page stores


def test_the_scenario_page_compares_with_and_without_the_front_warehouse(
    app_and_settings: tuple[Any, Settings],
) -> None:
    app, _ = app_and_settings
    client, token = _client(app, PLANNER)
    assert 'id="scenario-front-warehouse"' not in client.get(BASE).text  # nothing stocked yet
    SqlFrontWarehouse(app.state.engine).save(CODE, "synthetic", dict(DOC), "test")
    page = client.get(BASE, headers={"Accept-Language": "zh-CN"}).text
    assert 'id="scenario-front-warehouse"' in page and "40%" in page
    r = client.post(BASE, data={"csrf_token": token, "front_warehouse": "1", "days": "1",
                                "end": DAY.isoformat(), "scale": "0.05", "seed": "3"})  # fmt: skip
    assert r.status_code == 303, r.text
    _wait(app)
    run_id = r.headers["location"].rsplit("/", 1)[1]
    stored = runs.get_run(ScenarioRunsUnitOfWork(app.state.engine), CODE, run_id, by=None)
    assert stored.status == runs.DONE, stored.error
    assert stored.comparison is not None
    base, fw = stored.comparison.outcomes
    assert (base.scenario.name, fw.scenario.name) == ("co_delivery", "front_warehouse")
    assert fw.parcels == base.parcels and fw.delivered == base.delivered > 0  # same demand
    assert fw.hours_mean == base.hours_mean  # the county's own leg is unchanged
    assert base.from_county == 0 and base.order_days_saved == 0
    assert 0 < fw.from_county < fw.delivered
    assert fw.order_days_saved == fw.from_county * 2.5
    html = client.get(r.headers["location"], headers={"Accept-Language": "zh-CN"}).text
    row = re.search(r'<tr data-fw-scenario="front_warehouse">(.*?)</tr>', html, re.S)
    assert 'id="front-warehouse"' in html and row is not None
    assert f'data-k="from_county">{fw.from_county:,}<' in row.group(1)


@given(st.lists(st.text(min_size=1, max_size=20), min_size=1, max_size=30),
       st.floats(0, 1), st.floats(0, 1))  # fmt: skip
def test_a_larger_share_keeps_every_parcel_a_smaller_one_stocked(
    waybills: list[str], a: float, b: float
) -> None:
    low, high = sorted((a, b))
    for w in waybills:
        assert from_county(w, high) or not from_county(w, low)
        assert not from_county(w, 0.0)
    assert all(from_county(w, 1.0) for w in waybills)


def test_the_share_of_parcels_drawn_is_the_share_asked() -> None:
    drawn = sum(from_county(f"ZT{n:013d}", 0.3) for n in range(20_000))
    assert abs(drawn / 20_000 - 0.3) < 0.02
