"""Conversion of Chinese map coordinates (GCJ-02, BD-09) to WGS-84."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from countyexpress.domain.coords import (
    CoordinateSystem,
    bd09_to_gcj02,
    bd09_to_wgs84,
    gcj02_to_bd09,
    gcj02_to_wgs84,
    to_wgs84,
    wgs84_to_gcj02,
)

# Published reference pairs, all as (lat, lon). Only the numbers are taken from these projects.

# googollee/eviltransform, python/test.py and go/transform_test.go: (WGS-84, GCJ-02) pairs,
# checked there to 6 decimal places.
EVILTRANSFORM_WGS_GCJ = [
    pytest.param((31.1774276, 121.5272106), (31.17530398364597, 121.531541859215), id="shanghai"),
    pytest.param((22.543847, 113.912316), (22.540796131694766, 113.9171764808363), id="shenzhen"),
    pytest.param((39.911954, 116.377817), (39.91334545536069, 116.38404722455657), id="beijing"),
]

# wandergis/coordtransform, test/app.js: every conversion of (lon 116.404, lat 39.915), near
# Tiananmen, Beijing. Its gcj02towgs84 result is the one-step approximation, so it is not used.
TIANANMEN = (39.915, 116.404)
COORDTRANSFORM_WGS_TO_GCJ = (39.91640428150164, 116.41024449916938)
COORDTRANSFORM_GCJ_TO_BD = (39.92133699351021, 116.41036949371029)
COORDTRANSFORM_BD_TO_GCJ = (39.90865673957631, 116.39762729119315)

# hujiulong/gcoord, test/unit/crs/{WGS84,GCJ02,BD09}.spec.ts: conversions of (lon 123, lat 45),
# checked there with toBeCloseTo(..., 5), i.e. to within 5e-6 degrees.
GCOORD_POINT = (45.0, 123.0)
GCOORD_TOLERANCE = 5e-6
GCOORD_WGS_TO_GCJ = (45.00197815, 123.00607541)
GCOORD_GCJ_TO_WGS = (44.99804071, 122.99395597)
GCOORD_GCJ_TO_BD = (45.00636899, 123.00636499)
GCOORD_BD_TO_GCJ = (44.99365430, 122.99363304)
GCOORD_BD_TO_WGS = (44.99171540, 122.98762210)

REFERENCE_TOLERANCE = 1e-6
ROUND_TRIP_TOLERANCE = 1e-8

# Well inside the rough bounding box of mainland China, clear of its edges.
china_points = st.tuples(
    st.floats(min_value=18.0, max_value=53.5),
    st.floats(min_value=73.5, max_value=135.0),
)

# Outside the rough bounding box: west of it, east of it, south of it or north of it.
outside_points = st.one_of(
    st.tuples(st.floats(-90.0, 90.0), st.floats(-180.0, 72.0)),
    st.tuples(st.floats(-90.0, 90.0), st.floats(137.84, 180.0)),
    st.tuples(st.floats(-90.0, 0.8), st.floats(-180.0, 180.0)),
    st.tuples(st.floats(55.83, 90.0), st.floats(-180.0, 180.0)),
)


def assert_close(got: tuple[float, float], want: tuple[float, float], tolerance: float) -> None:
    """Fail unless both latitude and longitude agree to within tolerance degrees."""
    assert abs(got[0] - want[0]) <= tolerance, (got, want)
    assert abs(got[1] - want[1]) <= tolerance, (got, want)


@pytest.mark.parametrize(("wgs", "gcj"), EVILTRANSFORM_WGS_GCJ)
def test_wgs84_to_gcj02_matches_eviltransforms_published_pairs(
    wgs: tuple[float, float], gcj: tuple[float, float]
) -> None:
    """WGS-84 to GCJ-02 reproduces eviltransform's Shanghai, Shenzhen and Beijing pairs."""
    assert_close(wgs84_to_gcj02(*wgs), gcj, REFERENCE_TOLERANCE)


@pytest.mark.parametrize(("wgs", "gcj"), EVILTRANSFORM_WGS_GCJ)
def test_gcj02_to_wgs84_recovers_eviltransforms_published_wgs84_points(
    wgs: tuple[float, float], gcj: tuple[float, float]
) -> None:
    """GCJ-02 to WGS-84 turns eviltransform's GCJ-02 points back into its WGS-84 points."""
    assert_close(gcj02_to_wgs84(*gcj), wgs, REFERENCE_TOLERANCE)


def test_conversions_of_a_point_near_tiananmen_match_coordtransforms_published_results() -> None:
    """WGS-84 to GCJ-02, GCJ-02 to BD-09 and back agree with coordtransform near Tiananmen."""
    assert_close(wgs84_to_gcj02(*TIANANMEN), COORDTRANSFORM_WGS_TO_GCJ, REFERENCE_TOLERANCE)
    assert_close(gcj02_to_wgs84(*COORDTRANSFORM_WGS_TO_GCJ), TIANANMEN, REFERENCE_TOLERANCE)
    assert_close(gcj02_to_bd09(*TIANANMEN), COORDTRANSFORM_GCJ_TO_BD, REFERENCE_TOLERANCE)
    assert_close(bd09_to_gcj02(*TIANANMEN), COORDTRANSFORM_BD_TO_GCJ, REFERENCE_TOLERANCE)


def test_conversions_of_lat_45_lon_123_match_gcoords_published_results() -> None:
    """Every conversion of (45, 123) agrees with gcoord's results to its 5e-6 degrees."""
    assert_close(wgs84_to_gcj02(*GCOORD_POINT), GCOORD_WGS_TO_GCJ, GCOORD_TOLERANCE)
    assert_close(gcj02_to_wgs84(*GCOORD_POINT), GCOORD_GCJ_TO_WGS, GCOORD_TOLERANCE)
    assert_close(gcj02_to_bd09(*GCOORD_POINT), GCOORD_GCJ_TO_BD, GCOORD_TOLERANCE)
    assert_close(bd09_to_gcj02(*GCOORD_POINT), GCOORD_BD_TO_GCJ, GCOORD_TOLERANCE)
    assert_close(bd09_to_wgs84(*GCOORD_POINT), GCOORD_BD_TO_WGS, GCOORD_TOLERANCE)


def test_to_wgs84_dispatches_on_the_coordinate_system() -> None:
    """to_wgs84 leaves WGS-84 alone and converts GCJ-02 and BD-09 by their own functions."""
    assert to_wgs84(*GCOORD_POINT, CoordinateSystem.WGS84) == GCOORD_POINT
    assert to_wgs84(*GCOORD_POINT, CoordinateSystem.GCJ02) == gcj02_to_wgs84(*GCOORD_POINT)
    assert to_wgs84(*GCOORD_POINT, CoordinateSystem.BD09) == bd09_to_wgs84(*GCOORD_POINT)


@given(china_points)
def test_gcj02_to_wgs84_exactly_undoes_wgs84_to_gcj02_inside_china(
    point: tuple[float, float],
) -> None:
    """A WGS-84 point in China taken to GCJ-02 and back comes home to within 1e-8 degrees."""
    assert_close(gcj02_to_wgs84(*wgs84_to_gcj02(*point)), point, ROUND_TRIP_TOLERANCE)


@given(china_points)
def test_bd09_to_gcj02_exactly_undoes_gcj02_to_bd09_inside_china(
    point: tuple[float, float],
) -> None:
    """A GCJ-02 point in China taken to BD-09 and back comes home to within 1e-8 degrees."""
    assert_close(bd09_to_gcj02(*gcj02_to_bd09(*point)), point, ROUND_TRIP_TOLERANCE)


@given(china_points)
def test_bd09_to_wgs84_exactly_undoes_wgs84_to_bd09_inside_china(
    point: tuple[float, float],
) -> None:
    """A WGS-84 point in China taken to BD-09 and back to WGS-84 comes home within 1e-8."""
    bd = gcj02_to_bd09(*wgs84_to_gcj02(*point))
    assert_close(to_wgs84(*bd, CoordinateSystem.BD09), point, ROUND_TRIP_TOLERANCE)


@pytest.mark.parametrize(
    "point",
    [
        pytest.param((51.5074, -0.1278), id="london"),
        pytest.param((40.7128, -74.006), id="new-york"),
        pytest.param((35.6762, 139.6503), id="tokyo"),
        pytest.param((-6.2088, 106.8456), id="jakarta"),
        pytest.param((59.9343, 30.3351), id="saint-petersburg"),
    ],
)
def test_known_places_outside_china_are_left_unchanged(point: tuple[float, float]) -> None:
    """Cities outside China's bounding box pass through every GCJ-02 conversion unchanged."""
    assert wgs84_to_gcj02(*point) == point
    assert gcj02_to_wgs84(*point) == point
    assert to_wgs84(*point, CoordinateSystem.GCJ02) == point


@given(outside_points)
def test_points_outside_chinas_bounding_box_are_left_unchanged(
    point: tuple[float, float],
) -> None:
    """Any point outside China's bounding box is its own GCJ-02 and WGS-84 counterpart."""
    assert wgs84_to_gcj02(*point) == point
    assert gcj02_to_wgs84(*point) == point


@pytest.mark.parametrize(
    ("text", "system"),
    [
        ("WGS84", CoordinateSystem.WGS84),
        ("wgs84", CoordinateSystem.WGS84),
        ("wgs-84", CoordinateSystem.WGS84),
        ("WGS_84", CoordinateSystem.WGS84),
        (" Wgs 84 ", CoordinateSystem.WGS84),
        ("GCJ02", CoordinateSystem.GCJ02),
        ("gcj-02", CoordinateSystem.GCJ02),
        ("Gcj_02", CoordinateSystem.GCJ02),
        ("BD09", CoordinateSystem.BD09),
        ("bd-09", CoordinateSystem.BD09),
        ("bd09", CoordinateSystem.BD09),
    ],
)
def test_parse_accepts_the_usual_spellings_of_each_system(
    text: str, system: CoordinateSystem
) -> None:
    """parse ignores case, surrounding space, hyphens and underscores in a system's name."""
    assert CoordinateSystem.parse(text) is system


@pytest.mark.parametrize("text", ["", "x", "wgs", "gcj-2", "bd09mc", "utm", "EPSG:4326"])
def test_parse_rejects_names_that_are_not_a_supported_system(text: str) -> None:
    """parse raises ValueError naming the text and the accepted systems for anything else."""
    with pytest.raises(ValueError, match=r"unknown coordinate system .*: use WGS84, GCJ02 or BD09"):
        CoordinateSystem.parse(text)


def test_parse_error_message_quotes_the_rejected_text() -> None:
    """The error for 'x' reads exactly: unknown coordinate system 'x': use WGS84, GCJ02 or BD09."""
    with pytest.raises(ValueError) as excinfo:
        CoordinateSystem.parse("x")
    assert str(excinfo.value) == "unknown coordinate system 'x': use WGS84, GCJ02 or BD09"
