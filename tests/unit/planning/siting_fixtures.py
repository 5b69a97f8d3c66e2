"""Small siting problems that are easy to check by hand."""

from __future__ import annotations

import numpy as np

from countyexpress.planning.siting import CandidateSite, DemandPoint, SitingProblem


def matrix_problem(
    km: list[list[float]], weights: list[float] | None = None, existing: set[int] | None = None
) -> SitingProblem:
    """A problem from a distance matrix: demand d0, d1, … by candidates c0, c1, …"""
    arr = np.array(km, dtype=float)
    weights = weights or [1.0] * arr.shape[0]
    existing = existing or set()
    return SitingProblem(
        tuple(DemandPoint(f"d{i}", w) for i, w in enumerate(weights)),
        tuple(CandidateSite(f"c{j}", existing=j in existing) for j in range(arr.shape[1])),
        arr,
    )


def four_clients_on_a_line(existing: set[int] | None = None) -> SitingProblem:
    """Clients at 0, 1, 2 and 10 km along a road; a candidate at each client."""
    xs = [0.0, 1.0, 2.0, 10.0]
    return matrix_problem([[abs(a - b) for b in xs] for a in xs], existing=existing)
