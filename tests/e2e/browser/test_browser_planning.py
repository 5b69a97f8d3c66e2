"""The planning screens in a real browser: the siting form's chosen sites as markers, coverage."""

from __future__ import annotations

import json
from typing import Any

from conftest import shoot
from support.web import PASSWORD


def log_in(page: Any, name: str) -> None:
    """Through the log-in form, as a person would."""
    page.goto("/")
    page.fill('input[name="username"]', name)
    page.fill('input[name="password"]', PASSWORD)
    page.click('#login-form button[type="submit"]')
    page.wait_for_url("**/overview")


def test_the_siting_form_draws_the_chosen_sites_as_markers(page: Any) -> None:
    """Two lockers by maximal covering: two chosen markers, the ids the page lists; saved."""
    log_in(page, "reg")
    page.click('nav.main a[href$="/siting"]')
    assert page.inner_text("nav.main a.on") == "选址"
    page.select_option("#siting-kind", "locker")
    page.check('input[name="objective"][value="mclp"]')
    page.fill("#siting-p", "2")
    page.fill("#siting-radius", "2")
    page.fill("#siting-save", "browser-two")
    page.click("#siting-submit")
    page.wait_for_selector('#siting-map[data-ready="1"]')
    data = json.loads(page.inner_text("#siting-data"))
    assert len(data["chosen"]) == 2
    markers = page.locator("#siting-map svg path.chosen-site")
    assert markers.count() == 2
    listed = page.locator("#siting-chosen li")
    ids = [listed.nth(i).get_attribute("data-id") for i in range(listed.count())]
    assert ids == [s["id"] for s in data["chosen"]]
    existing = page.locator("#siting-map svg path.existing-site")
    assert existing.count() == len(data["existing"]) > 0
    assert page.locator("#siting-map img.leaflet-tile").count() == 0
    assert "browser-two" in page.inner_text("#siting-saved")
    page.wait_for_selector('#scenario-list tr[data-scenario="browser-two"]')  # out of band
    shoot(page, "siting")


def test_coverage_on_the_map_colours_villages_by_the_radius(page: Any) -> None:
    """Village stations within 1 km: villages coloured within/beyond, the others listed."""
    log_in(page, "reg")
    page.click('nav.main a[href$="/map"]')
    page.select_option("#coverage-kind", "station")
    page.fill("#coverage-radius", "1")
    page.click('#coverage-form button[type="submit"]')
    page.wait_for_selector('#map[data-ready="1"][data-colour-by="coverage"]')
    data = json.loads(page.inner_text("#map-data"))
    colours = set(data["coverage"]["colours"].values())
    villages = page.locator("#map svg path.village")
    fills = {villages.nth(i).get_attribute("fill") for i in range(villages.count())}
    assert fills <= colours and data["coverage"]["colours"]["outside"] in fills
    assert page.locator("#legend-coverage").is_visible()
    assert page.locator("#coverage-outside-table tbody tr").count() > 0
    shoot(page, "map-coverage")
