"""The planning screens over HTTP: coverage on the map, the siting form, saved scenarios.

The small test county (990101): a community of 1,200 and villages of 800 and 1,000
residents; one open village station (in 二号村), no open locker.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from countyexpress import bootstrap
from countyexpress.adapters.db.uow import SqlUnitOfWork
from countyexpress.domain.access import Role
from countyexpress.entrypoints.api.app import create_app
from countyexpress.planning.siting import Objective, SitingRequest
from countyexpress.services import counties as county_service
from countyexpress.services import siting as siting_service
from countyexpress.settings import Settings
from packs import FIXTURES
from support.web import Someone, add_user, csrf_of, log_in

CODE = "990101"
COUNTY = f"/counties/{CODE}"
COMMUNITY, VILLAGE_1, VILLAGE_2 = "990101100001", "990101100201", "990101200201"
PLANNER = Someone("treg", Role.REGULATOR, CODE)
READER = Someone("tcentre", Role.CENTRE_OPERATOR, CODE)
DRIVER = Someone("tdriver", Role.DRIVER, CODE)


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Any, Any]]:
    """The test county loaded; a regulator, a centre operator and a driver of it."""
    tmp: Path = tmp_path_factory.mktemp("planning")
    settings = Settings(database_url=f"sqlite:///{tmp / 'p.db'}")
    engine = bootstrap.open_engine(settings)
    county_service.load_county(
        bootstrap.uow_factory(engine)(), bootstrap.read_pack_source(str(FIXTURES / "testcounty"))
    )
    for who in (PLANNER, READER, DRIVER):
        add_user(engine, who)
    yield create_app(settings, engine), engine
    engine.dispose()


def _as(world: tuple[Any, Any], who: Someone) -> TestClient:
    client = TestClient(world[0], follow_redirects=False)
    log_in(client, who.name)
    return client


@pytest.fixture
def planner(world: tuple[Any, Any]) -> TestClient:
    return _as(world, PLANNER)


def _json(html: str, element_id: str) -> Any:
    found = re.search(rf'id="{element_id}">(.*?)</script>', html, re.S)
    assert found, f"no #{element_id} in the page"
    return json.loads(found.group(1))


def _solve(client: TestClient, **fields: str) -> Any:
    token = csrf_of(client.get(f"{COUNTY}/siting").text)
    form = {"kind": "locker", "objective": "mclp", "time_limit_s": "20", "csrf_token": token}
    return client.post(f"{COUNTY}/siting", data=form | fields)


def test_the_siting_form_draws_the_sites_the_service_chooses(
    world: tuple[Any, Any], planner: TestClient
) -> None:
    """Two lockers within 1 km: the page's map layer holds exactly the service's choice."""
    r = _solve(planner, p="2", radius_km="1")
    assert r.status_code == 200, r.text
    expected = siting_service.plan_sites(
        SqlUnitOfWork(world[1]), CODE, "locker", SitingRequest(Objective.MCLP, 2, 1.0), by=None
    )
    drawn = _json(r.text, "siting-data")
    assert [s["id"] for s in drawn["chosen"]] == list(expected.result.chosen)
    assert set(expected.result.chosen) == {COMMUNITY, VILLAGE_2}  # the two most residents
    assert drawn["existing"] == []  # the county's only locker is planned, not open
    assert {p["code"] for p in drawn["places"]} == {COMMUNITY, VILLAGE_1, VILLAGE_2}
    assert expected.explain() in r.text.replace("&#39;", "'")
    assert 'data-optimal="true"' in r.text
    assert "placeholder" in {p["quality"] for p in drawn["places"]}  # 一号村 is flagged


def test_the_siting_answer_to_htmx_is_the_result_alone(planner: TestClient) -> None:
    """An htmx post gets the result fragment, not the whole layout."""
    token = csrf_of(planner.get(f"{COUNTY}/siting").text)
    r = planner.post(
        f"{COUNTY}/siting",
        data={"kind": "locker", "objective": "pmedian", "p": "1", "time_limit_s": "5"},
        headers={"HX-Request": "true", "X-CSRF-Token": token},
    )
    assert r.status_code == 200
    assert 'id="siting-answer"' in r.text and "<html" not in r.text
    assert len(_json(r.text, "siting-data")["chosen"]) == 1


def test_the_siting_page_proposes_village_stations_only_in_villages(planner: TestClient) -> None:
    """Stations by set cover at 0.5 km: the new site is 一号村, never the community, and the
    village that has a station already is not proposed again."""
    r = _solve(planner, kind="station", objective="setcover", radius_km="0.5")
    assert r.status_code == 200, r.text
    drawn = _json(r.text, "siting-data")
    assert [s["id"] for s in drawn["chosen"]] == [VILLAGE_1]
    assert [s["id"] for s in drawn["existing"]] == ["T-STA-1"]
    assert 'id="siting-villages-only"' in planner.get(f"{COUNTY}/siting").text


def test_a_question_the_solver_cannot_answer_says_why(planner: TestClient) -> None:
    """p-median without p: the form comes back with the reason, nothing solved."""
    r = _solve(planner, objective="pmedian")
    assert r.status_code == 422
    assert 'id="siting-error"' in r.text and "needs p" in r.text
    assert 'id="siting-form"' in r.text


def test_the_time_limit_is_bounded_to_a_minute(planner: TestClient) -> None:
    """A time limit above 60 s is refused before the solver runs."""
    assert _solve(planner, p="1", radius_km="1", time_limit_s="600").status_code == 422


def test_saving_makes_the_scenario_appear_in_the_list_and_side_by_side(
    planner: TestClient,
) -> None:
    """Two saved runs are listed, compared (new sites 2 and 1) and downloadable as Excel."""
    for name, p in (("two-lockers", "2"), ("one-locker", "1")):
        r = _solve(planner, p=p, radius_km="1", save=name)
        assert r.status_code == 200 and 'id="siting-saved"' in r.text
    page = planner.get(f"{COUNTY}/siting").text
    listed = re.findall(r'<tr data-scenario="([^"]+)">', page)
    assert {"two-lockers", "one-locker"} <= set(listed)
    query = {"names": ["two-lockers", "one-locker"], "radius_km": "1"}
    r = planner.get(f"{COUNTY}/siting/compare", params=query)
    assert r.status_code == 200
    columns = re.findall(r'<th data-scenario="([^"]+)">', r.text)
    assert columns == ["two-lockers", "one-locker"]
    row = re.search(r'<tr data-figure="new">(.*?)</tr>', r.text, re.S).group(1)  # type: ignore[union-attr]
    assert re.findall(r'class="num">(\d+)<', row) == ["2", "1"]
    drawn = _json(r.text, "compare-data")
    assert [len([x for x in s["sites"] if not x["existing"]]) for s in drawn["scenarios"]] == [2, 1]
    xlsx = planner.get(f"{COUNTY}/siting/compare.xlsx", params=query)
    assert xlsx.status_code == 200
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert [c.value for c in sheet[1]][1:] == ["two-lockers", "one-locker"]


def test_an_htmx_save_refreshes_the_scenario_list_too(planner: TestClient) -> None:
    """The fragment carries the list out of band, the new name in it."""
    token = csrf_of(planner.get(f"{COUNTY}/siting").text)
    r = planner.post(
        f"{COUNTY}/siting",
        data={"kind": "station", "objective": "setcover", "radius_km": "2", "save": "cover-2km"},
        headers={"HX-Request": "true", "X-CSRF-Token": token},
    )
    assert r.status_code == 200
    oob = re.search(r'id="siting-scenarios" hx-swap-oob="true">(.*?)</section>', r.text, re.S)
    assert oob and 'data-scenario="cover-2km"' in oob.group(1)


def test_a_reader_sees_the_scenarios_but_cannot_solve(world: tuple[Any, Any]) -> None:
    """A centre operator reads the page without the form; its post is refused (403)."""
    client = _as(world, READER)
    page = client.get(f"{COUNTY}/siting")
    assert page.status_code == 200
    assert 'id="siting-read-only"' in page.text and 'id="siting-form"' not in page.text
    token = csrf_of(page.text)
    form = {"kind": "locker", "objective": "mclp", "p": "1", "radius_km": "1", "csrf_token": token}
    assert client.post(f"{COUNTY}/siting", data=form).status_code == 403


def test_the_siting_link_is_shown_only_to_those_who_read_plans(world: tuple[Any, Any]) -> None:
    """The regulator's navigation has 选址 after the map; a driver's has none and gets 403."""
    nav = re.search(r'<nav class="main".*?</nav>', _as(world, PLANNER).get(f"{COUNTY}/map").text,
                    re.S).group(0)  # type: ignore[union-attr]  # fmt: skip
    hrefs = re.findall(r'href="([^"]+)"', nav)
    assert hrefs.index(f"{COUNTY}/siting") == hrefs.index(f"{COUNTY}/map") + 1
    driver = _as(world, DRIVER)
    assert f"{COUNTY}/siting" not in driver.get(f"{COUNTY}/map").text
    assert driver.get(f"{COUNTY}/siting").status_code == 403


def test_coverage_with_a_tiny_radius_lists_the_villages_outside(planner: TestClient) -> None:
    """Within 0.5 km of a village station: only 二号村 (its own station); 一号村 listed; the
    community is not judged by village stations at all."""
    r = planner.get(f"{COUNTY}/map", params={"kind": "station", "radius_km": "0.5"})
    assert r.status_code == 200
    table = re.search(r'<table id="coverage-outside-table">.*?</table>', r.text, re.S).group(0)  # type: ignore[union-attr]
    assert re.findall(r'<tr data-code="(\d+)"', table) == [VILLAGE_1]
    every = re.search(r'<table id="coverage-all-table">.*?</table>', r.text, re.S).group(0)  # type: ignore[union-attr]
    rows = dict(re.findall(r'<tr data-code="(\d+)" data-within="(\d)"', every))
    assert rows == {VILLAGE_1: "0", VILLAGE_2: "1"}
    assert 'data-coord="placeholder"' in table
    cover = {d["code"]: d["cover"] for d in _json(r.text, "map-data")["divisions"]}
    assert cover[VILLAGE_2]["within"] and cover[VILLAGE_2]["code"] == "T-STA-1"
    assert cover[COMMUNITY]["judged"] is False and not cover[COMMUNITY]["within"]
    assert 'id="coverage-community-note"' in r.text
    summary = re.search(r'id="coverage-summary">(.*?)</p>', r.text, re.S).group(1)  # type: ignore[union-attr]
    assert "2 个建制村中有 1 个" in summary  # villages only: the community is not counted
    assert 'value="coverage" checked' in r.text  # the villages are coloured by coverage


def test_a_community_is_judged_by_its_outlets_and_lockers(planner: TestClient) -> None:
    """The first colouring: the community with an outlet counts as served, not as a village
    without a station; within 0.5 km of an outlet it is inside, the villages outside."""
    places = {
        d["code"]: d for d in _json(planner.get(f"{COUNTY}/map").text, "map-data")["divisions"]
    }
    assert places[COMMUNITY]["station"] is True and places[COMMUNITY]["level"] == "community"
    assert places[VILLAGE_1]["station"] is False and places[VILLAGE_2]["station"] is True
    r = planner.get(f"{COUNTY}/map", params={"kind": "outlet", "radius_km": "0.5"})
    cover = {d["code"]: d["cover"] for d in _json(r.text, "map-data")["divisions"]}
    assert cover[COMMUNITY]["within"] and cover[COMMUNITY]["judged"]
    assert not cover[VILLAGE_1]["within"]


def test_coverage_with_a_wide_radius_lists_nobody(planner: TestClient) -> None:
    """Within 50 km every place reaches the station; a kind with none open reaches nobody."""
    r = planner.get(f"{COUNTY}/map", params={"kind": "station", "radius_km": "50"})
    assert 'id="coverage-all-within"' in r.text
    r = planner.get(f"{COUNTY}/map", params={"kind": "locker", "radius_km": "50"})
    covers = [d["cover"] for d in _json(r.text, "map-data")["divisions"] if d["cover"]]
    assert covers and all(c["code"] is None and not c["within"] for c in covers)


def test_the_map_without_a_question_stays_coloured_by_station(planner: TestClient) -> None:
    """No form sent: the pack's radius for village stations, the station colouring checked."""
    html = planner.get(f"{COUNTY}/map").text
    assert 'value="station" checked' in html
    assert _json(html, "map-data")["coverage"]["kind"] == "station"


def test_the_form_starts_from_defaults_and_keeps_what_was_asked(planner: TestClient) -> None:
    """Maximal covering, 3 new sites, 20 s by default; a refused question comes back as asked."""
    html = planner.get(f"{COUNTY}/siting").text
    assert 'value="mclp" checked' in html
    assert re.search(r'id="siting-p" value="3"', html)
    assert re.search(r'id="siting-time" value="20" min="1" max="60"', html)
    r = _solve(planner, objective="pmedian", radius_km="7.5", kind="station")
    assert 'value="pmedian" checked' in r.text and 'value="station" selected' in r.text
    assert re.search(r'id="siting-radius" value="7.5"', r.text)


def test_comparing_a_scenario_never_saved_says_so(planner: TestClient) -> None:
    """An unknown name: a 404 page naming it; no name at all: a 422 asking for one."""
    r = planner.get(f"{COUNTY}/siting/compare", params={"names": "never-saved"})
    assert r.status_code == 404 and "never-saved" in r.text and 'id="compare-error"' in r.text
    assert planner.get(f"{COUNTY}/siting/compare").status_code == 422
    assert planner.get(f"{COUNTY}/siting/compare.xlsx").status_code == 422


def test_save_under_an_answer_keeps_that_answer_without_solving_again(
    world: tuple[Any, Any], planner: TestClient
) -> None:
    """The save button names the answer shown by its token: the scenario holds that answer's
    sites even if the question's fields changed; another user's token, or none, solves the
    question again."""
    shown = _solve(planner, p="2", radius_km="1")
    token = re.search(r'name="plan_token" value="([^"]+)"', shown.text).group(1)  # type: ignore[union-attr]
    chosen = [s["id"] for s in _json(shown.text, "siting-data")["chosen"]]
    kept = _solve(planner, p="1", radius_km="1", save="kept-answer", plan_token=token)
    assert kept.status_code == 200 and 'id="siting-saved"' in kept.text
    [saved] = [s for s in siting_service.list_scenarios(SqlUnitOfWork(world[1]), CODE, by=None)
               if s.name == "kept-answer"]  # fmt: skip
    assert sorted(x.id for x in saved.sites if not x.existing) == sorted(chosen)
    assert saved.p == 2
    stranger = _as(world, PLANNER)  # the same user in another session may use it
    again = _solve(stranger, p="1", radius_km="1", save="solved-again", plan_token="nope")
    assert again.status_code == 200
    [other] = [s for s in siting_service.list_scenarios(SqlUnitOfWork(world[1]), CODE, by=None)
               if s.name == "solved-again"]  # fmt: skip
    assert len([x for x in other.sites if not x.existing]) == 1
