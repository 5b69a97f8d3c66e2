"""A real browser on the real app: Debian's chromium driven by Playwright, the app served by
`countyexpress serve` (uvicorn) on a free 127.0.0.1 port with a temporary SQLite database.

Screenshots go to test-artifacts/browser/ (git-ignored). Every request the pages make is
checked: one that leaves 127.0.0.1 is blocked and fails the test that caused it.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from countyexpress import bootstrap
from countyexpress.adapters.packs import builtin_pack_path
from countyexpress.services import counties as county_service
from countyexpress.services import vehicles as vehicle_service
from countyexpress.settings import Settings
from support.web import PEOPLE, add_user, seed_manifest_parcel, seed_station_parcel

CHROMIUM = Path(os.environ.get("COUNTYEXPRESS_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--headless=new",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
PARCELS = ("ZT7312345678901",)
"""Parcels dispatched to the station keeper's station before the server starts."""
CENTRE_PARCEL = "ZT7312345678909"
"""A parcel on a manifest, not yet at the centre."""
ARTIFACTS = Path(__file__).resolve().parents[3] / "test-artifacts" / "browser"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _plan_today(engine: Any) -> None:
    """A demo day sorted at the centre and routed today, for the map's route layer."""
    import datetime as dt

    from countyexpress.adapters.db.uow import SqlUnitOfWork
    from countyexpress.adapters.packs.vehicles import fleet_for
    from countyexpress.planning.routing import PyVRPPlanner
    from countyexpress.services import routes
    from support.route_day import heshuo_day

    heshuo_day(engine)
    quick = PyVRPPlanner(seconds=1, max_iterations=100)
    today = dt.datetime.now(dt.timezone(dt.timedelta(hours=8))).date()  # the county's today
    routes.plan_day(SqlUnitOfWork(engine), "652828", today, fleet_for("652828"), quick)


@pytest.fixture(scope="session")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app served by `countyexpress serve` on Heshuo, with a user of each role."""
    tmp = tmp_path_factory.mktemp("browser")
    url = f"sqlite:///{tmp / 'browser.db'}"
    settings = Settings(database_url=url, environment="test")
    engine = bootstrap.open_engine(settings)
    county_service.load_county(
        bootstrap.uow_factory(engine)(), bootstrap.read_pack_source("heshuo")
    )
    vehicle_service.load_pack_vehicles(  # the registry the centre dispatches on
        bootstrap.uow_factory(engine)(), "652828", builtin_pack_path("heshuo") or Path("heshuo")
    )
    for who in PEOPLE.values():
        add_user(engine, who)
    for waybill in PARCELS:
        assert seed_station_parcel(engine, settings, waybill) == PEOPLE["station_keeper"].station
    seed_manifest_parcel(engine, settings, CENTRE_PARCEL)
    _plan_today(engine)
    engine.dispose()
    with serve(url, tmp) as base:
        yield base


@contextlib.contextmanager
def serve(url: str, tmp: Path) -> Iterator[str]:
    """`countyexpress serve` on the database at `url`, on a free 127.0.0.1 port, until the
    block ends; its log in `tmp`/server.log."""
    port = _free_port()
    env = {**os.environ, "COUNTYEXPRESS_DATABASE_URL": url, "COUNTYEXPRESS_ENVIRONMENT": "test"}
    log = (tmp / "server.log").open("wb")
    proc = subprocess.Popen(
        [sys.executable, "-m", "countyexpress.entrypoints.cli", "serve", "--port", str(port)],
        env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if proc.poll() is not None:
                pytest.fail((tmp / "server.log").read_text(errors="replace"))
            if time.monotonic() > deadline:
                pytest.fail("the server did not come up in 60 s")
            time.sleep(0.2)
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        log.close()


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Headless chromium; the tests are skipped, saying why, where it cannot run."""
    if not CHROMIUM.exists():
        pytest.skip(
            f"no chromium at {CHROMIUM}: install Debian's chromium (apt-get install chromium); "
            "`python3 dev.py test` does that by itself when run as root"
        )
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield b
        b.close()


class Outside:
    """Requests that tried to leave the machine, and what the page's console said wrong:
    Content-Security-Policy violations (Chromium reports each as a console error, "Refused
    to …"), uncaught script errors, and failed requests (no answer, a missing asset, a
    server error). Any of them fails the test that caused it, on every page it opens."""

    def __init__(self) -> None:
        self.urls: list[str] = []
        self.violations: list[str] = []
        self.page_errors: list[str] = []
        self.failed: list[str] = []

    def console(self, message: Any) -> None:
        text = str(message.text)
        if message.type == "error" and ("Content Security Policy" in text or "Refused to" in text):
            self.violations.append(text)

    def page_error(self, error: Any) -> None:
        self.page_errors.append(str(error))

    def request_failed(self, request: Any) -> None:
        """A request to the app that got no answer (an outside one is in `urls` already).
        One the browser itself cancelled (net::ERR_ABORTED: the page navigated on, e.g. a
        form posted while its scripts were still loading) is no failure of the app: a
        missing asset answers 404 (`response`), an outside address is in `urls`."""
        if request.url.startswith("http://127.0.0.1") and request.failure != "net::ERR_ABORTED":
            self.failed.append(f"{request.method} {request.url}: {request.failure}")

    def response(self, response: Any) -> None:
        """A script, style sheet, image or font the page needs that the app did not serve,
        and any server error (a 4xx answer to a page or a form is the test's business)."""
        kind = response.request.resource_type
        bad = response.status >= 500 or (
            response.status >= 400 and kind in {"script", "stylesheet", "image", "font"}
        )
        if bad:
            self.failed.append(f"{response.request.method} {response.url}: {response.status}")

    def check(self) -> None:
        assert self.urls == [], f"pages reached outside the machine: {self.urls}"
        assert self.violations == [], f"Content-Security-Policy violations: {self.violations}"
        assert self.page_errors == [], f"script errors on the page: {self.page_errors}"
        assert self.failed == [], f"failed requests: {self.failed}"


def _new_page(
    browser: Any, base_url: str, width: int, height: int, service_workers: str = "block"
) -> tuple[Any, Any, Outside]:
    """A page in a fresh context. Service workers are blocked unless asked for: the station
    app's worker (docs/offline.md) has its own test, and the others see the pages as served."""
    context = browser.new_context(
        base_url=base_url, viewport={"width": width, "height": height}, accept_downloads=True,
        locale="zh-CN", service_workers=service_workers,
    )  # fmt: skip
    outside = Outside()

    def guard(route: Any) -> None:
        if route.request.url.startswith(("http://127.0.0.1", "data:", "blob:")):
            route.continue_()
        else:
            outside.urls.append(route.request.url)
            route.abort()

    context.route("**/*", guard)
    pg = context.new_page()
    pg.on("console", outside.console)
    pg.on("pageerror", outside.page_error)
    pg.on("requestfailed", outside.request_failed)
    pg.on("response", outside.response)
    pg.ce_outside = outside  # what a test may read (see test_browser_security.py)
    return context, pg, outside


@pytest.fixture
def page(browser: Any, base_url: str) -> Iterator[Any]:
    """A desktop-sized page (1280 × 860) in a fresh context: no cookies, Chinese browser."""
    context, pg, outside = _new_page(browser, base_url, 1280, 860)
    yield pg
    context.close()
    outside.check()


@pytest.fixture
def phone(browser: Any, base_url: str) -> Iterator[Any]:
    """A phone-sized page (360 × 740)."""
    context, pg, outside = _new_page(browser, base_url, 360, 740)
    yield pg
    context.close()
    outside.check()


def shoot(page: Any, name: str) -> Path:
    """Save a full-page screenshot as test-artifacts/browser/<name>.png."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
