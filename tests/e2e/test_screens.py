"""The county screens over HTTP: overview, map data, registries with Excel out and in."""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from openpyxl import Workbook, load_workbook

from countyexpress import bootstrap
from countyexpress.entrypoints.api.app import create_app
from countyexpress.services import counties as service
from countyexpress.settings import Settings
from support.web import PEOPLE, add_user, csrf_of, log_in

HESHUO = "/counties/652828"


def _heshuo() -> Any:
    return bootstrap.read_pack_source("heshuo")


@pytest.fixture(scope="module")
def app_and_engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[object, object]]:
    tmp: Path = tmp_path_factory.mktemp("screens")
    settings = Settings(database_url=f"sqlite:///{tmp / 's.db'}")
    engine = bootstrap.open_engine(settings)
    service.load_county(bootstrap.uow_factory(engine)(), bootstrap.read_pack_source("heshuo"))
    for role in ("regulator", "station_keeper"):
        add_user(engine, PEOPLE[role])
    yield create_app(settings, engine), engine
    engine.dispose()


@pytest.fixture
def reg(app_and_engine: tuple[object, object]) -> TestClient:
    client = TestClient(app_and_engine[0])  # type: ignore[arg-type]
    log_in(client, "reg")
    return client


@pytest.fixture
def keeper(app_and_engine: tuple[object, object]) -> TestClient:
    client = TestClient(app_and_engine[0])  # type: ignore[arg-type]
    log_in(client, "keeper")
    return client


def test_the_first_page_is_the_overview_in_chinese(reg: TestClient) -> None:
    """/ leads to the only county's overview, in Chinese, with every plan target listed."""
    r = reg.get("/")
    assert r.url.path == f"{HESHUO}/overview"
    assert "总览" in r.text and "方案目标" in r.text
    targets = re.search(r'<table id="targets">.*?</table>', r.text, re.S).group(0)  # type: ignore[union-attr]
    rows = re.findall(r'<tr data-indicator="([a-z_]+)">', targets)
    assert len(rows) == len(_heshuo().plan.targets) and "village_coverage_rate" in rows
    # current values are computed from the registry: the villages reached is the count of
    # administrative villages the county page lists, and demo-based values are flagged
    current = dict(zip(rows, re.findall(r'class="num current">([^<]*)<', targets), strict=True))
    villages = re.search(r'id="count-villages">(\d+)<', r.text).group(1)  # type: ignore[union-attr]
    assert current["administrative_villages"] == villages
    assert 'id="demo-values-notice"' in r.text
    assert 'id="alerts"' in r.text and 'data-alert="villages_without_station"' in r.text
    assert r.text.count('<tr data-day="') == 14 and "/static/vendor/uplot/" in r.text
    assert "2021年10月30日" in r.text  # the plan's date in the Chinese long format
    assert 'id="placeholder-notice"' in r.text and 'id="demo-notice"' in r.text
    assert "CC-BY-4.0" in r.text  # the division data's credit in the footer


def test_the_overview_in_english_formats_dates_the_english_way(reg: TestClient) -> None:
    """Same page, ?lang=en: English labels and an English date."""
    html = reg.get(f"{HESHUO}/overview", params={"lang": "en"}).text
    assert "The plan&#39;s targets" in html and "October 30, 2021" in html
    notice = re.search(r'id="placeholder-notice">([^<]*)<', html).group(1)  # type: ignore[union-attr]
    assert notice.startswith("This county") and "估计" not in notice


def test_the_map_page_carries_every_located_point_and_no_outside_url(reg: TestClient) -> None:
    """Townships, villages and facilities with coordinates; no tiles unless configured."""
    html = reg.get(f"{HESHUO}/map").text
    data = json.loads(re.search(r'id="map-data">(.*?)</script>', html, re.S).group(1))  # type: ignore[union-attr]
    levels = {d["level"] for d in data["divisions"]}
    assert levels >= {"township", "village"} and data["facilities"]
    assert 'data-tiles=""' in html
    assert not re.search(r'(src|href)="https?://', html)


def test_the_facilities_export_is_a_workbook_of_every_facility(reg: TestClient) -> None:
    """One header row, one row per facility, the pack's columns."""
    r = reg.get(f"{HESHUO}/facilities.xlsx")
    assert r.headers["content-type"].startswith("application/vnd.openxmlformats")
    ws = load_workbook(io.BytesIO(r.content)).active
    header = [c.value for c in ws[1]]
    assert header[:3] == ["code", "name", "kind"]
    listed = reg.get(f"{HESHUO}/facilities").text.count("<tr data-kind=")
    assert ws.max_row - 1 == listed > 0


def _upload(client: TestClient, data: bytes, name: str = "facilities.xlsx") -> object:
    token = csrf_of(client.get(f"{HESHUO}/facilities").text)
    return client.post(
        f"{HESHUO}/facilities/import",
        data={"csrf_token": token},
        files={"file": (name, data, "application/octet-stream")},
    )


def test_an_exported_workbook_imports_back_with_an_edit(reg: TestClient) -> None:
    """Export, rename one facility, add one, import: one updated, one added."""
    wb = load_workbook(io.BytesIO(reg.get(f"{HESHUO}/facilities.xlsx").content))
    ws = wb.active
    header = [c.value for c in ws[1]]
    ws.cell(2, header.index("name") + 1, "改名后的共配中心")
    station = next(r for r in ws.iter_rows(min_row=2, values_only=True) if r[2] == "station")
    new = list(station)
    new[0], new[1] = "HS-STA-NEW", "新服务站 (demo)"
    ws.append(new)
    out = io.BytesIO()
    wb.save(out)
    before = reg.get(f"{HESHUO}/facilities").text.count("<tr data-kind=")
    r = _upload(reg, out.getvalue())
    assert r.status_code == 200, r.text  # type: ignore[attr-defined]
    assert 'id="import-result"' in r.text  # type: ignore[attr-defined]
    after = reg.get(f"{HESHUO}/facilities").text
    assert after.count("<tr data-kind=") == before + 1
    assert "改名后的共配中心" in after and "HS-STA-NEW" in after


def test_a_workbook_with_bad_rows_is_refused_whole_with_each_row_named(reg: TestClient) -> None:
    """A bad kind on row 2 and an unknown division on row 3: nothing stored, both reported."""
    wb = Workbook()
    ws = wb.active
    ws.append(["code", "name", "kind", "division_code", "status", "quality"])
    ws.append(["HS-BAD-1", "坏行一", "spaceport", "", "open", "demo"])
    ws.append(["HS-BAD-2", "坏行二", "center", "652828999999", "open", "demo"])
    ws.append(["HS-GOOD", "好行", "center", "", "open", "demo"])
    out = io.BytesIO()
    wb.save(out)
    before = reg.get(f"{HESHUO}/facilities").text
    r = _upload(reg, out.getvalue())
    assert r.status_code == 422  # type: ignore[attr-defined]
    problems = re.search(r'id="import-problems".*?</div>', r.text, re.S).group(0)  # type: ignore[attr-defined,union-attr]
    assert "第 2 行" in problems and "<code>kind</code>" in problems
    assert "第 3 行" in problems and "<code>division_code</code>" in problems
    assert "HS-GOOD" not in reg.get(f"{HESHUO}/facilities").text  # all or nothing
    assert reg.get(f"{HESHUO}/facilities").text.count("<tr data-kind=") == before.count(
        "<tr data-kind="
    )


def test_a_file_that_is_not_a_workbook_is_refused(reg: TestClient) -> None:
    """A CSV renamed .xlsx gets a plain reason, not a server error."""
    r = _upload(reg, b"code,name\nX,Y\n")
    assert r.status_code == 422 and "Excel" in r.text  # type: ignore[attr-defined]


def test_a_station_keeper_reads_the_registry_but_cannot_export_or_import(
    keeper: TestClient,
) -> None:
    """Registries are the regulator's: the keeper sees no export button and gets 403."""
    page = keeper.get(f"{HESHUO}/facilities")
    assert page.status_code == 200 and 'id="export-xlsx"' not in page.text
    assert keeper.get(f"{HESHUO}/facilities.xlsx").status_code == 403
    assert _upload(keeper, b"PK").status_code == 403  # type: ignore[attr-defined]


def test_the_overview_hides_county_parcel_counts_from_a_station_keeper(keeper: TestClient) -> None:
    """A keeper is bound to one station: no county-wide parcel numbers."""
    html = keeper.get(f"{HESHUO}/overview").text
    assert 'id="parcels-by-state"' not in html and 'id="no-parcels"' not in html
    assert 'id="volume-chart"' not in html


def test_the_lookup_page_is_public(app_and_engine: tuple[object, object]) -> None:
    """Anyone may open it; without the lookup API it says so instead of a broken form."""
    page = TestClient(app_and_engine[0]).get("/lookup")  # type: ignore[arg-type]
    assert page.status_code == 200
    assert ('id="lookup-form"' in page.text) != ('id="lookup-unavailable"' in page.text)


def test_the_map_draws_todays_planned_routes_for_those_who_read_routes(
    app_and_engine: tuple[object, object], reg: TestClient, keeper: TestClient
) -> None:
    """A plan made today: one line per vehicle run from the depot and back; a keeper sees none."""
    import datetime as dt

    from countyexpress.adapters.db.uow import SqlUnitOfWork
    from countyexpress.adapters.packs.vehicles import fleet_for
    from countyexpress.planning.routing import PyVRPPlanner
    from countyexpress.services import routes
    from support.route_day import heshuo_day

    engine: Any = app_and_engine[1]
    heshuo_day(engine)
    quick = PyVRPPlanner(seconds=1, max_iterations=100)
    today = dt.datetime.now(dt.timezone(dt.timedelta(hours=8))).date()  # the county's today
    plan = routes.plan_day(SqlUnitOfWork(engine), "652828", today, fleet_for("652828"), quick)

    def layers(client: TestClient) -> Any:
        html = client.get(f"{HESHUO}/map").text
        return json.loads(re.search(r'id="map-data">(.*?)</script>', html, re.S).group(1))  # type: ignore[union-attr]

    drawn = layers(reg)["routes"]
    assert drawn["plan_id"] == plan.plan_id
    assert [r["vehicle"] for r in drawn["runs"]] == [r.vehicle for r in plan.runs]
    for run in drawn["runs"]:
        assert len(run["points"]) >= 3 and run["points"][0] == run["points"][-1]
    assert layers(keeper)["routes"] is None


def test_a_station_refusal_reads_in_the_screens_language(keeper: TestClient) -> None:
    """The service's reason comes translated: Chinese first, English on the switch."""
    page = keeper.get("/station", follow_redirects=True)
    url = f"{HESHUO}/stations/HS-STA-01/inbound"  # the keeper's station
    assert f'action="{url}"' in page.text
    form = {"waybill": "ZT7399999999999", "csrf_token": csrf_of(page.text)}
    zh = keeper.post(url, data=form).text
    assert "运单 ZT7399999999999 不在任何清单上：请登记为问题件" in zh
    keeper.get("/?lang=en")
    en = keeper.post(url, data=form).text
    assert "waybill ZT7399999999999 is on no manifest: report it as an exception" in en
