"""`countyexpress plan kpis|coverage` and /api/v1/counties/{code}/kpis|coverage, end to end."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from countyexpress import bootstrap
from countyexpress.entrypoints.api import plan as plan_api
from countyexpress.entrypoints.api.app import create_app
from countyexpress.entrypoints.cli import app
from countyexpress.services import counties as county_service
from countyexpress.settings import Settings, get_settings
from packs import FIXTURES, copy_pack, edit_line
from support.web import PEOPLE, Someone, add_user, log_in

runner = CliRunner()
KEYS = {"task", "indicator", "value", "target", "unit", "year", "lead_unit", "status"}


@pytest.fixture
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Each test has its own database file, chosen through the environment."""
    db = tmp_path / "cx.db"
    monkeypatch.setenv("COUNTYEXPRESS_DATABASE_URL", f"sqlite:///{db}")
    get_settings.cache_clear()
    yield db
    get_settings.cache_clear()


def cli(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def kpis(*extra: str) -> dict[str, dict[str, Any]]:
    """`plan kpis --county 652828 --json`, by indicator."""
    code, out, err = cli("plan", "kpis", "--county", "652828", "--json", *extra)
    assert code == 0, err
    return {row["indicator"]: row for row in json.loads(out)}


def test_plan_kpis_json_is_a_list_of_task_indicator_value_target_unit_year_lead_status(
    database: Path,
) -> None:
    """Every row has the keys the screens read; Heshuo's outlets are against 15."""
    assert cli("county", "load", "heshuo")[0] == 0
    code, out, _ = cli("plan", "kpis", "--county", "652828", "--year", "2022", "--json")
    assert code == 0
    rows = json.loads(out)
    assert isinstance(rows, list) and rows
    assert all(set(r) >= KEYS for r in rows)
    by = {r["indicator"]: r for r in rows}
    assert by["urban_outlets"]["target"] == 15 and by["urban_outlets"]["lead_unit"] == "县商工局"
    assert by["village_coverage_rate"]["target"] == 1
    assert by["urban_outlets"]["status"] in {"met", "behind"}


def test_the_year_picks_the_villages_target_95_percent_in_2021(database: Path) -> None:
    """--year 2021 asks the 95 % target."""
    cli("county", "load", "heshuo")
    row = kpis("--year", "2021")["village_coverage_rate"]
    assert (row["target"], row["year"], row["target_year"]) == (0.95, 2021, 2021)


def test_closing_a_station_in_the_pack_moves_the_village_coverage(
    database: Path, tmp_path: Path
) -> None:
    """Reloading the pack with HS-STA-01 closed lowers the rate by one village in 25."""
    cli("county", "load", "heshuo")
    before = kpis()["village_coverage_rate"]["value"]
    pack = copy_pack("heshuo", tmp_path)
    with (pack / "facilities.csv").open(encoding="utf-8") as fh:
        line = next(i for i, r in enumerate(csv.DictReader(fh), 2) if r["code"] == "HS-STA-01")
    edit_line(pack / "facilities.csv", line, "status", "closed")
    assert cli("county", "load", str(pack))[0] == 0
    assert kpis()["village_coverage_rate"]["value"] == pytest.approx(before - 1 / 25)


def test_plan_kpis_of_an_unknown_county_fails_with_a_reason(database: Path) -> None:
    """Exit 1 and the way to load it."""
    code, _, err = cli("plan", "kpis", "--county", "990101")
    assert code == 1 and "not loaded" in err


def test_plan_coverage_json_lists_each_place_with_its_nearest_facilities(database: Path) -> None:
    """32 places with outlet, locker and station; a summary per kind."""
    cli("county", "load", "heshuo")
    code, out, _ = cli("plan", "coverage", "--county", "652828", "--radius-km", "3", "--json")
    assert code == 0
    data = json.loads(out)
    assert data["radius_km"] == 3 and len(data["places"]) == 32
    assert {s["kind"] for s in data["summary"]} == {"outlet", "locker", "station"}
    first = data["places"][0]
    assert set(first["nearest"]) == {"outlet", "locker", "station"}
    assert {"code", "km", "basis", "within"} <= set(first["nearest"]["station"])


def test_plan_coverage_uses_the_road_matrix_given(database: Path, tmp_path: Path) -> None:
    """A road pair replaces great-circle × circuity for that place."""
    cli("county", "load", "heshuo")
    roads = tmp_path / "road_distances.csv"
    roads.write_text("from_code,to_code,km\n652828200208,HS-STA-03,2.0\n", encoding="utf-8")
    code, out, err = cli("plan", "coverage", "-c", "652828", "--kind", "station",
                         "--roads", str(roads), "--json")  # fmt: skip
    assert code == 0, err
    place = next(p for p in json.loads(out)["places"] if p["code"] == "652828200208")
    assert place["nearest"]["station"] == {
        "code": "HS-STA-03", "name": place["nearest"]["station"]["name"],
        "km": 2.0, "basis": "road", "within": True, "judged": True,
    }  # fmt: skip


def test_plan_coverage_never_judges_a_community_by_village_stations(database: Path) -> None:
    """光明中心社区 is neither within nor outside a station's radius: the table marks it ·,
    the JSON says judged false, and the station summary counts the 25 villages only."""
    cli("county", "load", "heshuo")
    code, out, _ = cli("plan", "coverage", "-c", "652828", "--kind", "station", "--json")
    assert code == 0
    data = json.loads(out)
    community = next(p for p in data["places"] if p["code"] == "652828100001")
    assert community["nearest"]["station"]["judged"] is False and community["outside"] == []
    assert data["summary"][0]["places"] == 25
    code, out, _ = cli("plan", "coverage", "-c", "652828", "--kind", "station")
    row = next(line for line in out.splitlines() if "652828100001" in line)
    assert "·" in row and "✗" not in row


def test_plan_coverage_refuses_a_road_matrix_naming_unknown_places(
    database: Path, tmp_path: Path
) -> None:
    """Exit 1 with the file, line and code."""
    cli("county", "load", "heshuo")
    roads = tmp_path / "road_distances.csv"
    roads.write_text("from_code,to_code,km\n652828200208,NOPE,2.0\n", encoding="utf-8")
    code, _, err = cli("plan", "coverage", "-c", "652828", "--roads", str(roads))
    assert code == 1 and "line 2" in err and "NOPE" in err


@pytest.fixture
def api(tmp_path: Path) -> Iterator[TestClient]:
    """The app with the plan router; Heshuo and the test county; a regulator of each."""
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'api.db'}")
    engine = bootstrap.open_engine(settings)
    for source in ("heshuo", str(FIXTURES / "testcounty")):
        county_service.load_county(
            bootstrap.uow_factory(engine)(), bootstrap.read_pack_source(source)
        )
    add_user(engine, PEOPLE["regulator"])
    add_user(engine, Someone("foreign", PEOPLE["regulator"].role, "990101"))
    web = create_app(settings, engine)
    if not any(getattr(r, "path", "").endswith("/kpis") for r in web.routes):
        web.include_router(plan_api.router)  # until app.py includes it
    with TestClient(web) as c:
        yield c
    engine.dispose()


def test_the_kpis_api_answers_the_same_rows_as_the_cli_for_a_regulator(api: TestClient) -> None:
    """GET /kpis?year=2021: the keys of the CLI's JSON, the 95 % target."""
    log_in(api, "reg")
    r = api.get("/api/v1/counties/652828/kpis", params={"year": 2021})
    assert r.status_code == 200
    by = {row["indicator"]: row for row in r.json()}
    assert set(by["urban_outlets"]) >= KEYS
    assert by["village_coverage_rate"]["target"] == 0.95


def test_the_coverage_api_answers_places_within_the_radius(api: TestClient) -> None:
    """GET /coverage?radius_km=2&kind=locker: one kind, 32 places."""
    log_in(api, "reg")
    r = api.get("/api/v1/counties/652828/coverage", params={"radius_km": 2, "kind": "locker"})
    assert r.status_code == 200
    data = r.json()
    assert data["kinds"] == ["locker"] and len(data["places"]) == 32


@pytest.mark.parametrize("path", ["kpis", "coverage"])
def test_the_plan_api_refuses_anonymous_callers_and_other_counties_regulators(
    api: TestClient, path: str
) -> None:
    """401 without a log-in; 403 for a regulator of another county."""
    assert api.get(f"/api/v1/counties/652828/{path}").status_code == 401
    log_in(api, "foreign")
    assert api.get(f"/api/v1/counties/652828/{path}").status_code == 403
