"""Branch and bound on the Lagrangian bound for the p-median (Beasley 1993), in numpy.

Each node fixes some candidates open and some closed; its bound comes from a few subgradient
steps started at its parent's multipliers, its reduced-cost tests fix more candidates, and its
relaxed solution is tried as a solution. A node is pruned when its bound shows it holds nothing
better than the best solution by more than the tolerance (when every cost is a whole number, by
a whole unit or more). The search branches on the candidate of the lowest ρ: open first, then
closed. With few new sites the tree is small; when it grows past its budget the caller hands
what is left to the MIP.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from countyexpress.planning.siting.lagrangian import (
    Reduction,
    ascend,
    is_integral,
    round_up,
    value,
)

Floats = npt.NDArray[np.float64]
Bools = npt.NDArray[np.bool_]
Ints = npt.NDArray[np.intp]

NODE_ITERATIONS = 30
"""Subgradient steps in a node at most (20–30 beat 60 on pmed17, 22, 39: more nodes, less time)."""


@dataclass(frozen=True)
class TreeResult:
    """The best solution found, and whether the search finished (then `lower` proves it)."""

    columns: Ints  # free columns opened by the best solution
    cost: float
    lower: float
    complete: bool
    nodes: int


@dataclass
class _Node:
    closed: Bools  # over the root's columns
    opened: Bools
    lam: Floats


def search(
    km: Floats,
    weight: Floats,
    fixed_km: Floats,
    p: int,
    columns: Ints,
    root: Reduction,
    rel_gap: float,
    node_limit: int,
    deadline: float = np.inf,
) -> TreeResult:
    """Search the choices of p free columns of `km` left open by the root reduction.

    `columns` is a known solution (free columns, no worse than the root's `upper`), `fixed_km`
    each point's distance to its nearest existing site (inf when none).
    """
    rows = np.nonzero(weight > 0)[0]
    w = weight[rows]
    root_cols = np.nonzero(~(root.closed | root.opened))[0].astype(np.intp)
    root_open = np.nonzero(root.opened)[0].astype(np.intp)
    cost0 = w[:, None] * km[rows][:, root_cols]
    fixed0 = w * np.minimum(fixed_km[rows], km[rows][:, root_open].min(axis=1, initial=np.inf))
    k0 = p - len(root_open)
    best_cols = np.sort(columns).astype(np.intp)
    best = _cost(w, km[rows], fixed_km[rows], best_cols)
    integral = is_integral(cost0, best) and is_integral(fixed0, best)

    def target() -> float:
        t = best - rel_gap * abs(best)
        return max(t, best - 1 + 1e-6 + 1e-9 * abs(best)) if integral else t

    lower = np.inf  # the least bound of the pruned nodes and the leaves' costs
    m0 = len(root_cols)
    stack = [_Node(np.zeros(m0, dtype=bool), np.zeros(m0, dtype=bool), root.multipliers[rows])]
    nodes = 0
    while stack:
        if nodes >= node_limit or time.perf_counter() > deadline:
            return TreeResult(best_cols, best, -np.inf, False, nodes)
        node = stack.pop()
        nodes += 1
        while True:
            work = ~(node.closed | node.opened)
            k = k0 - int(node.opened.sum())
            m = int(work.sum())
            if k < 0 or k > m:
                break  # no solution here
            fixed = np.minimum(fixed0, cost0[:, node.opened].min(axis=1, initial=np.inf))
            if k in (0, m):
                leaf = node.opened | work if k == m else node.opened
                c = float(np.minimum(fixed0, cost0[:, leaf].min(axis=1, initial=np.inf)).sum())
                lower = min(lower, c)
                if c < best:
                    best, best_cols = c, _free_columns(root_open, root_cols, leaf)
                break
            idx = np.nonzero(work)[0]
            cost = cost0[:, idx]
            _, lam = ascend(cost, fixed, k, node.lam, best, target(), NODE_ITERATIONS)
            v, rho, chosen = value(cost, fixed, k, lam)
            node.lam = lam
            tried = node.opened.copy()
            tried[idx[chosen]] = True
            c = float(np.minimum(fixed0, cost0[:, tried].min(axis=1)).sum())
            if c < best:
                best, best_cols = c, _free_columns(root_open, root_cols, tried)
            t = target()
            if v >= t:
                lower = min(lower, v)
                break
            order = np.sort(rho)
            close = v + rho - order[k - 1] >= t
            open_ = v - rho + order[k] >= t
            if (close & open_).any():  # that candidate can be neither: nothing better here
                lower = min(lower, t)
                break
            if close.any() or open_.any():
                node.closed[idx[close]] = True
                node.opened[idx[open_]] = True
                continue
            j = idx[int(np.argmin(rho))]
            out = _Node(node.closed.copy(), node.opened, lam)
            out.closed[j] = True
            into = _Node(node.closed, node.opened.copy(), lam)
            into.opened[j] = True
            stack += [out, into]  # the open branch first
            break
    if integral:  # every node pruned holds no solution a whole unit or more below `best`
        lower = round_up(lower)
    return TreeResult(best_cols, best, min(lower, best), True, nodes)


def _free_columns(root_open: Ints, root_cols: Ints, chosen: Bools) -> Ints:
    return np.sort(np.concatenate([root_open, root_cols[chosen]])).astype(np.intp)


def _cost(w: Floats, km: Floats, fixed_km: Floats, columns: Ints) -> float:
    return float(w @ np.minimum(fixed_km, km[:, columns].min(axis=1, initial=np.inf)))
