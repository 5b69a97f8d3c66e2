"""共配中心 in a real browser (issue 12, result 3): a carrier's manifest uploaded on the
screen (a bad row refused whole and shown by line and field, then a good file taken), an
invalid number answered as invalid, and a parcel on no manifest shown in the manual queue."""

from __future__ import annotations

from typing import Any

from conftest import shoot
from support.web import PASSWORD, RECEIVER_PHONE

HEADER = "waybill_no,receiver_name,receiver_phone,address"
ADDRESS = "和硕县乌什塔拉回族乡塔拉村3组12号"
NEW, STRAY = "7312345611001", "7312345611009"  # ZTO's number format


def manifest(*rows: str) -> dict[str, Any]:
    data = ("\n".join((HEADER, *rows)) + "\n").encode("utf-8")
    return {"name": "zto-today.csv", "mimeType": "text/csv", "buffer": data}


def scan(page: Any, number: str) -> Any:
    page.fill("#centre-scan-form input[name=waybill]", number)
    page.press("#centre-scan-form input[name=waybill]", "Enter")


def test_the_centre_takes_a_manifest_and_queues_what_no_manifest_lists(page: Any) -> None:
    page.goto("/")
    page.fill('input[name="username"]', "centre")
    page.fill('input[name="password"]', PASSWORD)
    page.click('#login-form button[type="submit"]')
    page.wait_for_url(lambda url: "/login" not in url)
    page.goto("/counties/652828/centre")
    page.wait_for_selector("#manifest-form")

    page.select_option("#manifest-carrier", "zto")
    bad = f"{STRAY},,{RECEIVER_PHONE},{ADDRESS}"
    page.set_input_files("#manifest-file", manifest(f"{NEW},张三,{RECEIVER_PHONE},{ADDRESS}", bad))
    page.click('#manifest-form button[type="submit"]')
    page.wait_for_selector('#manifest-problems li[data-line="3"][data-field="receiver_name"]')
    shoot(page, "centre-manifest-refused")

    page.select_option("#manifest-carrier", "zto")
    page.set_input_files("#manifest-file", manifest(f"{NEW},张三,{RECEIVER_PHONE},{ADDRESS}"))
    page.click('#manifest-form button[type="submit"]')
    page.wait_for_selector('#centre-result [data-outcome="manifest"]')
    assert page.locator("#manifest-problems").count() == 0

    scan(page, "ZZ123")
    invalid = page.wait_for_selector('#centre-result [data-outcome="invalid"]')
    assert "运单号无效" in invalid.inner_text()

    scan(page, STRAY)
    page.wait_for_selector('#centre-result [data-outcome="queued"]')
    page.wait_for_selector(f'#queue tr[data-waybill="{STRAY}"][data-queue="unmanifested"]')
    shoot(page, "centre-queued")

    scan(page, NEW)
    page.wait_for_selector('#centre-result [data-outcome="sorted"]')
