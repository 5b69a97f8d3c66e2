"""Reductions keep the covering models' answers while shrinking them."""

from __future__ import annotations

import numpy as np

from countyexpress.planning.siting.reductions import (
    dominated,
    group_by_cover,
    implied_rows,
    reduce_set_cover,
)


def test_points_covered_by_the_same_candidates_become_one_group() -> None:
    """Equal rows merge and their weights add up."""
    cover = np.array([[1, 0, 1], [0, 1, 0], [1, 0, 1]], dtype=bool)
    groups = group_by_cover(cover, np.array([2.0, 3.0, 5.0]))
    assert sorted(groups.weight.tolist()) == [3.0, 7.0]
    assert groups.of_point[0] == groups.of_point[2] != groups.of_point[1]


def test_a_candidate_covering_a_subset_of_another_is_dominated() -> None:
    """c0 covers {g0}, c1 covers {g0, g1}: c0 goes; of two equal candidates the later goes."""
    cover = np.array([[1, 1, 1], [0, 1, 1]], dtype=bool)
    assert dominated(cover).tolist() == [True, False, True]


def test_a_group_with_one_candidate_forces_it_open() -> None:
    """g0 needs c2, which covers g1 too; then c0 and c1 tie on g2, c0 stays and is forced."""
    cover = np.array([[0, 0, 1], [1, 0, 1], [1, 1, 0]], dtype=bool)
    reduced = reduce_set_cover(cover)
    assert reduced.forced.tolist() == [0, 2]
    assert reduced.cover.shape == (0, 0)


def test_a_group_implied_by_a_smaller_one_is_dropped() -> None:
    """g1 is reachable by c0, c1, c2 and g0 by c0, c1: covering g0 covers g1."""
    cover = np.array([[1, 1, 0, 0], [1, 1, 1, 0], [0, 0, 1, 1], [0, 1, 0, 1]], dtype=bool)
    assert implied_rows(cover).tolist() == [False, True, False, False]
    reduced = reduce_set_cover(cover)  # then c1 is g0's only choice, and c2 or c3 covers g2
    assert reduced.forced.tolist() == [1, 2]
    assert reduced.cover.shape[0] == 0
