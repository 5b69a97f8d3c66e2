"""The public look-up in a real browser shows a timeline in Chinese and county time (issue 12,
wrong result 4): no raw JSON, no receiver, every step's time on the county's clock."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from conftest import PARCELS
from support.web import RECEIVER_PHONE


def test_the_lookup_shows_a_translated_timeline_in_county_time(page: Any) -> None:
    page.goto("/lookup")
    page.fill('#lookup-form input[name="waybill_no"]', PARCELS[0])
    page.fill('#lookup-form input[name="phone_tail"]', RECEIVER_PHONE[-4:])
    page.click('#lookup-form button[type="submit"]')
    page.wait_for_selector("#lookup-timeline li")
    shown = page.inner_text("#lookup-result")
    assert "{" not in shown and '"' not in shown  # no raw JSON
    assert "已分拣" in shown and "已到件" in shown and "时间均为北京时间" in shown
    assert "sorted" not in shown and "arrived" not in shown  # the English half is gone
    assert RECEIVER_PHONE not in shown and "张三" not in shown and "*" not in shown
    steps = page.locator("#lookup-timeline time")
    assert steps.count() >= 2
    for i in range(steps.count()):
        iso = steps.nth(i).get_attribute("datetime")
        assert iso.endswith("+08:00"), iso
        local = dt.datetime.fromisoformat(iso).astimezone(dt.timezone(dt.timedelta(hours=8)))
        assert steps.nth(i).inner_text() == local.strftime("%Y-%m-%d %H:%M")
    assert re.search(r"\+00:00|\dZ\b|UTC", page.content()) is None
