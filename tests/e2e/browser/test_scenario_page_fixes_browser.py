"""The scenario page's comparison fits a 1366×768 screen: every scenario of the form, no
horizontal scroll of the page or of the table's own box."""

from __future__ import annotations

from typing import Any

from test_browser_scenarios import RUN_MS, log_in

from conftest import shoot

NO_SCROLL = """() => [document.documentElement, ...document.querySelectorAll('.scroll')]
  .filter(e => e.scrollWidth > e.clientWidth + 1)
  .map(e => (e.id || e.className || e.tagName) + ' ' + e.scrollWidth + '>' + e.clientWidth)"""


def test_the_comparison_of_every_scenario_fits_1366_px_without_horizontal_scroll(
    page: Any,
) -> None:
    page.set_viewport_size({"width": 1366, "height": 768})
    log_in(page, "reg")
    page.goto(page.url.rsplit("/", 1)[0] + "/scenarios")
    page.fill("#scenario-days", "1")
    page.fill("#scenario-scale", "0.01")
    page.click("#scenario-submit")
    page.wait_for_url("**/scenarios/SR-*")
    page.wait_for_selector("#comparison", timeout=RUN_MS)
    assert page.locator("#comparison tbody tr").count() >= 4  # the form's default scenarios
    for lang in ("zh", "en"):
        page.goto(page.url.split("?")[0] + f"?lang={lang}")
        assert page.evaluate(NO_SCROLL) == [], lang
    shoot(page, "scenarios-1366")
    page.goto(page.url.split("/SR-")[0])  # the form and the list of runs
    assert page.evaluate(NO_SCROLL) == []
