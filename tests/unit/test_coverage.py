"""Coverage: nearest facility of each kind, travel km, and who is outside a radius."""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from countyexpress.domain.coverage import (
    DEFAULT_KINDS,
    DEFAULT_RADIUS_KM,
    Basis,
    CoverageReport,
    PlaceCoverage,
    RoadDistances,
    coverage,
    default_radius,
    served_in_place,
    travel_km,
)
from countyexpress.domain.facilities import Facility, FacilityKind, FacilityStatus
from countyexpress.domain.geography import Coordinates
from countyexpress.errors import InvalidValue
from support.small_county import AT, C1, C2, V1, V2, V3, locker, outlet, small_county, station

KM_PER_001_DEG = Coordinates(0, 0).distance_km(Coordinates(0, 0.01))  # ≈ 1.112 km
CIRCUITY = 1.3  # the Standards default the small county keeps


def place(report: CoverageReport, code: str) -> PlaceCoverage:
    """The report's entry for one village or community."""
    return next(p for p in report.places if p.code == code)


def test_travel_is_great_circle_times_the_circuity_factor_without_a_road_matrix() -> None:
    """1.112 km apart in a straight line is 1.446 km by road at circuity 1.3."""
    found = travel_km(C1, AT[C1], C2, AT[C2], CIRCUITY)
    assert found is not None
    assert found[0] == pytest.approx(KM_PER_001_DEG * CIRCUITY)
    assert found[1] is Basis.GREAT_CIRCLE


def test_a_road_matrix_pair_wins_either_way_round() -> None:
    """A row from C2 to C1 serves C1 to C2 too."""
    roads = RoadDistances({(C2, C1): 2.5})
    assert travel_km(C1, AT[C1], C2, AT[C2], CIRCUITY, roads) == (2.5, Basis.ROAD)


def test_without_coordinates_or_a_road_pair_there_is_no_distance() -> None:
    """An unlocated place has no great-circle distance."""
    assert travel_km(C1, None, C2, AT[C2], CIRCUITY) is None


def test_each_place_gets_the_nearest_open_facility_of_each_kind() -> None:
    """V2's nearest station is its own; a closed one next door is ignored."""
    county = small_county(
        [station("S1", V1), station("S2", V2), station("S3", V3, FacilityStatus.CLOSED)]
    )
    report = coverage(county, 2.0, kinds=[FacilityKind.STATION])
    reach = place(report, V3).nearest[0]
    assert reach.code == "S2"
    assert reach.km == pytest.approx(10 * KM_PER_001_DEG * CIRCUITY, rel=1e-3)
    assert reach.within is False


def test_places_beyond_the_radius_or_with_no_facility_of_a_kind_are_outside() -> None:
    """Radius 2 km: only C1 and C2 reach the outlet in C1; nobody has a locker."""
    county = small_county([outlet("O1", C1)])
    report = coverage(county, 2.0, kinds=[FacilityKind.OUTLET, FacilityKind.LOCKER])
    outlets, lockers = report.summary
    assert set(outlets.outside) == {V1, V2, V3}
    assert outlets.places_within == 2
    assert outlets.population_within == 12_000 + 2_500
    assert lockers.places_within == 0 and lockers.facilities == 0
    assert place(report, C1).outside == (FacilityKind.LOCKER,)
    assert place(report, V1).nearest[1].code is None


def test_a_road_distance_can_bring_a_place_inside_the_radius() -> None:
    """V3 is 33 km from C1 in a straight line but 1.5 km by the matrix."""
    county = small_county([outlet("O1", C1)])
    report = coverage(county, 2.0, kinds=[FacilityKind.OUTLET],
                      roads=RoadDistances({(V3, "O1"): 1.5}))  # fmt: skip
    reach = place(report, V3).nearest[0]
    assert (reach.km, reach.basis, reach.within) == (1.5, Basis.ROAD, True)
    assert report.road_pairs == 1


def test_an_unlocated_village_is_outside_with_no_distance() -> None:
    """A village without coordinates is reported, not dropped."""
    county = small_county([station("S1", V1)])
    county.divisions = [replace(d, location=None) if d.code == V2 else d for d in county.divisions]
    p = place(coverage(county, 5.0, kinds=[FacilityKind.STATION]), V2)
    assert p.located is False
    assert p.nearest[0].km is None and p.outside == (FacilityKind.STATION,)


@pytest.mark.parametrize("radius", [0.0, -1.0, float("nan"), float("inf")])
def test_a_radius_must_be_a_positive_number(radius: float) -> None:
    """0, negative, NaN and infinity are refused."""
    with pytest.raises(InvalidValue, match="radius"):
        coverage(small_county(), radius)


def test_the_default_radius_comes_from_the_pack_else_5_km() -> None:
    """`coverage_radius_km` in the standards, else DEFAULT_RADIUS_KM."""
    assert default_radius(small_county()) == DEFAULT_RADIUS_KM
    assert default_radius(small_county(standards={"coverage_radius_km": 3})) == 3.0


@pytest.mark.parametrize("km", [-0.1, float("nan")])
def test_a_road_distance_is_0_or_more(km: float) -> None:
    """Negative or NaN kilometres are refused where the matrix is made."""
    with pytest.raises(InvalidValue, match="km"):
        RoadDistances({(C1, C2): km})


def _facility(i: int, kind: int, where: int) -> Facility:
    makers = (
        lambda: outlet(f"F{i}", (C1, C2)[where % 2]),
        lambda: locker(f"F{i}", (C1, C2)[where % 2]),
        lambda: station(f"F{i}", (V1, V2, V3)[where % 3]),
    )
    return makers[kind]()


@settings(max_examples=100, deadline=None)
@given(
    rows=st.lists(st.tuples(st.integers(0, 2), st.integers(0, 5)), min_size=1, max_size=10),
    drop=st.integers(0, 50),
    radius=st.floats(0.5, 40),
)
def test_removing_a_facility_never_brings_anyone_nearer_or_inside(
    rows: list[tuple[int, int]], drop: int, radius: float
) -> None:
    """Every place's nearest distance never falls and no place moves inside."""
    facilities = [_facility(i, k, w) for i, (k, w) in enumerate(rows)]
    fewer = [f for j, f in enumerate(facilities) if j != drop % len(facilities)]
    before = coverage(small_county(facilities), radius)
    after = coverage(small_county(fewer), radius)
    for p, q in zip(before.places, after.places, strict=True):
        for r, s in zip(p.nearest, q.nearest, strict=True):
            assert r.within or not s.within
            if s.km is not None:
                assert r.km is not None and r.km <= s.km + 1e-9
    for a, b in zip(before.summary, after.summary, strict=True):
        assert b.population_within <= a.population_within


def test_a_village_station_does_not_judge_an_urban_community() -> None:
    """A station next to C1 counts for the villages only: the communities are neither within
    nor outside its radius, and the station summary counts the 3 villages' residents."""
    county = small_county([station("S1", V1)])
    report = coverage(county, 200.0, kinds=[FacilityKind.STATION])
    (stations,) = report.summary
    assert stations.places == 3 and stations.places_within == 3
    assert stations.population == 800 + 600 + 400 == stations.population_within
    assert C1 not in stations.outside and C2 not in stations.outside
    reach = place(report, C1).nearest[0]
    assert reach.judged is False and reach.within is False
    assert place(report, C1).outside == ()


def test_a_community_is_covered_by_an_outlet_or_a_locker_and_never_by_a_station() -> None:
    """C2 has a station beside it and is not covered; a locker 1.4 km away covers it."""
    county = small_county([station("S1", V1), station("S0", C2)])
    kinds = [FacilityKind.STATION, FacilityKind.OUTLET, FacilityKind.LOCKER]
    report = coverage(county, 2.0, kinds=kinds)
    assert place(report, C2).covered is False
    assert place(report, V1).covered is True
    with_locker = coverage(small_county([*county.facilities, locker("L1", C1)]), 2.0, kinds=kinds)
    assert place(with_locker, C2).covered is True


def test_in_its_own_place_a_village_has_a_station_and_a_community_an_outlet_or_locker() -> None:
    """The map's first colouring: V1 has its station, C1 its locker; C2 with only a station
    beside it has nothing of its own."""
    county = small_county([station("S1", V1), locker("L1", C1), station("S0", C2)])
    served = served_in_place(county)
    assert served == {C1: True, C2: False, V1: True, V2: False, V3: False}


@settings(max_examples=100, deadline=None)
@given(
    rows=st.lists(st.tuples(st.integers(0, 2), st.integers(0, 5)), max_size=8),
    at=st.sampled_from([C1, C2, V1, V2, V3]),
    radius=st.floats(0.5, 40),
)
def test_a_station_anywhere_never_changes_whether_a_community_is_covered(
    rows: list[tuple[int, int]], at: str, radius: float
) -> None:
    """Add a station in any place, even a community: no community's cover changes."""
    facilities = [_facility(i, k, w) for i, (k, w) in enumerate(rows)]
    kinds = list(DEFAULT_KINDS)
    before = coverage(small_county(facilities), radius, kinds=kinds)
    after = coverage(small_county([*facilities, station("SX", at)]), radius, kinds=kinds)
    for p, q in zip(before.places, after.places, strict=True):
        if p.code in (C1, C2):
            assert p.covered == q.covered and p.outside == q.outside
