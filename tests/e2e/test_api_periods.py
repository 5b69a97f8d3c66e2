"""Out-of-range months and dates (issue 11, defect 9): a statement month `10000-01` and a
route date `9999-12-31` are refused with 422 and the reason in the API, on the driver's
screen and on the command line, and no month or date text gives a server error."""

from __future__ import annotations

import urllib.parse
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from countyexpress import bootstrap
from countyexpress.entrypoints.api.app import create_app
from countyexpress.entrypoints.cli import app as cli_app
from countyexpress.services import counties
from countyexpress.settings import Settings, get_settings
from support.web import PEOPLE, add_user, csrf_of, log_in

runner = CliRunner()
STATEMENT = "/api/v1/counties/652828/statements/zto/{}.xlsx"
ROUTES = "/api/v1/counties/652828/routes"
SOME_TEXT = st.one_of(
    st.text(max_size=14),
    st.from_regex(r"-?\d{1,6}-\d{1,3}(-\d{1,3})?", fullmatch=True),
    st.dates().map(lambda d: d.isoformat()),
)


@pytest.fixture(scope="module")
def centre(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[TestClient, dict[str, str]]]:
    folder = tmp_path_factory.mktemp("periods")
    settings_ = Settings(database_url=f"sqlite:///{folder / 'p.db'}")
    engine = bootstrap.open_engine(settings_)
    counties.load_county(bootstrap.uow_factory(engine)(), bootstrap.read_pack_source("heshuo"))
    add_user(engine, PEOPLE["centre_operator"])
    client = TestClient(create_app(settings_, engine))
    log_in(client, PEOPLE["centre_operator"].name)
    yield client, {"X-CSRF-Token": csrf_of(client.get("/login").text)}
    engine.dispose()


def test_a_statement_month_of_year_10000_is_refused_with_422(
    centre: tuple[TestClient, dict[str, str]],
) -> None:
    client, _ = centre
    r = client.get(STATEMENT.format("10000-01"))
    assert r.status_code == 422
    assert r.json()["field"] == "month" and "10000" in r.json()["detail"]
    assert client.get(STATEMENT.format("2026-11")).status_code == 200


def test_a_route_date_of_9999_12_31_is_refused_with_422(
    centre: tuple[TestClient, dict[str, str]],
) -> None:
    client, h = centre
    r = client.post(ROUTES, params={"date": "9999-12-31"}, headers=h)
    assert r.status_code == 422 and "9999" in r.json()["detail"]


def test_the_drivers_screen_refuses_a_day_outside_the_window(
    centre: tuple[TestClient, dict[str, str]],
) -> None:
    client, _ = centre
    r = client.get("/counties/652828/driver", params={"day": "9999-12-31"})
    assert r.status_code == 422 and "9999" in r.text


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(month=SOME_TEXT)
@example(month="10000-01")
def test_no_statement_month_gives_a_server_error(
    centre: tuple[TestClient, dict[str, str]], month: str
) -> None:
    client, _ = centre
    r = client.get(STATEMENT.format(urllib.parse.quote(month, safe="")))
    assert r.status_code < 500, (month, r.text)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(day=SOME_TEXT)
@example(day="9999-12-31")
def test_no_route_date_gives_a_server_error(
    centre: tuple[TestClient, dict[str, str]], day: str
) -> None:
    client, h = centre
    assert client.post(ROUTES, params={"date": day}, headers=h).status_code < 500
    assert client.get("/counties/652828/driver", params={"day": day}).status_code < 500


@pytest.fixture
def cli_database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("COUNTYEXPRESS_DATABASE_URL", f"sqlite:///{tmp_path / 'cx.db'}")
    get_settings.cache_clear()
    assert runner.invoke(cli_app, ["county", "load", "heshuo"]).exit_code == 0
    yield
    get_settings.cache_clear()


@pytest.mark.parametrize(
    "args",
    [
        ["centre", "statement", "zto", "--month", "10000-01"],
        ["centre", "statement", "zto", "--month", "not-a-month"],
        ["route", "plan", "--date", "9999-12-31"],
    ],
)
def test_the_command_line_refuses_them_with_the_reason_and_no_traceback(
    cli_database: None, args: list[str]
) -> None:
    result = runner.invoke(cli_app, [*args, "--county", "652828"])
    assert result.exit_code == 1
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "outside" in result.stderr or "is not a month" in result.stderr
