"""A rescan on the station's screen, its API and its command line (issue 12): refused next
to the scan box, in Chinese, in the county's time; no pickup code, no SMS."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select
from typer.testing import CliRunner

from countyexpress import bootstrap
from countyexpress.adapters.db.tables_ops import outbox
from countyexpress.adapters.db.uow import SqlUnitOfWork
from countyexpress.adapters.vault import Vault
from countyexpress.entrypoints.api.app import create_app
from countyexpress.entrypoints.cli import app as cli_app
from countyexpress.services import counties, stations
from countyexpress.settings import Settings, get_settings
from support.web import HESHUO, PEOPLE, add_user, csrf_of, log_in, seed_station_parcel

WB = "ZT7312345678941"
ZONE = dt.timezone(dt.timedelta(hours=8))


def messages(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(outbox)).scalar_one())


@pytest.fixture
def handed_over(tmp_path: Path) -> Iterator[tuple[Settings, Engine, str]]:
    """WB stored at its station an hour ago and handed over 30 minutes later; the county's
    time of the hand-over as a desk says it (MM-DD HH:MM)."""
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'rescan.db'}")
    engine = bootstrap.open_engine(settings)
    counties.load_county(bootstrap.uow_factory(engine)(), bootstrap.read_pack_source("heshuo"))
    add_user(engine, PEOPLE["station_keeper"])
    station = seed_station_parcel(engine, settings, WB)
    assert station == PEOPLE["station_keeper"].station
    vault = Vault(settings.data_key_bytes())
    stored_at = dt.datetime.now(dt.UTC) - dt.timedelta(hours=1)
    stored = stations.station_inbound(SqlUnitOfWork(engine), vault, HESHUO, station, WB,
                                      at=stored_at)  # fmt: skip
    at = stored_at + dt.timedelta(minutes=30)
    stations.hand_over(SqlUnitOfWork(engine), vault, HESHUO, station, stored.pickup_code,
                       "5678", at=at)  # fmt: skip
    assert messages(engine) == 1
    yield settings, engine, at.astimezone(ZONE).strftime("%m-%d %H:%M")
    engine.dispose()


def test_the_station_screen_refuses_a_rescan_next_to_the_scan_box_in_chinese(
    handed_over: tuple[Settings, Engine, str],
) -> None:
    """The keeper scans the handed-over parcel: 已于 … 交付, shown where the scan answers
    (htmx swaps it into the scan box's answer; without JavaScript the page comes back with
    it in the same place); no pickup code, no SMS, the parcel stays handed over."""
    settings, engine, when = handed_over
    url = f"/counties/{HESHUO}/stations/HS-STA-01"
    with TestClient(create_app(settings, engine)) as client:
        log_in(client, "keeper")
        form = {"waybill": WB, "csrf_token": csrf_of(client.get(url).text)}
        fragment = client.post(f"{url}/inbound", data=form, headers={"HX-Request": "true"})
        assert fragment.status_code == 200 and "<html" not in fragment.text
        assert 'data-outcome="refused"' in fragment.text
        assert f"{WB} 已于 {when} 交付" in fragment.text
        assert "pickup-code" not in fragment.text
        page = client.post(f"{url}/inbound", data=form)
        assert page.status_code == 422
        answer = re.search(r'id="scan-result"[^>]*>(.*?)</div>', page.text, re.S)
        assert answer is not None and f"已于 {when} 交付" in answer.group(1)
        client.get("/?lang=en")
        english = client.post(f"{url}/inbound", data=form, headers={"HX-Request": "true"})
        assert f"{WB} was handed over on {when}" in english.text
        parcel = client.get(f"/api/v1/parcels/{WB}").json()
    assert parcel["state"] == "delivered"
    assert messages(engine) == 1


def test_the_station_api_refuses_a_rescan_by_name(
    handed_over: tuple[Settings, Engine, str],
) -> None:
    """POST /api/v1/stations/{facility}/inbound: refused with the reason, nothing stored."""
    settings, engine, when = handed_over
    with TestClient(create_app(settings, engine)) as client:
        log_in(client, "keeper")
        token = csrf_of(client.get("/login").text)
        r = client.post(
            "/api/v1/stations/HS-STA-01/inbound",
            headers={"X-CSRF-Token": token},
            json={"county": HESHUO, "waybills": [WB]},
        )
    assert r.status_code == 200, r.text
    assert r.json() == {
        "stored": [],
        "refused": [{"waybill_no": WB, "reason": f"{WB} was handed over on {when}"}],
    }
    assert messages(engine) == 1


def test_the_command_line_refuses_a_rescan_and_the_parcel_stays_handed_over(
    handed_over: tuple[Settings, Engine, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """`station inbound` and `centre inbound` exit 1 with the reason; `parcel show --json`
    says delivered."""
    settings, engine, when = handed_over
    monkeypatch.setenv("COUNTYEXPRESS_DATABASE_URL", settings.database_url)
    get_settings.cache_clear()
    runner = CliRunner()
    try:
        again = runner.invoke(
            cli_app, ["station", "inbound", WB, "--facility", "HS-STA-01", "--county", HESHUO]
        )
        assert again.exit_code == 1
        assert f"{WB} was handed over on {when}" in again.stderr
        centre = runner.invoke(cli_app, ["centre", "inbound", WB, "--county", HESHUO])
        assert centre.exit_code == 1 and f"{WB} was handed over on {when}" in centre.stderr
        shown = runner.invoke(cli_app, ["parcel", "show", WB, "--json"])
        assert shown.exit_code == 0, shown.stderr
        assert json.loads(shown.stdout)["state"] == "delivered"
    finally:
        get_settings.cache_clear()
    assert messages(engine) == 1
