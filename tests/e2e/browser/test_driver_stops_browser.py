"""Issue 12, driver: the stop order on a small map (map.js, no tiles), with no page error."""

from __future__ import annotations

from typing import Any

from support.web import PASSWORD


def test_the_driver_sees_the_stop_order_on_a_small_map(phone: Any) -> None:
    phone.goto("/login")
    phone.fill('input[name="username"]', "driver")
    phone.fill('input[name="password"]', PASSWORD)
    phone.click('#login-form button[type="submit"]')
    phone.wait_for_url("**/driver**")
    phone.wait_for_selector('#map[data-ready="1"]', timeout=15_000)
    drawn = phone.eval_on_selector_all("#map path.facility", "els => els.length")
    stops = phone.eval_on_selector_all("#stops > li.stop", "els => els.length")
    assert drawn >= 1 and drawn <= stops
    assert phone.eval_on_selector_all("#map path.route", "els => els.length") == 1
    assert phone.eval_on_selector_all("#map img.leaflet-tile", "els => els.length") == 0
    assert phone.ce_outside.page_errors == []
