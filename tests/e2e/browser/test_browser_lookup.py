"""The public look-up page in a real browser (issue 11, defect 6): anyone types a waybill and
the phone's last four digits and sees the village the parcel goes to, never address text."""

from __future__ import annotations

from typing import Any

from conftest import CENTRE_PARCEL
from support.web import RECEIVER_PHONE

ADDRESS_TEXT = "和硕县乌什塔拉回族乡塔拉村3组12号"  # what support.web seeds the parcel with


def test_the_lookup_page_shows_the_village_and_no_address(page: Any) -> None:
    page.goto("/lookup")
    page.fill('#lookup-form input[name="waybill_no"]', CENTRE_PARCEL.lower())
    page.fill('#lookup-form input[name="phone_tail"]', "5678")
    page.click('#lookup-form button[type="submit"]')
    page.wait_for_selector("#lookup-result dl")
    shown = page.inner_text("#lookup-result")
    assert "塔拉村" in shown
    assert "3组" not in shown and "乌什塔拉回族乡" not in shown and ADDRESS_TEXT not in shown
    assert RECEIVER_PHONE not in shown and "张三" not in shown
