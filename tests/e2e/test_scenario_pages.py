"""The scenario page: a planner starts a run, it runs in the background, the page and the
workbook show the stored figures; a reader of planning views but cannot start one."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from countyexpress import bootstrap
from countyexpress.adapters.db.cached import CountyCachingUnitOfWork
from countyexpress.adapters.db.scenario_runs import ScenarioRunsUnitOfWork
from countyexpress.adapters.packs.simulation import params_for
from countyexpress.adapters.scenario_files import COLUMNS
from countyexpress.adapters.vault import Vault
from countyexpress.domain.access import Role
from countyexpress.domain.county import County
from countyexpress.domain.facilities import Carrier, Facility, FacilityKind
from countyexpress.entrypoints.api.app import create_app
from countyexpress.entrypoints.web.scenario_pages import runner_of
from countyexpress.services import counties, simulation
from countyexpress.services import scenario_runs as runs
from countyexpress.settings import Settings
from support.small_county import AT, C1, V1, V2, locker, small_county, station
from support.web import Someone, add_user, csrf_of, log_in

CODE = "990101"
BASE = f"/counties/{CODE}/scenarios"
DAY = dt.date(2026, 11, 9)
PLANNER = Someone("planner", Role.REGULATOR, CODE)
READER = Someone("reader", Role.CENTRE_OPERATOR, CODE)


def _county() -> County:
    centre = Facility("T-CENTER", "测试共配中心", FacilityKind.CENTER, AT[C1], C1)
    county = small_county([centre, station("T-STA-1", V1), station("T-STA-2", V2),
                           locker("T-LCK-1", C1)])  # fmt: skip
    return dataclasses.replace(county, carriers=[Carrier("zto", "中通"), Carrier("sto", "申通")])


@pytest.fixture
def app_and_settings(tmp_path: Path) -> Iterator[tuple[Any, Settings]]:
    """The app on a fresh database holding the small county, a planner and a reader."""
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'web.db'}")
    engine = bootstrap.open_engine(settings)
    counties.load_county(ScenarioRunsUnitOfWork(engine), _county())
    add_user(engine, PLANNER)
    add_user(engine, READER)
    yield create_app(settings, engine), settings
    engine.dispose()


def _client(app: Any, who: Someone) -> tuple[TestClient, str]:
    client = TestClient(app, follow_redirects=False)
    log_in(client, who.name)
    return client, csrf_of(client.get(BASE).text) if who is PLANNER else ""


def _wait(app: Any) -> None:
    runner_of(app).wait()


def _table(html: str) -> dict[str, dict[str, str]]:
    """The comparison table: scenario → figure key → the text shown."""
    out: dict[str, dict[str, str]] = {}
    for name, body in re.findall(r'<tr data-scenario="([^"]+)"[^>]*>(.*?)</tr>', html, re.S):
        cells = re.findall(r'data-k="([a-z_]+)">([^<]*)<', body)
        out[name] = {k: v.strip() for k, v in cells}
    return out


def _number(text: str) -> float:
    return float(text.replace(",", ""))


def test_a_planner_runs_scenarios_and_reads_the_table_charts_and_workbook(
    app_and_settings: tuple[Any, Settings],
) -> None:
    """Started from the form, run on the worker, shown with the figures the run stored; the
    workbook opens with the same figures; the page says the costs are estimates."""
    app, _ = app_and_settings
    client, token = _client(app, PLANNER)
    page = client.get(BASE)
    assert page.status_code == 200 and 'id="scenario-form"' in page.text
    assert 'id="scenario-days" value="7"' in page.text  # the form shows its defaults
    assert re.search(r'value="festival_peak" checked', page.text)
    r = client.post(BASE, data={
        "csrf_token": token, "scenario": ["separate", "festival_peak"], "days": "1",
        "end": DAY.isoformat(), "scale": "0.05", "seed": "3", "lockers": "2", "peak": "2",
    })  # fmt: skip
    assert r.status_code == 303, r.text
    url = r.headers["location"]
    run_id = url.rsplit("/", 1)[1]
    _wait(app)
    stored = runs.get_run(ScenarioRunsUnitOfWork(app.state.engine), CODE, run_id, by=None)
    assert stored.status == runs.DONE, stored.error
    c = stored.comparison
    assert c is not None
    assert [o.scenario.name for o in c.outcomes] == ["co_delivery", "separate", "festival_peak"]

    html = client.get(f"{url}?lang=en").text
    shown = _table(html)
    assert list(shown) == ["co_delivery", "separate", "festival_peak"]
    for o in c.outcomes:
        assert _number(shown[o.scenario.name]["parcels"]) == o.parcels
        assert _number(shown[o.scenario.name]["vehicle_km"]) == round(o.vehicle_km)
        assert _number(shown[o.scenario.name]["cost"]) == round(o.cost)
    assert 'id="estimate-notice"' in html and "estimates" in html
    assert html.count('class="scn-chart"') >= 5 and "<svg" in html
    assert client.get(f"{url}/progress").headers.get("HX-Refresh") == "true"

    xlsx = client.get(f"{url}/comparison.xlsx")
    assert xlsx.status_code == 200
    sheet = load_workbook(io.BytesIO(xlsx.content))["comparison"]
    header = [cell.value for cell in sheet[1]]
    assert header == [title for _, title in COLUMNS]
    col = {key: header.index(title) for key, title in COLUMNS}
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert len(rows) == 3
    for row, o in zip(rows, c.outcomes, strict=True):
        assert row[col["parcels"]] == o.parcels
        assert row[col["vehicle_km"]] == round(o.vehicle_km, 1)
        assert row[col["cost"]] == round(o.cost, 2)

    listing = client.get(BASE).text
    assert f'data-run="{run_id}" data-status="done"' in listing


def test_the_quick_comparison_needs_simulated_days_and_no_new_run(
    app_and_settings: tuple[Any, Settings],
) -> None:
    """Refused (409) with nothing simulated; after a simulated day, two rows at once."""
    app, settings = app_and_settings
    client, token = _client(app, PLANNER)
    refused = client.post(f"{BASE}/quick", data={"csrf_token": token, "days": "30"})
    assert refused.status_code == 409 and 'id="scenario-error"' in refused.text
    engine = app.state.engine
    cache: dict[str, County] = {}
    simulation.simulate(
        lambda: CountyCachingUnitOfWork(engine, cache), Vault(settings.data_key_bytes()), CODE,
        params_for(_county()), DAY, 1, seed=1, scale=0.05,
    )  # fmt: skip
    r = client.post(f"{BASE}/quick", data={"csrf_token": token, "days": "30"})
    assert r.status_code == 303
    _wait(app)
    shown = _table(client.get(r.headers["location"]).text)
    assert list(shown) == ["co_delivery", "separate"]
    assert _number(shown["separate"]["vehicle_km"]) > _number(shown["co_delivery"]["vehicle_km"])


def test_a_reader_views_runs_but_cannot_start_one(app_and_settings: tuple[Any, Settings]) -> None:
    """A centre operator reads the page and a run's result; starting one is refused (403)."""
    app, _ = app_and_settings
    planner, token = _client(app, PLANNER)
    r = planner.post(f"{BASE}/quick", data={"csrf_token": token, "days": "1"})
    assert r.status_code == 409  # nothing simulated: nothing stored either
    reader, _ = _client(app, READER)
    page = reader.get(BASE)
    assert page.status_code == 200
    assert 'id="scenario-read-only"' in page.text and 'id="scenario-form"' not in page.text
    token = csrf_of(page.text)
    for path, data in ((BASE, {"days": "1", "scenario": "separate"}), (f"{BASE}/quick",
                                                                       {"days": "1"})):  # fmt: skip
        assert reader.post(path, data={"csrf_token": token, **data}).status_code == 403
    assert reader.get(f"{BASE}/SR-nothing").status_code == 404


def test_a_form_outside_its_bounds_is_answered_on_the_page(
    app_and_settings: tuple[Any, Settings],
) -> None:
    """No scenario besides the baseline, or a bad day: 422 with the reason, nothing started."""
    app, _ = app_and_settings
    client, token = _client(app, PLANNER)
    r = client.post(BASE, data={"csrf_token": token, "days": "1"})
    assert r.status_code == 422 and 'id="scenario-error"' in r.text
    r = client.post(BASE, data={"csrf_token": token, "days": "1", "scenario": "separate",
                                "end": "yesterday"})  # fmt: skip
    assert r.status_code == 422
    assert runs.list_runs(ScenarioRunsUnitOfWork(app.state.engine), CODE, by=None) == []
