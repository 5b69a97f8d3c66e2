"""The Lagrangian bound, its reduced-cost tests and the tree search never cut off the optimum."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from siting_fixtures import matrix_problem

from countyexpress.planning.siting import Objective, SitingRequest, solve, solver, tree
from countyexpress.planning.siting import lagrangian as lg

Case = tuple[np.ndarray, np.ndarray, np.ndarray, int]


@st.composite
def small_cases(draw: st.DrawFn) -> Case:
    """Up to 10 points × 7 free candidates, whole or fractional km, a few existing sites' km."""
    n = draw(st.integers(1, 10))
    m = draw(st.integers(2, 7))
    whole = draw(st.booleans())
    km_value = st.integers(0, 20).map(float) if whole else st.floats(0.0, 20.0)
    km = np.array([[draw(km_value) for _ in range(m)] for _ in range(n)])
    weight = np.array([float(draw(st.integers(0, 4))) for _ in range(n)])
    if weight.sum() == 0:
        weight[0] = 1.0
    if draw(st.booleans()):
        fixed = np.array([draw(km_value) for _ in range(n)])
    else:
        fixed = np.full(n, np.inf)
    p = draw(st.integers(1, m - 1))
    return km, weight, fixed, p


def _cost(case: Case, columns: tuple[int, ...]) -> float:
    km, w, fixed, _ = case
    return float(w @ np.minimum(fixed, km[:, list(columns)].min(axis=1)))


def _all(case: Case) -> list[tuple[tuple[int, ...], float]]:
    km, _, _, p = case
    return [(s, _cost(case, s)) for s in itertools.combinations(range(km.shape[1]), p)]


@settings(max_examples=150, deadline=None)
@given(small_cases(), st.integers(0, 1000))
def test_the_lagrangian_bound_never_exceeds_the_optimum(case: Case, pick: int) -> None:
    """Whatever known solution starts it, the bound stays at or below the brute-force optimum."""
    km, w, fixed, p = case
    every = _all(case)
    known, upper = every[pick % len(every)]
    start = np.minimum(fixed, km[:, list(known)].min(axis=1))
    red = lg.reduce(km, w, fixed, p, upper, start)
    best = min(c for _, c in every)
    assert red.lower <= best + 1e-9 * max(1.0, best)


@settings(max_examples=150, deadline=None)
@given(small_cases(), st.integers(0, 1000))
def test_reduced_cost_tests_keep_every_solution_no_worse_than_the_known_one(
    case: Case, pick: int
) -> None:
    """No solution costing at most `upper` opens a closed candidate, misses an opened one, or
    serves a point beyond its reach; so the optimal sets and the known one survive."""
    km, w, fixed, p = case
    every = _all(case)
    known, upper = every[pick % len(every)]
    start = np.minimum(fixed, km[:, list(known)].min(axis=1))
    red = lg.reduce(km, w, fixed, p, upper, start)
    for s, c in every:
        if c <= upper:
            assert not red.closed[list(s)].any()
            assert red.opened[list(s)].sum() == red.opened.sum()
            served = np.minimum(fixed, km[:, list(s)].min(axis=1))
            assert np.all(served[w > 0] <= red.reach_km[w > 0])


@settings(max_examples=150, deadline=None)
@given(small_cases(), st.integers(0, 1000))
def test_the_tree_search_finds_the_optimum_and_a_lower_bound_below_it(
    case: Case, pick: int
) -> None:
    """A finished search returns a brute-force optimal set and a bound no higher than it."""
    km, w, fixed, p = case
    every = _all(case)
    known, upper = every[pick % len(every)]
    start = np.minimum(fixed, km[:, list(known)].min(axis=1))
    red = lg.reduce(km, w, fixed, p, upper, start)
    found = tree.search(km, w, fixed, p, np.array(known), red, 1e-9, node_limit=10_000)
    best = min(c for _, c in every)
    assert found.complete
    assert len(found.columns) == p
    assert found.cost == pytest.approx(best, rel=1e-9, abs=1e-9)
    assert found.cost == pytest.approx(_cost(case, tuple(found.columns.tolist())), abs=1e-9)
    assert found.lower <= best + 1e-9 * max(1.0, best)


@st.composite
def problems(draw: st.DrawFn) -> tuple[list[list[float]], list[float], set[int], int]:
    n = draw(st.integers(1, 12))
    m = draw(st.integers(2, 8))
    km = [[float(draw(st.integers(0, 30))) for _ in range(m)] for _ in range(n)]
    weights = [float(draw(st.integers(0, 5))) for _ in range(n)]
    if sum(weights) == 0:
        weights[0] = 1.0
    existing = draw(st.sets(st.integers(0, m - 1), max_size=2))
    if len(existing) == m:
        existing = set()
    p = draw(st.integers(1, m - len(existing)))
    return km, weights, existing, p


@pytest.mark.parametrize("nodes", [0, 1, solver.TREE_NODES])
@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(case=problems())
def test_p_median_is_optimal_whether_the_tree_or_the_mip_finishes(
    case: tuple[list[list[float]], list[float], set[int], int],
    nodes: int,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """With no tree nodes, one, or the full budget, the answer is the brute-force optimum."""
    km, weights, existing, p = case
    monkeypatch.setattr(solver, "TREE_NODES", nodes)
    d, w = np.array(km), np.array(weights)
    free = [j for j in range(d.shape[1]) if j not in existing]
    best = min(
        float(w @ d[:, sorted(existing | set(s))].min(axis=1))
        for s in itertools.combinations(free, p)
    )
    result = solve(matrix_problem(km, weights, existing), SitingRequest(Objective.PMEDIAN, p=p))
    assert result.optimal
    assert result.objective == pytest.approx(best)
    assert len(result.chosen) == p
    chosen = [int(c[1:]) for c in result.chosen]
    assert float(w @ d[:, sorted(existing | set(chosen))].min(axis=1)) == pytest.approx(best)
