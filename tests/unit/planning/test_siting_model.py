"""The siting model refuses what it cannot answer, with one-line reasons."""

from __future__ import annotations

import numpy as np
import pytest
from siting_fixtures import four_clients_on_a_line

from countyexpress.domain.geography import Coordinates
from countyexpress.errors import InvalidValue
from countyexpress.planning.siting import (
    CandidateSite,
    DemandPoint,
    Objective,
    SitingProblem,
    SitingRequest,
    SolveLimits,
)
from countyexpress.planning.siting.distances import great_circle_km

HERE = Coordinates(42.267, 86.85)


def test_a_negative_weight_is_refused() -> None:
    """Demand weight must be 0 or more."""
    with pytest.raises(InvalidValue, match=r"weight -1\.0 of v1 must be 0 or more"):
        DemandPoint("v1", -1.0, HERE)


def test_a_duplicate_candidate_id_is_refused() -> None:
    """Candidate ids are unique."""
    with pytest.raises(InvalidValue, match="candidate site id 'c1' appears twice"):
        SitingProblem(
            (DemandPoint("v1", 1.0, HERE),), (CandidateSite("c1", HERE), CandidateSite("c1", HERE))
        )


def test_a_point_without_location_needs_a_distance_matrix() -> None:
    """Without a matrix every point needs a location."""
    with pytest.raises(InvalidValue, match="demand point v1 has no location"):
        SitingProblem((DemandPoint("v1"),), (CandidateSite("c1", HERE),))


def test_a_distance_matrix_of_the_wrong_shape_is_refused() -> None:
    """The matrix is demand points × candidates."""
    with pytest.raises(InvalidValue, match=r"distance matrix is \(2, 2\), expected \(1, 2\)"):
        SitingProblem(
            (DemandPoint("v1"),), (CandidateSite("c1"), CandidateSite("c2")), np.zeros((2, 2))
        )


def test_demand_that_weighs_nothing_is_refused() -> None:
    """At least one demand point must weigh more than 0."""
    with pytest.raises(InvalidValue, match="add up to 0"):
        SitingProblem((DemandPoint("v1", 0.0),), (CandidateSite("c1"),), np.zeros((1, 1)))


@pytest.mark.parametrize(
    ("objective", "p", "radius", "message"),
    [
        (Objective.PMEDIAN, None, None, "pmedian needs p"),
        (Objective.MCLP, 0, 2.0, "p 0 must be 1 or more"),
        (Objective.MCLP, 2, None, "mclp needs a radius"),
        (Objective.SETCOVER, None, 0.0, "radius 0.0 km must be more than 0"),
    ],
)
def test_a_request_needs_its_p_and_radius(
    objective: Objective, p: int | None, radius: float | None, message: str
) -> None:
    """p-median and MCLP need p ≥ 1; MCLP and set covering need a radius above 0."""
    with pytest.raises(InvalidValue, match=message):
        SitingRequest(objective, p, radius)


def test_p_counts_only_candidates_not_yet_open() -> None:
    """p new sites cannot exceed the candidates that are not existing facilities."""
    problem = four_clients_on_a_line(existing={0, 1})
    with pytest.raises(InvalidValue, match="p 3 is more than the 2 candidate site"):
        SitingRequest(Objective.PMEDIAN, p=3).check(problem)


def test_a_time_limit_must_be_positive() -> None:
    """The solver needs some time."""
    with pytest.raises(InvalidValue, match=r"time limit 0\.0 s"):
        SolveLimits(time_limit_s=0.0)


def test_great_circle_distances_agree_with_the_domain_haversine() -> None:
    """The vectorised matrix equals Coordinates.distance_km (R = 6371.0088)."""
    a, b = Coordinates(42.267, 86.85), Coordinates(42.32, 86.92)
    km = great_circle_km(np.array([a.lat]), np.array([a.lon]), np.array([b.lat]), np.array([b.lon]))
    assert km[0, 0] == pytest.approx(a.distance_km(b), rel=1e-12)


def test_distances_come_from_locations_when_no_matrix_is_given() -> None:
    """A problem with locations computes its great-circle matrix itself."""
    b = Coordinates(42.32, 86.92)
    problem = SitingProblem((DemandPoint("v1", 1.0, HERE),), (CandidateSite("c1", b),))
    assert problem.distances_km[0, 0] == pytest.approx(HERE.distance_km(b))
