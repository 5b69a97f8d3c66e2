"""The three siting models as plain arrays, tight and reduced, ready for a MIP solver.

- p-median: the radius formulation (Elloumi 2010; García, Labbé and Marín 2011). For each
  demand point the distinct distances D0 < D1 < … to the candidates become levels;
  z_k = 1 when no open site is closer than D_k, and the point's distance is
  D0 + Σ (D_k − D_{k−1}) z_k. Levels stop at the nearest existing site, at the
  (m − p + 1)-th nearest new candidate, since one of those is always open, and at a reach
  proven by the Lagrangian bound (`lagrangian.py`); `restrict` drops the candidates it closed.
- MCLP: points covered by the same candidates are one group; dominated candidates go.
- set covering: the same groups, forced candidates, dominated candidates, implied groups.

`p` counts new sites: existing ones are open on top of them.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import numpy.typing as npt

from countyexpress.planning.siting import heuristics
from countyexpress.planning.siting.model import SitingProblem
from countyexpress.planning.siting.reductions import dominated, group_by_cover, reduce_set_cover

Floats = npt.NDArray[np.float64]
Ints = npt.NDArray[np.intp]
Bools = npt.NDArray[np.bool_]


@dataclass(frozen=True, eq=False)
class MipArrays:
    """A mixed-integer program: columns, rows as triplets, and which column opens which site.

    The first `len(sites)` columns are the binary "open" columns of candidates `sites`.
    """

    maximise: bool
    cost: Floats
    upper: Floats
    integer: Bools
    offset: float
    row_lower: Floats
    row_upper: Floats
    a_row: Ints
    a_col: Ints
    a_val: Floats
    sites: Ints
    forced: Ints  # candidates open by reduction, besides the existing ones
    start: Ints | None = None  # "open" columns of a known good solution, the other ones 0
    level_point: Ints | None = None  # p-median: the point of each level column
    level_km: Floats | None = None  # p-median: the level column is 1 when no site is closer
    site_km: Floats | None = None  # p-median: distance from each point to each "open" column
    group_cover: Bools | None = None  # MCLP: which "open" columns cover each group column

    @property
    def num_col(self) -> int:
        return len(self.cost)

    @property
    def num_row(self) -> int:
        return len(self.row_lower)

    def start_values(self) -> Floats | None:
        """Every column's value in the start solution, or None when there is none."""
        if self.start is None:
            return None
        values = np.zeros(self.num_col)
        values[self.start] = 1.0
        if self.level_point is not None and self.level_km is not None and self.site_km is not None:
            nearest = self.site_km[:, self.start].min(axis=1, initial=np.inf)
            values[len(self.sites) :] = nearest[self.level_point] >= self.level_km
        if self.group_cover is not None:
            values[len(self.sites) :] = self.group_cover[:, self.start].any(axis=1)
        return values


def _free(problem: SitingProblem) -> Ints:
    return np.nonzero(~problem.existing)[0].astype(np.intp)


def pmedian(
    problem: SitingProblem,
    p: int,
    limit_km: Floats | None = None,
    start: Ints | None = None,
    reach_km: Floats | None = None,
) -> MipArrays:
    """The radius formulation of the p-median with p new sites.

    With `limit_km`, each point's distance counts as at most its limit: a relaxation whose
    optimum is a lower bound, and the true optimum when no chosen point lies beyond its limit.
    With `reach_km`, each point has an open site within its reach (a cut proven elsewhere, such
    as by the Lagrangian bound for every solution no worse than a known one): levels past it go.
    """
    free = _free(problem)
    km = problem.distances_km
    d_free = km[:, free]
    n_free = len(free)
    cap_all = existing_km(problem)
    if limit_km is not None:
        cap_all = np.minimum(cap_all, limit_km)
    rank_cap = np.partition(d_free, n_free - p, axis=1)[:, n_free - p]
    if reach_km is not None:
        rank_cap = np.minimum(rank_cap, reach_km)
    rows: list[Ints] = []
    cols: list[Ints] = []
    vals: list[Floats] = []
    z_cost: list[Floats] = []
    z_point: list[Ints] = []
    z_km: list[Floats] = []
    row_lower: list[Floats] = []
    offset = 0.0
    n_row, n_col = 0, n_free
    for i, w in enumerate(problem.weights.tolist()):
        if w <= 0:
            continue
        row = d_free[i]
        cut = bool(rank_cap[i] < cap_all[i])
        cap = float(rank_cap[i]) if cut else float(cap_all[i])
        near = np.nonzero(row <= cap)[0] if cut else np.nonzero(row < cap)[0]
        levels, level_of = np.unique(row[near], return_inverse=True)
        u = len(levels)
        offset += w * (float(levels[0]) if u else cap)
        if u == 0:
            continue
        nz = u - 1 if cut else u
        bounds = levels if cut else np.append(levels, cap)
        z_cost.append(w * np.diff(bounds))
        z_point.append(np.full(nz, i, dtype=np.intp))
        z_km.append(bounds[1:])
        z = n_col + np.arange(nz)
        r = n_row + np.arange(u)
        rows += [r[level_of], r[:nz], r[1:]]
        cols += [near.astype(np.intp), z, z[: u - 1]]
        vals += [np.ones(len(near)), np.ones(nz), -np.ones(u - 1)]
        lower = np.zeros(u)
        lower[0] = 1.0
        row_lower.append(lower)
        n_row += u
        n_col += nz
    cost = np.concatenate([np.zeros(n_free), *z_cost])
    integer = np.zeros(n_col, dtype=bool)
    integer[:n_free] = True
    # one row more: exactly p new sites
    rows.append(np.full(n_free, n_row, dtype=np.intp))
    cols.append(np.arange(n_free, dtype=np.intp))
    vals.append(np.ones(n_free))
    lower_all = np.concatenate([*row_lower, [float(p)]])
    upper_all = np.full(n_row + 1, np.inf)
    upper_all[-1] = float(p)
    return MipArrays(
        maximise=False,
        cost=cost,
        upper=np.ones(n_col),
        integer=integer,
        offset=offset,
        row_lower=lower_all,
        row_upper=upper_all,
        a_row=np.concatenate(rows).astype(np.intp),
        a_col=np.concatenate(cols).astype(np.intp),
        a_val=np.concatenate(vals).astype(np.float64),
        sites=free,
        forced=np.zeros(0, dtype=np.intp),
        start=start,
        level_point=np.concatenate([np.zeros(0, dtype=np.intp), *z_point]),
        level_km=np.concatenate([np.zeros(0), *z_km]),
        site_km=d_free,
    )


def restrict(problem: SitingProblem, closed: Bools, opened: Bools) -> SitingProblem:
    """The problem without the free candidates `closed`, and with those `opened` fixed open.

    `closed` and `opened` index the free candidates; the kept free candidates keep their order.
    """
    free = _free(problem)
    kept = free[~(closed | opened)]
    fixed = np.concatenate([np.nonzero(problem.existing)[0], free[opened]]).astype(np.intp)
    columns = np.concatenate([fixed, kept])
    candidates = tuple(
        replace(problem.candidates[j], existing=True) for j in fixed.tolist()
    ) + tuple(problem.candidates[j] for j in kept.tolist())
    return SitingProblem(problem.demand, candidates, problem.distances_km[:, columns])


def existing_km(problem: SitingProblem) -> Floats:
    """Each point's distance to its nearest existing site (inf when there is none)."""
    if not problem.existing.any():
        return np.full(len(problem.demand), np.inf)
    out: Floats = problem.distances_km[:, problem.existing].min(axis=1)
    return out


def served_km(problem: SitingProblem, columns: Ints) -> Floats:
    """Each point's distance to its nearest open site, given the free columns opened."""
    free = _free(problem)
    out: Floats = np.minimum(
        existing_km(problem), problem.distances_km[:, free[columns]].min(axis=1, initial=np.inf)
    )
    return out


def levels_beyond(problem: SitingProblem, km: Floats, steps: int) -> Floats:
    """For each point, the distance `steps` distinct candidate distances past `km` (or the last)."""
    d_free = problem.distances_km[:, _free(problem)]
    out = np.empty(len(km))
    for i in range(len(km)):
        levels = np.unique(d_free[i])
        at = int(np.searchsorted(levels, km[i] - 1e-12))
        out[i] = levels[min(at + steps, len(levels) - 1)] if at + steps < len(levels) else np.inf
    return out


def start_pmedian(problem: SitingProblem, p: int, deadline: float = np.inf) -> Ints:
    """Free columns of a good solution: greedy, then best swaps (until `deadline`)."""
    km, w, fixed = problem.distances_km[:, _free(problem)], problem.weights, existing_km(problem)
    first = heuristics.greedy(km, w, fixed, p)
    return heuristics.interchange(km, w, fixed, first, deadline=deadline)


@dataclass(frozen=True)
class Coverage:
    """Who the existing sites cover, who no candidate reaches, and the groups left to cover."""

    served_weight: float
    served_share: float
    unreachable: Ints
    unreachable_share: float
    cover: Bools  # groups × free candidates
    weight: Floats


def coverage(problem: SitingProblem, radius_km: float) -> Coverage:
    """Split the demand at a radius: served already, out of reach, or to be covered (grouped)."""
    within = problem.distances_km <= radius_km
    w = problem.weights
    total = float(w.sum())
    served = within[:, problem.existing].any(axis=1)
    reachable = within.any(axis=1)
    free_cover = within[:, ~problem.existing]
    active = ~served & reachable & (w > 0)
    unreachable = np.nonzero(~reachable & (w > 0))[0].astype(np.intp)
    groups = group_by_cover(free_cover[active], w[active])
    return Coverage(
        served_weight=float(w[served].sum()),
        served_share=float(w[served].sum()) / total,
        unreachable=unreachable,
        unreachable_share=float(w[unreachable].sum()) / total,
        cover=groups.cover,
        weight=groups.weight,
    )


def mclp(problem: SitingProblem, p: int, radius_km: float) -> MipArrays:
    """Maximal covering over aggregated groups and undominated candidates, at most p new sites."""
    cov = coverage(problem, radius_km)
    free = _free(problem)
    keep = ~dominated(cov.cover) if cov.cover.shape[0] else np.zeros(len(free), dtype=bool)
    groups = group_by_cover(cov.cover[:, keep], cov.weight)
    sites = free[keep]
    n_y, n_x = len(sites), len(groups.weight)
    g, k = np.nonzero(groups.cover)
    rows = [g, np.arange(n_x), np.full(n_y, n_x)]
    cols = [k, n_y + np.arange(n_x), np.arange(n_y)]
    vals = [-np.ones(len(g)), np.ones(n_x), np.ones(n_y)]
    return MipArrays(
        maximise=True,
        cost=np.concatenate([np.zeros(n_y), groups.weight]),
        upper=np.ones(n_y + n_x),
        integer=np.arange(n_y + n_x) < n_y,
        offset=cov.served_weight,
        row_lower=np.full(n_x + 1, -np.inf),
        row_upper=np.append(np.zeros(n_x), float(p)),
        a_row=np.concatenate(rows).astype(np.intp),
        a_col=np.concatenate(cols).astype(np.intp),
        a_val=np.concatenate(vals).astype(np.float64),
        sites=sites,
        forced=np.zeros(0, dtype=np.intp),
        start=heuristics.swap_cover(
            groups.cover, groups.weight, heuristics.greedy_cover(groups.cover, groups.weight, p)
        ),
        group_cover=groups.cover,
    )


def set_cover(problem: SitingProblem, radius_km: float) -> MipArrays:
    """Fewest new sites covering every reachable group, after the set-covering reductions."""
    cov = coverage(problem, radius_km)
    free = _free(problem)
    red = reduce_set_cover(cov.cover)
    sites = free[red.columns]
    g, k = np.nonzero(red.cover)
    n_y = len(sites)
    return MipArrays(
        maximise=False,
        cost=np.ones(n_y),
        upper=np.ones(n_y),
        integer=np.ones(n_y, dtype=bool),
        offset=float(len(red.forced)),
        row_lower=np.ones(red.cover.shape[0]),
        row_upper=np.full(red.cover.shape[0], np.inf),
        a_row=g.astype(np.intp),
        a_col=k.astype(np.intp),
        a_val=np.ones(len(g)),
        sites=sites,
        forced=free[red.forced],
    )
