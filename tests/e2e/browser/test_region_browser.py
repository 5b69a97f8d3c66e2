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


def test_the_region_screen_as_a_regulator_reads_it_marks_links_exports_and_speaks_english(
    page: Any, phone: Any
) -> None:
    """Chinese first: each row links to the county's overview and assessment, the estimate
    is marked and footnoted, the table downloads as xlsx, the audit log is one click away;
    then English; at 360 px the page itself does not scroll sideways."""
    for pg, width in ((page, 1366), (phone, 360)):
        pg.set_viewport_size({"width": width, "height": 800})
        _log_in(pg)
        pg.goto("/region")
        row = pg.locator('#region-table tr[data-county="652828"]')
        assert row.locator('a[data-link="assessment"]').get_attribute("href") == (
            "/counties/652828/assessment"
        )
        assert row.locator("[data-estimate]").inner_text() == "估计"
        assert "great-circle" in pg.locator("#region-notes").inner_text() or "大圆" in (
            pg.locator("#region-notes").inner_text()
        )
        assert pg.evaluate("document.documentElement.scrollWidth") <= width
        with pg.expect_download() as got:
            pg.click("#region-xlsx")
        assert got.value.suggested_filename.endswith(".xlsx")
        shoot(pg, f"region-marks-{width}")
        pg.click('#region-links a[href^="/region/audit"]')
        pg.wait_for_url("**/region/audit")
        assert pg.locator("#audit-log").count() == 1
        pg.goto("/region")
        pg.click('#lang-switch a[hreflang="en"]')
        pg.wait_for_url("**/region?lang=en")
        assert "Heshuo County" in row.locator('a[data-link="overview"]').inner_text()
        assert (
            pg.locator('#region-table th[aria-sort="ascending"]').inner_text().startswith("County")
        )
        assert pg.evaluate("document.documentElement.scrollWidth") <= width
        shoot(pg, f"region-en-{width}")
        row.locator('a[data-link="assessment"]').click()
        pg.wait_for_url("**/counties/652828/assessment")
