"""Siting on the Heshuo pack: demand from its places, its open facilities kept open."""

from __future__ import annotations

import pytest

from countyexpress.adapters.packs import builtin_pack_path, read_pack
from countyexpress.domain.county import County
from countyexpress.domain.facilities import FacilityKind
from countyexpress.domain.geography import Coordinates, DivisionLevel
from countyexpress.errors import InvalidValue
from countyexpress.planning.siting import CandidateSite, Objective, SitingRequest, solve
from countyexpress.planning.siting.county import county_problem


@pytest.fixture(scope="module")
def heshuo() -> County:
    """The Heshuo pack as shipped."""
    path = builtin_pack_path("heshuo")
    assert path is not None
    return read_pack(path)


def test_adding_lockers_never_lowers_coverage(heshuo: County) -> None:
    """One more locker (MCLP, 2 km) covers at least as many residents as one fewer."""
    cp = county_problem(heshuo, FacilityKind.LOCKER)
    shares = [
        solve(cp.problem, SitingRequest(Objective.MCLP, p, 2.0)).after.covered_share or 0.0
        for p in range(1, 5)
    ]
    assert shares == sorted(shares)
    before = solve(cp.problem, SitingRequest(Objective.MCLP, 1, 2.0)).before.covered_share
    assert before is not None and shares[0] >= before


@pytest.mark.parametrize("kind", [FacilityKind.LOCKER, FacilityKind.STATION, FacilityKind.OUTLET])
def test_the_open_facilities_of_the_kind_are_existing_sites(
    heshuo: County, kind: FacilityKind
) -> None:
    """Every open facility of the kind is a candidate fixed open, and none is chosen anew."""
    cp = county_problem(heshuo, kind)
    existing = {c.id for c in cp.problem.candidates if c.existing}
    assert existing == {f.code for f in heshuo.facilities_of(kind) if f.is_operating}
    result = solve(cp.problem, SitingRequest(Objective.PMEDIAN, 2))
    assert not existing & set(result.chosen)
    assert result.after.open_sites == len(existing) + 2


def test_placeholder_coordinates_are_flagged(heshuo: County) -> None:
    """The pack's placeholder coordinates and the circuity factor appear in the notes."""
    notes = county_problem(heshuo, FacilityKind.LOCKER).notes
    assert any("placeholder coordinates" in n for n in notes)
    assert any("circuity factor 1.3" in n for n in notes)


def test_distances_are_great_circle_times_the_circuity_factor(heshuo: County) -> None:
    """The matrix is the haversine km of the locations × the pack's factor."""
    cp = county_problem(heshuo, FacilityKind.LOCKER)
    d, c = cp.problem.demand[0], cp.problem.candidates[0]
    assert d.location is not None and c.location is not None
    expected = d.location.distance_km(c.location) * 1.3
    assert cp.problem.distances_km[0, 0] == pytest.approx(expected)


def test_a_candidate_file_naming_an_existing_facility_is_refused(heshuo: County) -> None:
    """A candidate with the code of an open locker would count it twice."""
    locker = heshuo.facilities_of(FacilityKind.LOCKER)[0]
    with pytest.raises(InvalidValue, match="existing locker"):
        county_problem(heshuo, FacilityKind.LOCKER, [CandidateSite(locker.code, locker.location)])


def test_new_village_stations_are_proposed_only_in_administrative_villages(
    heshuo: County,
) -> None:
    """A station's new candidates are the located villages: no community, no township seat."""
    cp = county_problem(heshuo, FacilityKind.STATION)
    new = {c.id for c in cp.problem.candidates if not c.existing}
    villages = {
        d.code for d in heshuo.divisions_at(DivisionLevel.VILLAGE) if d.location is not None
    }
    stations_in = {f.division_code for f in heshuo.facilities_of(FacilityKind.STATION)}
    assert new and new <= villages
    assert new == villages - stations_in
    result = solve(cp.problem, SitingRequest(Objective.PMEDIAN, 3))
    assert set(result.chosen) <= villages


def test_lockers_and_outlets_may_still_go_to_communities(heshuo: County) -> None:
    """Urban communities stay candidates for the kinds that serve them."""
    communities = {d.code for d in heshuo.divisions_at(DivisionLevel.COMMUNITY)}
    for kind in (FacilityKind.LOCKER, FacilityKind.OUTLET):
        new = {c.id for c in county_problem(heshuo, kind).problem.candidates if not c.existing}
        assert communities <= new


def test_a_station_candidate_that_is_not_a_village_is_refused(heshuo: County) -> None:
    """A candidate file may not put a village station in a community or at a bare point."""
    community = heshuo.divisions_at(DivisionLevel.COMMUNITY)[0]
    for site in (CandidateSite(community.code, community.location),
                 CandidateSite("P1", Coordinates(42.3, 86.9))):  # fmt: skip
        with pytest.raises(InvalidValue, match="administrative village"):
            county_problem(heshuo, FacilityKind.STATION, [site])
    village = heshuo.divisions_at(DivisionLevel.VILLAGE)[-1]
    cp = county_problem(
        heshuo, FacilityKind.STATION, [CandidateSite(village.code, village.location)]
    )
    assert village.code in {c.id for c in cp.problem.candidates}
