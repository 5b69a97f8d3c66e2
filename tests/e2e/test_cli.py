"""The `countyexpress` command line, end to end on a real SQLite file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from countyexpress.entrypoints.cli import app
from countyexpress.settings import get_settings
from packs import FIXTURES, copy_pack, edit_line

runner = CliRunner()


@pytest.fixture(autouse=True)
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Each test has its own database file, chosen through the environment."""
    db = tmp_path / "cx.db"
    monkeypatch.setenv("COUNTYEXPRESS_DATABASE_URL", f"sqlite:///{db}")
    get_settings.cache_clear()
    yield db
    get_settings.cache_clear()


def cli(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_db_upgrade_creates_the_database_file(database: Path) -> None:
    """`db upgrade` makes the SQLite file and its schema."""
    code, out, _ = cli("db", "upgrade")
    assert code == 0 and database.exists()
    assert "up to date" in out


def test_heshuo_loads_and_summarises_as_7_townships_25_villages_7_communities() -> None:
    """`county summary --json` gives integer counts."""
    assert cli("county", "load", "heshuo")[0] == 0
    code, out, _ = cli("county", "summary", "--county", "652828", "--json")
    assert code == 0
    data = json.loads(out)
    assert (data["townships"], data["villages"], data["communities"]) == (7, 25, 7)
    assert data["has_placeholders"] is True


def test_a_bad_pack_is_refused_naming_file_and_line_and_nothing_is_stored(tmp_path: Path) -> None:
    """A bad latitude on line 4 and a duplicate code: exit 1, both named, database unchanged."""
    pack = copy_pack("testcounty", tmp_path)
    edit_line(pack / "divisions.csv", 4, "lat", "95.0")
    edit_line(pack / "divisions.csv", 6, "code", "990101100001")
    code, _, err = cli("county", "load", str(pack))
    assert code == 1
    assert "divisions.csv line 4: lat: lat 95.0 is outside -90..90" in err
    assert "divisions.csv line 6: code: duplicate code 990101100001 (first on line 3)" in err
    assert "nothing was stored" in err
    code, out, _ = cli("county", "list", "--json")
    assert json.loads(out) == []


def test_two_counties_are_listed_side_by_side() -> None:
    """A second pack loads beside Heshuo."""
    cli("county", "load", "heshuo")
    assert cli("county", "load", str(FIXTURES / "testcounty"))[0] == 0
    _, out, _ = cli("county", "list", "--json")
    assert [c["code"] for c in json.loads(out)] == ["652828", "990101"]


def test_facilities_list_names_each_kind() -> None:
    """`facilities list --json` gives code, name and kind for every facility."""
    cli("county", "load", "heshuo")
    code, out, _ = cli("facilities", "list", "--county", "652828", "--json")
    assert code == 0
    items = json.loads(out)
    assert {"center", "sorting_center", "outlet", "locker", "station"} <= {i["kind"] for i in items}
    assert all({"code", "name", "kind"} <= set(i) for i in items)
    _, out, _ = cli("facilities", "list", "-c", "652828", "--kind", "locker", "--json")
    assert {i["kind"] for i in json.loads(out)} == {"locker"}


def test_an_unknown_county_is_a_clear_error() -> None:
    """Asking for a county that was never loaded says how to load one."""
    code, _, err = cli("county", "summary", "--county", "110101")
    assert code == 1
    assert "county 110101 is not loaded" in err


def test_export_writes_a_pack_that_loads_again_and_a_geojson(tmp_path: Path) -> None:
    """`county export` round-trips through `county load`."""
    cli("county", "load", "heshuo")
    dest = tmp_path / "export"
    code, _, _ = cli("county", "export", "652828", str(dest))
    assert code == 0
    doc = json.loads((dest / "652828.geojson").read_text(encoding="utf-8"))
    assert doc["type"] == "FeatureCollection" and doc["features"]
    code, out, _ = cli("county", "load", str(dest), "--json")
    assert code == 0
    result = json.loads(out)
    assert result["replaced"] is True
    assert (result["summary"]["townships"], result["summary"]["villages"]) == (7, 25)


def test_user_and_apikey_commands_create_an_administrator_a_keeper_and_a_key() -> None:
    """create-admin, add --role station_keeper --station, apikey create: keys print once."""
    assert cli("county", "load", "heshuo")[0] == 0
    r = runner.invoke(app, ["user", "create-admin", "--username", "admin", "--password-stdin"],
                      input="a long admin password\n")  # fmt: skip
    assert r.exit_code == 0, r.output
    assert cli("staff", "add", "K1", "--county", "652828", "--employer", "HS-STA-01",
               "--occupation", "handler", "--name", "王小明", "--id-number",
               "11010519491231002X", "--phone", "13800138000")[0] == 0  # fmt: skip
    assert cli("staff", "train", "K1", "--county", "652828", "--on", "2026-03-01",
               "--pre-job")[0] == 0  # fmt: skip
    r = runner.invoke(app, ["user", "add", "keeper", "--role", "station_keeper", "--county",
                            "652828", "--station", "HS-STA-01", "--staff-no", "K1",
                            "--password-stdin"], input="a long keeper password\n")  # fmt: skip
    assert r.exit_code == 0, r.output
    r = runner.invoke(app, ["user", "add", "k2", "--role", "station_keeper", "--county",
                            "652828", "--staff-no", "K1", "--password-stdin"],
                      input="a long password 2\n")  # fmt: skip
    assert r.exit_code == 1 and "station" in r.output
    code, listing, _ = cli("user", "list")
    assert "keeper" in listing and "HS-STA-01" in listing and "argon2" not in listing
    code, key, _ = cli("apikey", "create", "--carrier", "zto", "--county", "652828")
    assert code == 0 and key.strip().startswith("cek_")
    code, keys, _ = cli("apikey", "list")
    assert key.strip().split(".")[0] in keys and key.strip() not in keys
