"""前置仓 in a real browser at phone width: the synthetic demo history forecast, the chart of
all items drawn by the vendored uPlot, an item's forecast with its interval, no page error
and nothing wider than the screen."""

from __future__ import annotations

from typing import Any

from conftest import shoot
from support.web import PASSWORD

PAGE = "/counties/652828/front-warehouse"


def test_the_front_warehouse_draws_its_charts_at_360_px(phone: Any) -> None:
    phone.goto("/login")
    phone.fill('input[name="username"]', "reg")
    phone.fill('input[name="password"]', PASSWORD)
    phone.click('#login-form button[type="submit"]')
    phone.wait_for_load_state()
    phone.goto(PAGE)
    with phone.expect_navigation(timeout=120_000):  # the demo's 12 items are forecast now
        phone.click("#fw-demo")
    phone.wait_for_selector('#fw-chart[data-ready="1"] canvas')
    assert phone.locator("#fw-synthetic").is_visible()
    assert phone.locator("#fw-stock tbody tr").count() == 12
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    shoot(phone, "front-warehouse-360")
    phone.click("#fw-stock tbody tr:first-child a")
    phone.wait_for_selector('#fw-chart[data-ready="1"] canvas')
    assert phone.locator("#fw-model").is_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    shoot(phone, "front-warehouse-item-360")
