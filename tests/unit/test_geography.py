"""Rules of divisions, codes and coordinates."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from countyexpress.domain.geography import (
    EARTH_RADIUS_KM,
    Coordinates,
    Division,
    DivisionLevel,
    check_divisions,
    county_code6,
)
from countyexpress.errors import InvalidValue


def town(code: str, population: int | None = 100) -> Division:
    return Division(code, f"镇{code[-6:]}", DivisionLevel.TOWNSHIP, "652828", population)


def village(code: str, parent: str, population: int | None = 10) -> Division:
    return Division(code, f"村{code[-3:]}", DivisionLevel.VILLAGE, parent, population)


@pytest.mark.parametrize(
    ("given_code", "expected"), [("652828", "652828"), ("652828000000", "652828")]
)
def test_a_county_code_is_six_digits_or_twelve_ending_in_zeros(
    given_code: str, expected: str
) -> None:
    """Both the 6-digit and the 12-digit forms name the same county."""
    assert county_code6(given_code) == expected


@pytest.mark.parametrize("bad", ["65282", "6528281", "652828100000", "abcdef", "650000"])
def test_other_county_codes_are_refused(bad: str) -> None:
    """Wrong lengths, township codes, letters and prefecture codes are not county codes."""
    with pytest.raises(InvalidValue):
        county_code6(bad)


@pytest.mark.parametrize(("lat", "lon"), [(90.0, 180.0), (-90.0, -180.0), (0.0, 0.0)])
def test_coordinates_on_the_boundary_are_accepted(lat: float, lon: float) -> None:
    """The poles and the antimeridian are valid points."""
    assert Coordinates(lat, lon).lat == lat


@pytest.mark.parametrize(
    ("lat", "lon", "field"),
    [(90.0001, 0.0, "lat"), (-95.0, 0.0, "lat"), (0.0, 180.5, "lon"), (math.nan, 0.0, "lat")],
)
def test_coordinates_out_of_range_name_the_field(lat: float, lon: float, field: str) -> None:
    """A latitude outside -90..90 or longitude outside -180..180 is refused, naming which."""
    with pytest.raises(InvalidValue) as info:
        Coordinates(lat, lon)
    assert info.value.field == field


def test_one_degree_of_latitude_is_a_360th_of_the_meridian() -> None:
    """Great-circle distance uses the mean Earth radius 6371.0088 km."""
    d = Coordinates(42.0, 86.0).distance_km(Coordinates(43.0, 86.0))
    assert d == pytest.approx(2 * math.pi * EARTH_RADIUS_KM / 360, rel=1e-9)


points = st.builds(
    Coordinates,
    st.floats(-89.9, 89.9, allow_nan=False),
    st.floats(-179.9, 179.9, allow_nan=False),
)


@given(points, points, points)
def test_great_circle_distance_is_a_metric(a: Coordinates, b: Coordinates, c: Coordinates) -> None:
    """Symmetric, zero to itself, never negative, and obeys the triangle inequality."""
    assert a.distance_km(a) == pytest.approx(0.0, abs=1e-6)
    assert a.distance_km(b) == pytest.approx(b.distance_km(a), abs=1e-6)
    assert a.distance_km(c) <= a.distance_km(b) + b.distance_km(c) + 1e-6


def test_a_negative_population_is_refused() -> None:
    """No division has fewer than zero people."""
    with pytest.raises(InvalidValue) as info:
        town("652828100000", population=-1)
    assert info.value.field == "population"


def test_a_consistent_county_has_no_problems() -> None:
    """Unique codes in the county, known parents and sums within the township pass."""
    divisions = [town("652828100000"), village("652828100201", "652828100000", 60)]
    assert check_divisions("652828", divisions) == []


def test_a_duplicate_code_points_back_to_the_first_row() -> None:
    """The second row with a code is the problem, and it names the first."""
    divisions = [town("652828100000"), town("652828101000"), town("652828100000")]
    [problem] = check_divisions("652828", divisions)
    assert (problem.index, problem.field, problem.first_index) == (2, "code", 0)


def test_a_village_must_hang_under_a_township_of_the_pack() -> None:
    """An unknown parent is refused."""
    [problem] = check_divisions("652828", [village("652828100201", "652828999000")])
    assert problem.field == "parent_code"
    assert "652828999000" in problem.reason


def test_a_division_outside_the_county_is_refused() -> None:
    """Codes start with the county's six digits."""
    [problem] = check_divisions("652828", [town("652827100000")])
    assert "not in county 652828" in problem.reason


def test_villages_cannot_hold_more_people_than_their_township() -> None:
    """The sum of a township's villages and communities is at most the township."""
    divisions = [
        town("652828100000", population=100),
        village("652828100201", "652828100000", 60),
        village("652828100202", "652828100000", 50),
    ]
    [problem] = check_divisions("652828", divisions)
    assert (problem.index, problem.field) == (0, "population")
    assert "110" in problem.reason
