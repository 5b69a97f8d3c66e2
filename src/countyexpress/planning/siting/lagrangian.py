"""A Lagrangian lower bound for the p-median and what it proves before the MIP is built.

Relaxing "each demand point is assigned once" with multipliers λ (Cornuéjols, Fisher and
Nemhauser 1977; Beasley 1993) leaves a problem solved by sorting: with
ρ_j = Σ_i min(0, c_ij − λ_i), the bound is Σ λ_i + Σ_i min(0, e_i − λ_i) + the p smallest ρ_j,
where c_ij = w_i d_ij and e_i is the weighted distance to the nearest existing site, always open.
Subgradient steps raise it close to the LP bound of the radius formulation in milliseconds.

Given a known solution of cost `upper`, the bound also proves (Beasley's reduced-cost tests):
- a candidate is closed in every solution costing at most `upper` when opening it (one of the
  p smallest swapped for it) lifts the bound above `upper`;
- a candidate is open in every such solution when closing it lifts the bound above `upper`;
- a demand point has an open site among its k nearest candidates when closing those k lifts the
  bound above `upper`: its distance levels beyond the k-th nearest can be dropped.
The known solution itself costs `upper`, so it survives every test: the reduced model keeps it.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

Floats = npt.NDArray[np.float64]
Bools = npt.NDArray[np.bool_]
Ints = npt.NDArray[np.intp]

MAX_ITERATIONS = 3000
STALL = 30  # iterations without a better bound before the step is halved
SHRINK_EVERY = 50  # iterations between reduced-cost fixings that drop closed columns
NODE_STALL = 10  # iterations without a better bound before the step is halved, in a node


@dataclass(frozen=True)
class Reduction:
    """What the bound proves about every solution that costs at most `upper`."""

    lower: float  # a lower bound on the optimum (−inf when nothing was computed)
    closed: Bools  # candidates none of those solutions opens
    opened: Bools  # candidates all of those solutions open
    reach_km: Floats  # each point has an open site within this distance (inf: not known)
    multipliers: Floats  # λ of the best bound, 0 for points that weigh nothing
    relaxed: Ints  # the p free columns the relaxed problem opens at the best bound


def is_integral(costs: Floats, upper: float) -> bool:
    """Whether every solution's cost is a whole number (then a bound can be rounded up)."""
    finite = costs[np.isfinite(costs)]
    return bool(np.all(finite == np.round(finite)) and abs(upper) < 1e8)


def round_up(lower: float) -> float:
    """A bound on a whole-number optimum, rounded up (with room for rounding errors)."""
    return float(np.ceil(lower - 1e-6)) if np.isfinite(lower) else lower


def margin(upper: float) -> float:
    """How far above `upper` a bound must be to count as above it, against rounding."""
    return upper + 1e-9 * max(1.0, abs(upper))


def ascend(
    cost: Floats,
    fixed: Floats,
    k: int,
    lam: Floats,
    upper: float,
    target: float,
    iterations: int,
    step: float = 1.0,
) -> tuple[float, Floats]:
    """Subgradient steps from `lam` (Held–Karp step towards `upper`), stopping once the bound
    passes `target`; the best bound and its multipliers."""
    best, best_lam, stall = -np.inf, lam, 0
    for _ in range(iterations):
        value, chosen = _value(lam, fixed, _rho(cost, lam), k)
        if value > best:
            best, best_lam, stall = value, lam, 0
        else:
            stall += 1
        if best >= target:
            break
        if stall >= NODE_STALL:
            step, stall, lam = step / 2, 0, best_lam
            if step < 1e-3:
                break
            continue
        g = 1.0 - (cost[:, chosen] < lam[:, None]).sum(axis=1) - (fixed < lam)
        norm = float(g @ g)
        if norm == 0:
            break
        lam = lam + step * max(upper - value, 1e-9 * max(1.0, abs(upper))) / norm * g
    return best, best_lam


def value(cost: Floats, fixed: Floats, k: int, lam: Floats) -> tuple[float, Floats, Ints]:
    """The bound at `lam`, each column's ρ and the k columns of the relaxed solution."""
    rho = _rho(cost, lam)
    v, chosen = _value(lam, fixed, rho, k)
    return v, rho, chosen


def _value(lam: Floats, fixed: Floats, rho: Floats, p: int) -> tuple[float, Ints]:
    chosen = np.argpartition(rho, p - 1)[:p] if p > 0 else np.zeros(0, dtype=np.intp)
    base = float(lam.sum()) + float(np.minimum(0.0, fixed - lam).sum())
    return base + float(rho[chosen].sum()), chosen.astype(np.intp)


def _rho(cost: Floats, lam: Floats) -> Floats:
    out: Floats = np.minimum(0.0, cost - lam[:, None]).sum(axis=0)
    return out


def reduce(
    km: Floats,
    weight: Floats,
    fixed_km: Floats,
    p: int,
    upper: float,
    start_km: Floats,
    multipliers: Floats | None = None,
    max_iterations: int = MAX_ITERATIONS,
    deadline: float = np.inf,
) -> Reduction:
    """Raise the Lagrangian bound of choosing p of the columns of `km` and apply the tests.

    `km`: points × free candidates; `fixed_km`: each point's distance to its nearest existing
    site (inf when none); `upper`: the cost of a known solution; `start_km`: each point's
    distance in it (the first multipliers, unless `multipliers` are given); `deadline`: a
    `time.perf_counter()` to stop at.
    """
    n, m = km.shape
    closed = np.zeros(m, dtype=bool)
    opened = np.zeros(m, dtype=bool)
    reach = np.full(n, np.inf)
    rows = np.nonzero(weight > 0)[0]
    if p <= 0 or p >= m or len(rows) == 0:
        return Reduction(-np.inf, closed, opened, reach, np.zeros(n), np.zeros(0, dtype=np.intp))
    w = weight[rows]
    cost = w[:, None] * km[rows]
    fixed = w * fixed_km[rows]
    lam = np.minimum(w * start_km[rows], fixed) if multipliers is None else multipliers[rows]
    cols = np.arange(m, dtype=np.intp)  # the original index of each working column
    k = p  # new sites still to choose among the working columns
    bar = margin(upper)
    best, best_lam, step, stall = -np.inf, lam.copy(), 2.0, 0
    for it in range(max_iterations):
        if time.perf_counter() > deadline:
            break
        rho = _rho(cost, lam)
        value, chosen = _value(lam, fixed, rho, k)
        if value > best:
            best, best_lam, stall = value, lam.copy(), 0
        else:
            stall += 1
        if best > bar:
            break
        if stall >= STALL:
            step, stall, lam = step / 2, 0, best_lam.copy()
            if step < 1e-4:
                break
            continue
        if it % SHRINK_EVERY == SHRINK_EVERY - 1:
            cost, fixed, cols, k, lam, best_lam, best = _shrink(
                cost, fixed, cols, k, best_lam, bar, closed, opened
            )
            if k == 0 or len(cols) == k:
                break
            continue
        covered = (cost[:, chosen] < lam[:, None]).sum(axis=1) + (fixed < lam)
        g = 1.0 - covered
        norm = float(g @ g)
        if norm == 0:  # the relaxed solution is feasible: the bound is the optimum
            break
        lam = lam + step * (upper - value) / norm * g
    if best <= bar and k > 0 and len(cols) > k:
        cost, fixed, cols, k, lam, best_lam, best = _shrink(
            cost, fixed, cols, k, best_lam, bar, closed, opened
        )
        if k > 0 and len(cols) > k and time.perf_counter() < deadline:
            reach[rows] = _reach(km[rows][:, cols], cost, fixed, best_lam, k, bar)
    out = np.zeros(n)
    out[rows] = best_lam
    relaxed = np.nonzero(opened)[0]
    if k > 0 and len(cols) >= k:
        _, chosen = _value(best_lam, fixed, _rho(cost, best_lam), k)
        relaxed = np.concatenate([relaxed, cols[chosen]])
    return Reduction(best, closed, opened, reach, out, np.sort(relaxed).astype(np.intp))


def _shrink(
    cost: Floats,
    fixed: Floats,
    cols: Ints,
    k: int,
    lam: Floats,
    bar: float,
    closed: Bools,
    opened: Bools,
) -> tuple[Floats, Floats, Ints, int, Floats, Floats, float]:
    """Apply the open/close tests at `lam`; drop closed columns, move opened ones to `fixed`."""
    rho = _rho(cost, lam)
    value, _ = _value(lam, fixed, rho, k)
    order = np.sort(rho)
    kth, next_ = order[k - 1], (order[k] if len(order) > k else np.inf)
    close = value + rho - kth > bar
    open_ = value - rho + next_ > bar
    close &= ~open_  # both only when no solution costs at most `upper`; keep the columns
    open_ &= ~(value + rho - kth > bar)
    closed[cols[close]] = True
    opened[cols[open_]] = True
    if open_.any():
        fixed = np.minimum(fixed, cost[:, open_].min(axis=1))
        k -= int(open_.sum())
    keep = ~(close | open_)
    cost, cols = cost[:, keep], cols[keep]
    if k > 0 and len(cols) >= k:
        value, _ = _value(lam, fixed, _rho(cost, lam), k)
    return cost, fixed, cols, k, lam, lam.copy(), value


def _reach(km: Floats, cost: Floats, fixed: Floats, lam: Floats, k: int, bar: float) -> Floats:
    """For each point, the distance of its q-th nearest column, for the least q such that
    closing its q nearest columns lifts the bound above `bar` (inf when no q does)."""
    n, m = cost.shape
    rho = _rho(cost, lam)
    base = float(lam.sum()) + float(np.minimum(0.0, fixed - lam).sum())
    by_rho = np.argsort(rho, kind="stable")
    near = np.argsort(km, axis=1, kind="stable")
    rank = np.empty_like(near)
    np.put_along_axis(rank, near, np.arange(m)[None, :].repeat(n, axis=0), axis=1)
    rank_by_rho = rank[:, by_rho]  # each point's nearness rank of the columns in ρ order
    rho_sorted = rho[by_rho]

    def bound(q: Ints) -> Floats:
        keep = rank_by_rho >= q[:, None]
        take = keep & (np.cumsum(keep, axis=1) <= k)
        out: Floats = base + (take * rho_sorted).sum(axis=1)
        out[keep.sum(axis=1) < k] = np.inf  # fewer than k left: no solution at all
        return out

    lo = np.ones(n, dtype=np.intp)
    hi = np.full(n, m - k + 1, dtype=np.intp)  # closing m − k + 1 columns leaves too few
    while (lo < hi).any():
        mid = (lo + hi) // 2
        above = bound(mid) > bar
        hi = np.where(above & (lo < hi), mid, hi)
        lo = np.where(~above & (lo < hi), mid + 1, lo)
    q = np.minimum(lo, m) - 1  # the q-th nearest, counted from 0
    col = np.take_along_axis(near, q[:, None], axis=1)
    out: Floats = np.take_along_axis(km, col, axis=1)[:, 0]
    return out
