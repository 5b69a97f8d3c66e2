"""Issue 18's "done when", in the suite's chromium: a station keeper opens the station screen,
the network is cut, the page is reloaded and still works (the service worker's copy), a
parcel is scanned into the queue on the phone, the network returns, and the parcel is
stored at the station in the ledger (`countyexpress parcel show --json`) at the scan's
device time.

The app runs on its own server and database here (a parcel of this test's own, and a
ledger it reads with the CLI), in a fresh browser context like every browser test."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import pytest

from conftest import _new_page, serve, shoot
from countyexpress import bootstrap
from countyexpress.services import counties as county_service
from countyexpress.settings import Settings
from support.web import (
    HESHUO,
    PASSWORD,
    PEOPLE,
    RECEIVER_PHONE,
    STATION,
    add_user,
    seed_station_parcel,
)

WAYBILL = "ZT7312345678941"
STATION_PAGE = f"/counties/{HESHUO}/stations/{STATION}"


@pytest.fixture(scope="module")
def station_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """(base URL, database URL): Heshuo, its station keeper, a parcel on its way there."""
    tmp = tmp_path_factory.mktemp("offline")
    url = f"sqlite:///{tmp / 'offline.db'}"
    settings = Settings(database_url=url, environment="test")
    engine = bootstrap.open_engine(settings)
    source = bootstrap.read_pack_source("heshuo")
    county_service.load_county(bootstrap.uow_factory(engine)(), source)
    add_user(engine, PEOPLE["station_keeper"])
    add_user(engine, PEOPLE["driver"])
    assert seed_station_parcel(engine, settings, WAYBILL) == STATION
    engine.dispose()
    with serve(url, tmp) as base:
        yield base, url


@pytest.fixture
def keeper_phone(browser: Any, station_app: tuple[str, str]) -> Iterator[tuple[Any, Any]]:
    """A 360 px phone in a fresh context (no cookies, no service worker yet)."""
    context, pg, outside = _new_page(browser, station_app[0], 360, 740, service_workers="allow")
    yield context, pg
    context.close()
    outside.check()


def _parcel_show(database_url: str) -> dict[str, Any]:
    env = {**os.environ, "COUNTYEXPRESS_DATABASE_URL": database_url}
    out = subprocess.run(
        [sys.executable, "-m", "countyexpress.entrypoints.cli", "parcel", "show", WAYBILL,
         "--json"],
        env=env, capture_output=True, text=True, check=True, timeout=60,
    )  # fmt: skip
    parsed: dict[str, Any] = json.loads(out.stdout)
    return parsed


KEPT = """async () => {
  const cache = await caches.open("countyexpress-screens");
  return !!(await cache.match(location.pathname));
}"""
"""Whether the service worker (or the page, on its first visit) has kept this screen."""


def test_a_scan_made_without_a_signal_is_stored_at_its_device_time_when_it_returns(
    keeper_phone: tuple[Any, Any], station_app: tuple[str, str]
) -> None:
    context, phone = keeper_phone
    phone.goto("/login")
    phone.fill('input[name="username"]', "keeper")
    phone.fill('input[name="password"]', PASSWORD)
    phone.click('#login-form button[type="submit"]')
    phone.wait_for_url(f"**{STATION_PAGE}")
    phone.wait_for_function("() => navigator.serviceWorker.ready.then(() => true)")
    phone.wait_for_function(KEPT, polling=200)  # the screen is on the phone

    context.set_offline(True)
    phone.reload()  # no network: the service worker answers with the kept screen
    phone.wait_for_selector("#scan-form")
    assert phone.evaluate("!!navigator.serviceWorker.controller")
    phone.wait_for_function(
        "() => document.activeElement !== null && document.activeElement.id === 'waybill'"
    )
    phone.keyboard.type(WAYBILL)  # the scanner types the waybill and Enter, as online
    phone.keyboard.press("Enter")
    phone.wait_for_selector('#scan-result [data-outcome="queued"]')
    phone.wait_for_selector('#offline-count[data-count="1"]')
    assert "待上传" in phone.inner_text("#offline-count")
    queued = phone.evaluate("CountyOffline.all()")
    assert [q["waybill"] for q in queued] == [WAYBILL]
    device_time = dt.datetime.fromisoformat(queued[0]["occurred_at"])
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    shoot(phone, "station-offline-queued-360")

    context.set_offline(False)  # the signal returns: the queue goes up by itself
    _forget_tries(phone)
    phone.wait_for_selector('#offline-count[data-count="0"]', state="attached", timeout=30_000)
    phone.wait_for_selector('#offline-note [data-outcome="uploaded"]')
    assert phone.ce_outside.failed == []
    phone.wait_for_selector(f'#waiting tr[data-waybill="{WAYBILL}"]')
    shoot(phone, "station-offline-uploaded-360")

    parcel = _parcel_show(station_app[1])
    assert parcel["state"] == "stored" and parcel["place"] == STATION
    arrived = [e for e in parcel["events"] if e["event_id"] == queued[0]["event_id"]]
    assert [(e["kind"], dt.datetime.fromisoformat(e["at"])) for e in arrived] == [
        ("arrive", device_time)
    ]

    # the receiver comes while the signal is gone again: code and tail checked on the phone
    code = phone.inner_text(f'#waiting tr[data-waybill="{WAYBILL}"] td b')
    phone.wait_for_function(KEPT_SHELF, arg=WAYBILL, polling=200)
    context.set_offline(True)
    phone.reload()
    phone.wait_for_selector(f'#waiting tr[data-waybill="{WAYBILL}"]')  # found on the phone
    phone.fill('#handover-form input[name="pickup"]', code)
    phone.fill('#handover-form input[name="tail"]', "0000")
    phone.click('#handover-form button[type="submit"]')
    phone.wait_for_selector('#handover-result [data-outcome="wrong"]')
    phone.fill('#handover-form input[name="pickup"]', code)
    phone.fill('#handover-form input[name="tail"]', RECEIVER_PHONE[-4:])
    phone.click('#handover-form button[type="submit"]')
    phone.wait_for_selector('#handover-result [data-outcome="to-confirm"]')
    phone.wait_for_selector(f'#waiting tr[data-waybill="{WAYBILL}"] .to-confirm')
    (handed,) = phone.evaluate('CountyOffline.all("handovers")')
    assert "data" in handed["tail"] and RECEIVER_PHONE[-4:] not in json.dumps(handed["tail"])
    shoot(phone, "station-offline-to-confirm-360")

    context.set_offline(False)
    _forget_tries(phone)
    phone.wait_for_selector('#handover-result [data-outcome="confirmed"]', timeout=30_000)
    parcel = _parcel_show(station_app[1])
    assert parcel["state"] == "delivered"
    assert dt.datetime.fromisoformat(parcel["events"][-1]["at"]) == dt.datetime.fromisoformat(
        handed["occurred_at"]
    )

    phone.click("#logout")  # signed out: the kept screens behind log-in are forgotten
    phone.wait_for_url("**/login**")
    phone.wait_for_function(FORGOTTEN, arg=STATION_PAGE, polling=200)


def test_the_look_up_and_driver_screens_open_again_without_a_signal(
    keeper_phone: tuple[Any, Any],
) -> None:
    """The public look-up, then a driver's run: each seen once with a signal, each reloads
    from the phone without one."""
    context, phone = keeper_phone
    phone.goto("/lookup")
    phone.wait_for_function("() => navigator.serviceWorker.ready.then(() => true)")
    phone.wait_for_function(KEPT, polling=200)
    context.set_offline(True)
    phone.reload()
    phone.wait_for_selector("#lookup-form")
    context.set_offline(False)

    phone.goto("/login")
    phone.fill('input[name="username"]', "driver")
    phone.fill('input[name="password"]', PASSWORD)
    phone.click('#login-form button[type="submit"]')
    phone.wait_for_url(f"**/counties/{HESHUO}/driver**")
    phone.wait_for_function(KEPT, polling=200)
    context.set_offline(True)
    phone.reload()
    phone.wait_for_selector("#day-picker")
    assert phone.evaluate("!!navigator.serviceWorker.controller")
    shoot(phone, "driver-offline-360")
    context.set_offline(False)


def _forget_tries(phone: Any) -> None:
    """The requests that failed without a signal were the station screen's own tries, and
    only those. (Whether the browser reports such a try as failed, or as cancelled by the
    reload, net::ERR_ABORTED, which the fixture does not count, depends on its timing.)"""
    tried = phone.ce_outside.failed
    assert all(f"{STATION_PAGE} " in f or f"{STATION_PAGE}/" in f for f in tried), tried
    tried.clear()


FORGOTTEN = """async (path) => {
  const cache = await caches.open("countyexpress-screens");
  return !(await cache.match(path));
}"""

KEPT_SHELF = """async (waybill) => {
  const cache = await caches.open("countyexpress-screens");
  const page = await cache.match(location.pathname);
  const kept = await CountyOffline.getMeta("shelf:" + location.pathname + "/offline-shelf");
  return !!page && (await page.text()).includes(waybill) && !!kept
    && kept.parcels.some((p) => p.waybill === waybill);
}"""
"""Whether the phone keeps the screen with the parcel on the shelf, and its check."""
