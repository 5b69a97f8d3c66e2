"""车辆 The vehicles screen in a real browser: a list with one bad row refused whole with the
row shown and nothing stored, then a good list replacing the registry."""

from __future__ import annotations

from typing import Any

from conftest import shoot
from support.web import PASSWORD

HEADER = ("code,kind,plate,number,capacity_parcels,capacity_kg,capacity_m3,cost_per_km,"
          "cost_per_hour,refrigerated,new_energy,max_hours,range_km,owner,insured_until,"
          "marked,courier_staff_no,priority_permit")  # fmt: skip
GOOD = (
    "B1,van,新F-B0001,HS-KD-B-001,500,1200,8,1.2,35,0,1,9,250,zto,2099-12-31,1,ZT-0101,1",
    "B2,etricycle,,HS-KD-B-T01,120,300,1.5,0.15,25,0,1,8,80,centre,2020-01-31,1,,0",
)


def vehicle_list(*rows: str) -> dict[str, Any]:
    data = ("\n".join((HEADER, *rows)) + "\n").encode("utf-8")
    return {"name": "vehicles.csv", "mimeType": "text/csv", "buffer": data}


def test_a_list_with_a_bad_row_is_refused_then_a_good_one_replaces_the_registry(
    page: Any,
) -> None:
    page.goto("/")
    page.fill('input[name="username"]', "reg")
    page.fill('input[name="password"]', PASSWORD)
    page.click('#login-form button[type="submit"]')
    page.wait_for_url("**/overview")
    page.click('nav.main a[href$="/vehicles"]')
    assert page.inner_text("nav.main a.on") == "车辆"
    before = page.locator("#vehicles tbody tr[data-vehicle]").count()

    bad = GOOD[1].replace("HS-KD-B-T01", "T-01")  # not in the county's number format
    page.set_input_files('#vehicles-upload input[type="file"]', vehicle_list(GOOD[0], bad))
    page.click('#vehicles-upload button[type="submit"]')
    problem = page.locator('#vehicles-problems li[data-line="3"][data-field="number"]')
    problem.wait_for()
    assert "T-01" in problem.inner_text()
    assert page.locator("#vehicles tbody tr[data-vehicle]").count() == before
    shoot(page, "vehicles-refused")

    page.set_input_files('#vehicles-upload input[type="file"]', vehicle_list(*GOOD))
    page.click('#vehicles-upload button[type="submit"]')
    page.locator("#vehicles-done").wait_for()
    rows = page.locator("#vehicles tbody tr[data-vehicle]")
    assert rows.count() == 2
    lapsed = page.locator('#vehicles tr[data-vehicle="HS-KD-B-T01"]')
    assert lapsed.get_attribute("data-uninsured") == "1"
    assert "已过期" in lapsed.inner_text() and "电动三轮车" in lapsed.inner_text()
    assert "ZT-0101" in page.inner_text('#vehicles tr[data-vehicle="HS-KD-B-001"]')
    shoot(page, "vehicles-imported")
