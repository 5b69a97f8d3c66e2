"""The Content-Security-Policy in a real browser: the pages and the API documentation run
under it with no violation, and a violation does fail a browser test."""

from __future__ import annotations

from typing import Any

from test_browser import log_in


def test_an_inline_handler_is_refused_and_the_refusal_is_caught(page: Any) -> None:
    """An `onclick=` slipped into a page does not run, and the fixture sees the violation."""
    page.goto("/lookup")
    page.evaluate(
        """() => { const b = document.createElement('button'); b.id = 'evil';
                   b.setAttribute('onclick', 'document.title = "ran"');
                   document.body.appendChild(b); }"""
    )
    page.click("#evil")
    page.wait_for_timeout(200)
    assert page.title() != "ran"
    outside = page.ce_outside
    assert any("inline event handler" in v for v in outside.violations), outside.violations
    outside.violations.clear()  # seen: the fixture's own check must not fail this test


def test_the_api_documentation_runs_under_the_policy(page: Any) -> None:
    """Swagger UI and ReDoc draw the document from vendored files, with no violation."""
    log_in(page, "reg")
    page.goto("/api/v1/docs")
    page.wait_for_selector(".swagger-ui .opblock", timeout=20_000)
    page.goto("/api/v1/redoc")
    page.wait_for_selector("redoc .api-content, [role=navigation]", timeout=30_000)
