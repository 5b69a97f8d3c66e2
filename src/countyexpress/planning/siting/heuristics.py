"""Good p-median solutions found fast (greedy, then best swaps): a start and a bound for the MIP."""

from __future__ import annotations

import time

import numpy as np
import numpy.typing as npt

Floats = npt.NDArray[np.float64]
Ints = npt.NDArray[np.intp]


def greedy(km: Floats, w: Floats, nearest: Floats, p: int) -> Ints:
    """Columns of `km` added one at a time, each the one that cuts the weighted distance most."""
    chosen: list[int] = []
    for _ in range(p):
        totals = w @ np.minimum(nearest[:, None], km)
        totals[chosen] = np.inf
        j = int(np.argmin(totals))
        chosen.append(j)
        nearest = np.minimum(nearest, km[:, j])
    return np.array(chosen, dtype=np.intp)


def interchange(
    km: Floats,
    w: Floats,
    fixed: Floats,
    chosen: Ints,
    max_rounds: int = 1000,
    deadline: float = np.inf,
) -> Ints:
    """Best-improvement swaps (one chosen column out, one other in) until none helps.

    `fixed` is each row's distance to sites that stay open whatever happens (inf if none);
    no new round starts after `deadline` (a `time.perf_counter()`).
    """
    chosen = chosen.copy()
    p = len(chosen)
    for _ in range(max_rounds):
        if time.perf_counter() > deadline:
            break
        sub = np.column_stack([km[:, chosen], fixed])  # the last column: the fixed sites
        order = np.argsort(sub, axis=1)[:, :2]
        rows = np.arange(len(km))
        d1 = sub[rows, order[:, 0]]
        d2 = sub[rows, order[:, 1]] if sub.shape[1] > 1 else np.full(len(km), np.inf)
        owner = order[:, 0]  # index into chosen, or p for the fixed sites
        base = np.minimum(d1[:, None], km)  # every row's distance once column k is added
        loss = np.minimum(d2[:, None], km) - base  # more when the row's own site goes
        loss = np.where(np.isfinite(loss), loss, 1e300)
        total = w @ base
        by_owner = np.zeros((p + 1, km.shape[1]))
        np.add.at(by_owner, owner, w[:, None] * loss)
        swap = total[None, :] + by_owner[:p]  # cost of taking chosen[j] out and k in
        swap[:, chosen] = np.inf
        j, k = np.unravel_index(int(np.argmin(swap)), swap.shape)
        current = float(w @ np.minimum(d1, np.inf))
        if swap[j, k] >= current - 1e-9 * max(1.0, abs(current)):
            break
        chosen[j] = k
    return chosen


def greedy_cover(cover: npt.NDArray[np.bool_], weight: Floats, p: int) -> Ints:
    """Columns added one at a time, each the one that covers the most weight not yet covered."""
    a = cover.astype(np.float32)
    left = weight.astype(np.float32)
    chosen: list[int] = []
    for _ in range(min(p, cover.shape[1])):
        gains = left @ a
        gains[chosen] = -1.0
        j = int(np.argmax(gains))
        if gains[j] <= 0:
            break
        chosen.append(j)
        left = np.where(cover[:, j], np.float32(0.0), left)
    return np.array(chosen, dtype=np.intp)


def swap_cover(
    cover: npt.NDArray[np.bool_], weight: Floats, chosen: Ints, max_rounds: int = 200
) -> Ints:
    """Best-improvement swaps for maximal covering until none adds weight."""
    a = cover.astype(np.float32)
    weight = weight.astype(np.float32)
    chosen = chosen.copy()
    if len(chosen) == 0 or len(chosen) == cover.shape[1]:
        return chosen
    for _ in range(max_rounds):
        count = a[:, chosen].sum(axis=1)
        add = (weight * (count == 0)) @ a  # weight a column would newly cover
        only = a[:, chosen] * (weight * (count == 1))[:, None]  # weight held by one column only
        loss = only.sum(axis=0)
        regain = only.T @ a  # weight held only by chosen[j] that column k also covers
        gain = add[None, :] - loss[:, None] + regain
        gain[:, chosen] = -np.inf
        j, k = np.unravel_index(int(np.argmax(gain)), gain.shape)
        if gain[j, k] <= 1e-9 * max(1.0, float(weight.sum())):
            break
        chosen[j] = k
    return chosen
