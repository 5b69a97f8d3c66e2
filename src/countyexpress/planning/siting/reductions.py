"""Reductions that shrink a covering model before the solver sees it.

Demand points covered by the same candidates become one group; a candidate whose groups are a
subset of another's is dominated; for set covering, a group whose candidates include all of
another group's is implied, and a group with one candidate forces that candidate open.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

Bools = npt.NDArray[np.bool_]
Floats = npt.NDArray[np.float64]
Ints = npt.NDArray[np.intp]


@dataclass(frozen=True)
class Groups:
    """Demand points aggregated by the set of candidates that cover them."""

    cover: Bools  # groups × candidates
    weight: Floats  # summed demand weight of each group
    of_point: Ints  # group of each aggregated point


def group_by_cover(cover: Bools, weight: Floats) -> Groups:
    """Merge rows of `cover` that are equal, adding up their weights."""
    if cover.shape[0] == 0:
        return Groups(cover, weight, np.zeros(0, dtype=np.intp))
    packed = np.packbits(cover, axis=1)
    keys = np.ascontiguousarray(packed).view(np.dtype((np.void, packed.shape[1])))[:, 0]
    _, first, inverse = np.unique(keys, return_index=True, return_inverse=True)
    inverse = inverse.reshape(-1)
    summed = np.bincount(inverse, weights=weight, minlength=len(first))
    return Groups(cover[first], summed.astype(np.float64), inverse.astype(np.intp))


def _sets(cover: Bools) -> tuple[list[set[int]], list[set[int]]]:
    rows, cols = np.nonzero(cover)
    of_row: list[set[int]] = [set() for _ in range(cover.shape[0])]
    of_col: list[set[int]] = [set() for _ in range(cover.shape[1])]
    for r, c in zip(rows.tolist(), cols.tolist(), strict=True):
        of_row[r].add(c)
        of_col[c].add(r)
    return of_row, of_col


def _containing(members: set[int], index: list[set[int]], everyone: int) -> set[int]:
    """Everything whose set holds all of `members`, looked up through the inverse `index`."""
    if not members:
        return set(range(everyone))
    pools = sorted((index[m] for m in members), key=len)
    found = set(pools[0])
    for pool in pools[1:]:
        found &= pool
        if len(found) <= 1:
            break
    return found


def dominated(cover: Bools) -> Bools:
    """Columns whose rows are a subset of another kept column's rows (ties: the later goes)."""
    of_row, of_col = _sets(cover)
    size = [len(s) for s in of_col]
    out = np.zeros(cover.shape[1], dtype=bool)
    for j, rows in enumerate(of_col):
        if not rows:
            out[j] = True
            continue
        for k in _containing(rows, of_row, cover.shape[1]):
            if k != j and (size[k] > size[j] or k < j):
                out[j] = True
                break
    return out


def implied_rows(cover: Bools) -> Bools:
    """Rows whose columns include all of another row's columns (ties: the later goes): any
    choice that covers the smaller row covers them too."""
    of_row, of_col = _sets(cover)
    size = [len(s) for s in of_row]
    out = np.zeros(cover.shape[0], dtype=bool)
    for h, cols in enumerate(of_row):
        if not cols or out[h]:
            continue
        for i in _containing(cols, of_col, cover.shape[0]):
            if i != h and not out[i] and (size[i] > size[h] or i > h):
                out[i] = True
    return out


@dataclass(frozen=True)
class CoverReduction:
    """A set-covering matrix after reduction, and the candidates it forced open."""

    cover: Bools  # kept rows × kept columns
    columns: Ints  # original index of each kept column
    forced: Ints  # original indices of columns that must open


def reduce_set_cover(cover: Bools) -> CoverReduction:
    """Force columns that are some row's only choice, drop dominated columns and implied rows."""
    columns = np.arange(cover.shape[1], dtype=np.intp)
    forced: list[int] = []
    while cover.shape[0] > 0:
        single = cover.sum(axis=1) == 1
        if single.any():
            take = np.unique(np.nonzero(cover[single])[1])
            forced.extend(columns[take].tolist())
            keep_rows = ~cover[:, take].any(axis=1)
            keep_cols = np.ones(cover.shape[1], dtype=bool)
            keep_cols[take] = False
            cover, columns = cover[keep_rows][:, keep_cols], columns[keep_cols]
            continue
        drop_cols = dominated(cover)
        drop_rows = implied_rows(cover)
        if not drop_cols.any() and not drop_rows.any():
            break
        cover, columns = cover[~drop_rows][:, ~drop_cols], columns[~drop_cols]
    if cover.shape[0] == 0:
        cover, columns = cover[:, :0], columns[:0]
    return CoverReduction(cover, columns, np.array(sorted(forced), dtype=np.intp))
