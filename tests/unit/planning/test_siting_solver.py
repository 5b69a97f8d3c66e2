"""The three siting models give the same answers as trying every choice."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from siting_fixtures import four_clients_on_a_line, matrix_problem

from countyexpress.planning.siting import Objective, SitingRequest, solve


def test_one_new_site_for_4_clients_on_a_line_goes_to_the_median() -> None:
    """Clients at 0, 1, 2, 10 km: the best single site is at 1 or 2 km (total 11 km)."""
    result = solve(four_clients_on_a_line(), SitingRequest(Objective.PMEDIAN, p=1))
    assert result.chosen in (("c1",), ("c2",))
    assert result.objective == pytest.approx(11.0)
    assert result.optimal and result.gap <= 1e-6


def test_an_existing_site_stays_open_and_p_counts_only_new_ones() -> None:
    """With the 10 km client's site open already, one new site serves the other three."""
    result = solve(four_clients_on_a_line(existing={3}), SitingRequest(Objective.PMEDIAN, p=1))
    assert result.chosen == ("c1",)
    assert result.objective == pytest.approx(2.0)


def test_mclp_covers_the_most_weight_within_the_radius() -> None:
    """Radius 1 km, one new site: the one at 1 km covers the three near clients."""
    result = solve(four_clients_on_a_line(), SitingRequest(Objective.MCLP, p=1, radius_km=1.0))
    assert result.chosen == ("c1",)
    assert result.objective == pytest.approx(3.0)
    assert result.explain("locker") == ("this locker raises coverage within 1 km from 0 % to 75 %")


def test_set_covering_takes_the_fewest_sites_that_reach_everyone() -> None:
    """Radius 1 km: one site at 1 km and one at 10 km."""
    result = solve(four_clients_on_a_line(), SitingRequest(Objective.SETCOVER, radius_km=1.0))
    assert result.chosen == ("c1", "c3")
    assert result.objective == 2.0
    assert "these 2 sites bring all reachable demand within 1 km" in result.explain()


def test_set_covering_reports_points_no_candidate_can_reach() -> None:
    """A client 10 km from every candidate is named as unreachable, not a failure."""
    problem = matrix_problem([[0.0, 5.0], [10.0, 10.0]])
    result = solve(problem, SitingRequest(Objective.SETCOVER, radius_km=1.0))
    assert result.chosen == ("c0",)
    assert result.unreachable == ("d1",)
    assert "1 demand point(s) (50% of the demand) are beyond 1 km" in result.explain()


def test_p_median_explains_the_cut_in_mean_distance() -> None:
    """With an existing site the sentence compares before and after."""
    result = solve(four_clients_on_a_line(existing={3}), SitingRequest(Objective.PMEDIAN, p=1))
    assert result.explain("outlet") == "this outlet cuts the mean distance from 6.8 km to 0.5 km"


@st.composite
def tiny_problems(draw: st.DrawFn) -> tuple[list[list[float]], list[float], set[int]]:
    n = draw(st.integers(1, 6))
    m = draw(st.integers(2, 5))
    km = [[float(draw(st.integers(0, 9))) for _ in range(m)] for _ in range(n)]
    weights = [float(draw(st.integers(0, 3))) for _ in range(n)]
    if sum(weights) == 0:
        weights[0] = 1.0
    existing = draw(st.sets(st.integers(0, m - 1), max_size=m - 1))
    return km, weights, existing


def _subsets(m: int, existing: set[int], sizes: range) -> list[list[int]]:
    free = [j for j in range(m) if j not in existing]
    return [sorted(existing | set(c)) for k in sizes for c in itertools.combinations(free, k)]


@settings(max_examples=40, deadline=None)
@given(tiny_problems(), st.integers(1, 4))
def test_p_median_matches_brute_force(case: tuple, p: int) -> None:
    """The least weighted distance over every choice of p new sites."""
    km, weights, existing = case
    m = len(km[0])
    p = min(p, m - len(existing))
    d, w = np.array(km), np.array(weights)
    best = min(w @ d[:, s].min(axis=1) for s in _subsets(m, existing, range(p, p + 1)))
    result = solve(matrix_problem(km, weights, existing), SitingRequest(Objective.PMEDIAN, p=p))
    assert result.optimal
    assert result.objective == pytest.approx(best)
    assert len(result.chosen) == p


@settings(max_examples=40, deadline=None)
@given(tiny_problems(), st.integers(1, 4), st.integers(0, 6))
def test_mclp_matches_brute_force(case: tuple, p: int, radius: int) -> None:
    """The most weight within the radius over every choice of at most p new sites."""
    km, weights, existing = case
    m = len(km[0])
    p = min(p, m - len(existing))
    d, w = np.array(km), np.array(weights)
    r = radius + 0.5
    best = max(
        w @ (d[:, s] <= r).any(axis=1) if s else 0.0 for s in _subsets(m, existing, range(p + 1))
    )
    problem = matrix_problem(km, weights, existing)
    result = solve(problem, SitingRequest(Objective.MCLP, p=p, radius_km=r))
    assert result.optimal
    assert result.objective == pytest.approx(best)
    assert len(result.chosen) <= p


@settings(max_examples=40, deadline=None)
@given(tiny_problems(), st.integers(0, 6))
def test_set_covering_matches_brute_force(case: tuple, radius: int) -> None:
    """The fewest new sites that bring every reachable weighted point within the radius."""
    km, weights, existing = case
    m = len(km[0])
    d, w = np.array(km), np.array(weights)
    r = radius + 0.5
    reach = (d <= r).any(axis=1) & (w > 0)
    best = min(
        len(s) - len(existing)
        for s in _subsets(m, existing, range(m - len(existing) + 1))
        if not reach.any() or (s and (d[:, s] <= r).any(axis=1)[reach].all())
    )
    problem = matrix_problem(km, weights, existing)
    result = solve(problem, SitingRequest(Objective.SETCOVER, radius_km=r))
    assert result.optimal
    assert result.objective == best
    covered = (d[:, [int(c[1:]) for c in result.chosen] + sorted(existing)] <= r).any(axis=1)
    assert covered[reach].all()
