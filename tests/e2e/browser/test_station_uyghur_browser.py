"""Issue 18, done when: the station screen in Uyghur renders right to left with Uyghur text
drawn by the vendored font (no missing glyphs: the font covers every letter the catalogue
uses, tests/unit/test_uyghur.py), at phone width; the screenshot is kept in the artifacts."""

from __future__ import annotations

from typing import Any

from conftest import shoot
from support.web import PASSWORD


def test_the_station_screen_in_uyghur_is_right_to_left_and_drawn_by_its_font(phone: Any) -> None:
    phone.goto("/login?lang=ug")
    assert phone.get_attribute("html", "dir") == "rtl"
    phone.fill('input[name="username"]', "keeper")
    phone.fill('input[name="password"]', PASSWORD)
    phone.click('#login-form button[type="submit"]')
    phone.wait_for_url("**/stations/HS-STA-01")
    phone.wait_for_selector("#scan-form")
    assert phone.get_attribute("html", "lang") == "ug"
    assert phone.evaluate("getComputedStyle(document.body).direction") == "rtl"
    assert "سايىلەپ كىرگۈزۈش" in phone.inner_text("body")  # Scan in
    phone.evaluate("document.fonts.ready")
    loaded = phone.evaluate(
        "[...document.fonts].filter(f => f.family.includes('Noto Sans Arabic')).map(f => f.status)"
    )
    assert "loaded" in loaded, loaded
    assert phone.evaluate("document.fonts.check('16px \"Noto Sans Arabic\"', 'ئۇيغۇرچە')")
    switch = phone.inner_text("#lang-switch")
    assert "中文" in switch and "ئۇيغۇرچە" in switch and "English" in switch
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    shoot(phone, "station-ug-360")
