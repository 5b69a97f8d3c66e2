"""The scenario page in a real browser: a planner starts a small run, htmx follows its
progress, and the page shows the comparison table and the charts once it has ended."""

from __future__ import annotations

from typing import Any

from conftest import shoot
from support.web import PASSWORD

RUN_MS = 180_000
"""A day of Heshuo at 1 % of the demand, simulated once: seconds, but the machine is shared."""


def log_in(page: Any, name: str) -> None:
    """Through the log-in form, as a person would."""
    page.goto("/")
    page.fill('input[name="username"]', name)
    page.fill('input[name="password"]', PASSWORD)
    page.click('#login-form button[type="submit"]')
    page.wait_for_url("**/overview")


def test_a_planner_starts_a_run_and_sees_the_table_when_it_ends(page: Any) -> None:
    """Each carrier alone against co-delivery, one day at 1 %: the progress panel polls,
    then the page reloads with the table (two rows) and the estimate notice."""
    log_in(page, "reg")
    page.click('nav.main a[href$="/scenarios"]')
    assert page.inner_text("nav.main a.on") == "情景分析"
    for box in page.locator('#scenario-choice input[name="scenario"]').all():
        box.set_checked(box.get_attribute("value") == "separate")
    page.fill("#scenario-days", "1")
    page.fill("#scenario-scale", "0.01")
    shoot(page, "scenarios-form")
    page.click("#scenario-submit")
    page.wait_for_url("**/scenarios/SR-*")
    page.wait_for_selector("#comparison", timeout=RUN_MS)
    rows = page.locator("#comparison tbody tr")
    assert [rows.nth(i).get_attribute("data-scenario") for i in range(rows.count())] == [
        "co_delivery",
        "separate",
    ]
    assert page.locator("#estimate-notice").is_visible()
    assert page.locator("#charts svg").count() >= 5
    shoot(page, "scenarios")
