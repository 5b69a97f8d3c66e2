"""Distances: great-circle km × circuity, minutes at an average speed, or a given matrix."""

from __future__ import annotations

import math

import pytest

from countyexpress.domain.geography import Coordinates
from countyexpress.errors import InvalidValue
from countyexpress.planning.routing import TravelMatrix, great_circle_km
from countyexpress.planning.routing.distances import EARTH_RADIUS_KM


def test_one_degree_of_latitude_is_the_mean_radius_times_pi_over_180() -> None:
    """With R = 6371.0088 km, one degree along a meridian is 111.195 km."""
    km = great_circle_km(Coordinates(42.0, 86.0), Coordinates(43.0, 86.0))
    assert km == pytest.approx(EARTH_RADIUS_KM * math.pi / 180)
    assert km == pytest.approx(111.195, abs=1e-3)


def test_road_km_are_great_circle_km_times_circuity_and_minutes_follow_speed() -> None:
    """Circuity 1.5 at 30 km/h: 111.195 km of arc is 166.79 km and 333.6 minutes."""
    points = {"D": Coordinates(42.0, 86.0), "A": Coordinates(43.0, 86.0)}
    t = TravelMatrix.from_coordinates(points, circuity=1.5, speed_kmh=30.0)
    assert t.km_between("D", "A") == pytest.approx(1.5 * 111.19508, rel=1e-6)
    assert t.minutes_between("A", "D") == pytest.approx(t.km_between("A", "D") * 2)
    assert t.km_between("D", "D") == 0.0


def test_a_given_matrix_without_speed_takes_no_time() -> None:
    """A road matrix alone has zero minutes until a speed is given."""
    t = TravelMatrix.from_km(["D", "A"], [[0, 5], [6, 0]])
    assert (t.km_between("D", "A"), t.km_between("A", "D")) == (5.0, 6.0)
    assert t.minutes_between("D", "A") == 0.0


@pytest.mark.parametrize(
    ("codes", "km", "match"),
    [
        (["D", "D"], [[0, 1], [1, 0]], "names each place once"),
        (["D", "A"], [[0, 1]], "must be 2 × 2"),
        (["D", "A"], [[0, -1], [1, 0]], "finite and 0 or more"),
    ],
)
def test_a_malformed_matrix_is_refused(codes: list[str], km: list[list[float]], match: str) -> None:
    """Square, one row per place, no negative distances."""
    with pytest.raises(InvalidValue, match=match):
        TravelMatrix.from_km(codes, km)


def test_roads_are_never_shorter_than_the_straight_line() -> None:
    """A circuity below 1 is refused."""
    with pytest.raises(InvalidValue, match="circuity"):
        TravelMatrix.from_coordinates({"D": Coordinates(0, 0)}, circuity=0.9)
