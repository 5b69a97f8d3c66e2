"""The web app in a real browser: log in, Chinese first, English on request, the map, Excel."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from openpyxl import load_workbook

from conftest import CENTRE_PARCEL, PARCELS, shoot
from support.web import PASSWORD, RECEIVER_PHONE


def log_in(page: Any, name: str) -> None:
    """Through the log-in form, as a person would."""
    page.goto("/")
    assert "/login" in page.url
    page.fill('input[name="username"]', name)
    page.fill('input[name="password"]', PASSWORD)
    page.click('#login-form button[type="submit"]')
    page.wait_for_url(LANDS.get(name, "**/overview"))  # each role lands on its screen


LANDS = {"keeper": "**/stations/HS-STA-01", "centre": "**/centre/*"}
"""Where a log-in lands (issue 12): the keeper on its station, the centre on the centre."""


def test_a_regulator_logs_in_and_sees_the_overview_in_chinese(page: Any) -> None:
    """The first screen after log-in is Heshuo's overview, in Chinese, with its targets."""
    log_in(page, "reg")
    assert page.get_attribute("html", "lang") == "zh-CN"
    assert page.inner_text("#county-name").startswith("和硕县")
    assert page.inner_text("nav.main a.on") == "总览"
    rows = page.locator("#targets tbody tr[data-indicator]")
    assert rows.count() == 5
    assert page.locator("#placeholder-notice").is_visible()
    assert "CC-BY-4.0" in page.inner_text("#credits")
    page.wait_for_selector('#volume-chart[data-ready="1"] canvas')  # uPlot drew the days
    today = page.locator("#volumes tbody tr").first  # newest day first
    arrivals = int((today.locator("td").nth(1).text_content() or "").replace(",", ""))
    assert arrivals > 0, "the fixture's parcels arrived today"
    shoot(page, "overview-zh")


def test_the_language_switch_turns_the_pages_english_and_stays(page: Any) -> None:
    """One click on English; the next page is English too; one click back."""
    log_in(page, "reg")
    page.click('#lang-switch a[hreflang="en"]')
    page.wait_for_load_state()
    assert page.get_attribute("html", "lang") == "en"
    assert page.inner_text("nav.main a.on") == "Overview"
    assert "October 30, 2021" in page.inner_text("#plan-issued")
    shoot(page, "overview-en")
    page.click('nav.main a[href$="/facilities"]')
    assert page.inner_text("h1").startswith("Facilities")
    page.click('#lang-switch a[hreflang="zh-CN"]')
    page.wait_for_load_state()
    assert page.inner_text("h1").startswith("设施")


def test_the_map_draws_every_point_as_a_vector_feature_without_tiles(page: Any) -> None:
    """As many SVG features as located townships, villages and facilities; no tile images."""
    log_in(page, "reg")
    page.click('nav.main a[href$="/map"]')
    page.wait_for_selector('#map[data-ready="1"]')
    data = json.loads(page.inner_text("#map-data"))
    runs = data["routes"]["runs"] if data["routes"] else []
    expected = len(data["divisions"]) + len(data["facilities"]) + len(runs)
    assert expected > 30 and runs, "the fixture plans today's routes"
    features = page.locator("#map svg path.leaflet-interactive")
    assert features.count() == expected
    assert page.locator("#map svg path.route").count() == len(runs)
    assert page.locator("#map img.leaflet-tile").count() == 0
    villages = page.locator("#map svg path.village")
    assert villages.count() == sum(1 for d in data["divisions"] if d["level"] == "village")

    def fills() -> set[str]:
        return {villages.nth(i).get_attribute("fill") for i in range(villages.count())}

    assert fills() <= set(data["station_colours"].values())
    assert page.locator("#legend-villages").is_visible()
    assert not page.locator("#legend-quality").is_visible()
    shoot(page, "map")
    page.check('input[name="colour-by"][value="quality"]')
    assert fills() <= set(data["quality_colours"].values())
    assert page.locator("#legend-quality").is_visible()
    assert not page.locator("#legend-villages").is_visible()
    shoot(page, "map-by-quality")


def test_the_facilities_export_downloads_a_real_workbook(page: Any, tmp_path: Path) -> None:
    """The export button gives an .xlsx whose rows are the registry's facilities."""
    log_in(page, "reg")
    page.click('nav.main a[href$="/facilities"]')
    listed = page.locator("#facilities tbody tr[data-kind]").count()
    with page.expect_download() as info:
        page.click("#export-xlsx")
    download = info.value
    assert download.suggested_filename.endswith(".xlsx")
    target = tmp_path / download.suggested_filename
    download.save_as(str(target))
    ws = load_workbook(target).active
    assert ws.max_row - 1 == listed > 0
    shoot(page, "facilities")


def test_the_overview_fits_a_360_px_phone(phone: Any) -> None:
    """A station keeper's phone: nothing wider than the screen, the menu wraps."""
    log_in(phone, "keeper")
    for _screen in ("station", "overview"):  # where the keeper lands, then the overview
        width = phone.evaluate("document.documentElement.scrollWidth")
        assert width <= 360, f"the {_screen} is {width} px wide on a 360 px screen"
        if _screen == "station":
            phone.goto("/counties/652828/overview")
    assert phone.locator("#who").is_visible()
    shoot(phone, "overview-360")
    phone.click('nav.main a[href$="/map"]')
    phone.wait_for_selector('#map[data-ready="1"]')
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    shoot(phone, "map-360")


def test_the_lookup_page_opens_without_logging_in(page: Any) -> None:
    """Anyone may open the parcel lookup; it never shows a broken form."""
    page.goto("/lookup")
    assert page.locator("#lookup-form, #lookup-unavailable").count() == 1
    shoot(page, "lookup")


FOCUSED = "() => document.activeElement !== null && document.activeElement.id === 'waybill'"
"""The scan box has the focus (a scanner types into whatever has it)."""


def test_a_keeper_scans_a_parcel_in_and_hands_it_over_on_a_360_px_phone(phone: Any) -> None:
    """Scanner types the waybill and Enter; the code goes to a shelf; code + tail hand it over."""
    waybill = PARCELS[0]
    log_in(phone, "keeper")
    phone.click('nav.main a[href*="/stations/"]')
    phone.wait_for_selector("#scan-form")
    phone.wait_for_function(FOCUSED)
    phone.keyboard.type(waybill)  # a keyboard-wedge scanner types, then presses Enter
    phone.keyboard.press("Enter")
    stored = phone.wait_for_selector('#scan-result [data-outcome="stored"]')
    code = stored.query_selector(".pickup-code").inner_text()
    assert code
    phone.wait_for_function(FOCUSED)  # ready for the next scan (htmx runs it after the swap)
    assert phone.input_value("#waybill") == ""
    phone.wait_for_selector(f'#waiting tr[data-waybill="{waybill}"]')
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    shoot(phone, "station-stored-360")

    phone.keyboard.type(waybill)  # the same parcel again is refused, with the reason
    phone.keyboard.press("Enter")
    phone.wait_for_selector('#scan-result [data-outcome="refused"]')

    phone.fill('#handover-form input[name="pickup"]', code)
    phone.fill('#handover-form input[name="tail"]', "0000")
    phone.click('#handover-form button[type="submit"]')
    phone.wait_for_selector('#handover-result [data-outcome="wrong"]')
    phone.fill('#handover-form input[name="pickup"]', code)
    phone.fill('#handover-form input[name="tail"]', RECEIVER_PHONE[-4:])
    phone.click('#handover-form button[type="submit"]')
    phone.wait_for_selector('#handover-result [data-outcome="ok"]')
    phone.wait_for_selector(f'#waiting tr[data-waybill="{waybill}"]', state="detached")
    shoot(phone, "station-handed-over-360")


def test_the_centre_sorts_a_scanned_parcel_and_dispatches_its_bag(page: Any) -> None:
    """Centre operator: scan in, the parcel's route bag appears, dispatch on a vehicle."""
    log_in(page, "centre")
    page.click('nav.main a[href$="/centre"]')
    page.wait_for_selector("#centre-scan-form")
    page.wait_for_function(FOCUSED)
    page.keyboard.type(CENTRE_PARCEL)
    page.keyboard.press("Enter")
    sorted_ = page.wait_for_selector('#centre-result [data-outcome="sorted"]')
    bag = sorted_.query_selector(".route-bag").inner_text()
    page.wait_for_selector(f'#centre-panels tr[data-bag="{bag}"]')
    page.wait_for_function(FOCUSED)
    shoot(page, "centre-sorted")
    # locators, not element handles: the panels are swapped in again after each action
    run = page.locator(f'#runs .run:has(tr[data-bag="{bag}"])')
    if run.count():  # on today's planned run: its one 发车 button sends all its bags
        run.locator('button[type="submit"]').click()
        page.wait_for_selector('#centre-result [data-outcome="run-dispatched"]')
        page.wait_for_selector(f'#runs .run[data-ready="0"]:has(tr[data-bag="{bag}"])')
    else:  # on no run: a registered vehicle chosen from the select
        row = page.locator(f'#bags tr[data-bag="{bag}"]')
        row.locator('select[name="vehicle"]').select_option(index=1)
        row.locator('button[type="submit"]').click()
        page.wait_for_selector('#centre-result [data-outcome="dispatched"]')
    page.wait_for_selector(f'#bags tr[data-bag="{bag}"]', state="detached")
    shoot(page, "centre-dispatched")


def test_a_keeper_takes_an_outbound_parcel_in_on_a_phone(phone: Any) -> None:
    """收寄 on a 360 px screen: real name and inspection; the answer shows them masked."""
    log_in(phone, "keeper")
    phone.click('nav.main a[href*="/stations/"]')
    phone.click("#intake summary")
    form = phone.locator("#intake-form")
    form.locator('input[name="waybill"]').fill("EA123456789CN")
    form.locator('select[name="carrier"]').select_option("ems")
    form.locator('input[name="id_number"]').fill("360426199101010071")
    form.locator('input[name="name"]').fill("李四")
    form.locator('select[name="category"]').select_option("peppers")
    form.locator('button[type="submit"]').click()
    answer = phone.wait_for_selector('#intake-result [data-outcome="taken-in"]')
    text = answer.inner_text()
    assert "李*" in text and "360426199101010071" not in text
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    shoot(phone, "station-intake-360")
