"""地区总览 The region screen in a real browser (issue 17, item 5): the administrator finds it
in the nav, the table fits 1366 px and scrolls in its own box at 360 px (the page does not),
a column sorts it, and a county's name drills into its overview."""

from __future__ import annotations

from typing import Any

from conftest import shoot
from support.web import PASSWORD


def _log_in(pg: Any) -> None:
    pg.goto("/login")
    pg.fill('input[name="username"]', "admin")
    pg.fill('input[name="password"]', PASSWORD)
    pg.click('#login-form button[type="submit"]')
    pg.wait_for_load_state("networkidle")


def test_the_region_screen_fits_a_laptop_and_a_phone_and_drills_into_a_county(
    page: Any, phone: Any
) -> None:
    for pg, width in ((page, 1366), (phone, 360)):
        pg.set_viewport_size({"width": width, "height": 800})
        _log_in(pg)
        pg.goto("/counties/652828/overview")
        pg.click('nav.main a[href="/region"]')
        pg.wait_for_url("**/region")
        assert pg.locator("#region-table tbody tr[data-county]").count() == 1
        assert pg.evaluate("document.documentElement.scrollWidth") <= width
        box = pg.locator("#region-scroll")
        if width == 360:  # nine columns: wider than a phone, scrolled inside the box
            assert box.evaluate("e => e.scrollWidth > e.clientWidth")
        shoot(pg, f"region-{width}")
        pg.click('#region-table a[data-sort="stuck"]')
        pg.wait_for_url("**/region?sort=stuck")
        assert pg.locator('#region-table a[data-sort="stuck"].on').count() == 1
        pg.click('#region-table a[href="/counties/652828/overview"]')
        pg.wait_for_url("**/counties/652828/overview")
