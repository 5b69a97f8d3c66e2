"""Issue 12, done when: each role, logged in on a phone-width browser (360 px), lands on its
screen, and every page its menu offers opens with nothing wider than the screen (a wide table
scrolls inside its own box, the page does not) and no script error or failed request (the
`phone` fixture fails the test on those)."""

from __future__ import annotations

from typing import Any

import pytest

from support.web import PASSWORD

WIDTH = 360

LANDS = {
    "reg": "/counties/652828/overview",
    "keeper": "/counties/652828/stations/HS-STA-01",
    "centre": "/counties/652828/centre/HS-CENTER",
    "driver": "/counties/652828/driver",
    "admin": "/counties/652828/overview",  # the first page: the only county's overview
}

WIDER = """() => {
  const w = document.documentElement.clientWidth;
  return [...document.querySelectorAll('body *')]
    .filter(e => { const r = e.getBoundingClientRect(); return r.width > 0 && r.right > w + 1; })
    .filter(e => !e.closest('.scroll, .table-scroll, [data-scroll]'))
    .slice(0, 3)
    .map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') +
              (typeof e.className === 'string' && e.className
                 ? '.' + e.className.split(' ')[0] : ''));
}"""
"""The first elements that stick out to the right of the screen (for the failure message)."""


def _log_in(phone: Any, name: str) -> None:
    phone.goto("/login")
    phone.fill('input[name="username"]', name)
    phone.fill('input[name="password"]', PASSWORD)
    phone.click('#login-form button[type="submit"]')
    phone.wait_for_load_state("networkidle")


@pytest.mark.parametrize("role", sorted(LANDS))
def test_each_role_lands_on_its_screen_and_every_menu_page_fits_a_phone(
    phone: Any, role: str
) -> None:
    _log_in(phone, role)
    assert phone.url.split("?")[0].endswith(LANDS[role]), phone.url
    links = phone.eval_on_selector_all(
        "nav.main a[href^='/']", "els => [...new Set(els.map(a => a.getAttribute('href')))]"
    )
    assert len(links) >= 2, links  # a menu to go on with the day
    too_wide: dict[str, object] = {}
    for href in [LANDS[role], *links]:
        phone.goto(href)
        phone.wait_for_load_state("networkidle")
        width = phone.evaluate("document.documentElement.scrollWidth")
        if width > WIDTH:
            too_wide[href] = (width, phone.evaluate(WIDER))
    assert too_wide == {}, too_wide
