"""Seeded synthetic county instances in a box the size of Heshuo County (about 12,800 km²)."""

from __future__ import annotations

import numpy as np

from countyexpress.domain.geography import Coordinates
from countyexpress.planning.siting import CandidateSite, DemandPoint, SitingProblem

SEAT = (42.267, 86.85)  # Heshuo county seat (特吾里克镇)
HALF_KM = 56.0  # a 112 km × 112 km box around the seat: about 12,500 km²
KM_PER_DEG_LAT = 111.2


def _points(rng: np.random.Generator, n: int, centres: np.ndarray) -> np.ndarray:
    """Two thirds around the township centres (σ 4 km), one third anywhere in the box (km)."""
    near = rng.random(n) < 2 / 3
    pick = centres[rng.integers(0, len(centres), n)]
    xy = np.where(
        near[:, None],
        pick + rng.normal(0.0, 4.0, (n, 2)),
        rng.uniform(-HALF_KM, HALF_KM, (n, 2)),
    )
    return np.clip(xy, -HALF_KM, HALF_KM)


def _to_coords(xy: np.ndarray) -> list[Coordinates]:
    lat0, lon0 = SEAT
    km_per_deg_lon = KM_PER_DEG_LAT * np.cos(np.radians(lat0))
    return [
        Coordinates(lat0 + y / KM_PER_DEG_LAT, lon0 + x / km_per_deg_lon) for x, y in xy.tolist()
    ]


def county(n_demand: int, n_candidates: int, seed: int) -> SitingProblem:
    """Villages and blocks weighted by population (log-normal, 20–5,000), candidate sites."""
    rng = np.random.default_rng(seed)
    centres = rng.uniform(-0.7 * HALF_KM, 0.7 * HALF_KM, (7, 2))  # 7 townships, like Heshuo
    demand_xy = _points(rng, n_demand, centres)
    site_xy = _points(rng, n_candidates, centres)
    weights = np.clip(np.round(rng.lognormal(5.0, 1.0, n_demand)), 20, 5000)
    demand = tuple(
        DemandPoint(f"d{i}", float(w), c)
        for i, (w, c) in enumerate(zip(weights.tolist(), _to_coords(demand_xy), strict=True))
    )
    sites = tuple(CandidateSite(f"s{j}", c) for j, c in enumerate(_to_coords(site_xy)))
    return SitingProblem(demand, sites)
