"""Every page a browser test opens fails the test on a page error or a failed request
(issue 12, check 5): the fixture listens to `pageerror`, `requestfailed` and each response
(a missing script, style sheet, image or font; any 5xx)."""

from __future__ import annotations

from typing import Any


def test_a_missing_image_is_a_failed_request(page: Any) -> None:
    page.goto("/lookup")
    page.evaluate(
        """() => new Promise((done) => {
             const i = document.createElement("img");
             i.onerror = done; i.onload = done; i.src = "/static/no-such-file.png";
             document.body.appendChild(i);
           })"""
    )
    outside = page.ce_outside
    assert any("/static/no-such-file.png: 404" in f for f in outside.failed), outside.failed
    outside.failed.clear()  # seen: the fixture's own check must not fail this test


def test_the_redoc_bundle_is_whole_and_draws_the_document(page: Any) -> None:
    """The vendored ReDoc (once cut inside a string: a blank page) renders the operations."""
    page.goto("/api/v1/redoc")
    page.get_by_text("/api/v1/parcels/lookup").first.wait_for(timeout=30_000)
    assert page.ce_outside.page_errors == []
