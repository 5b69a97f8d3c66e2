"""Beasley's OR-Library p-median instances (pmed1–pmed40), read where they are kept."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import numpy.typing as npt

ORLIB = Path("/work/shared/benchmarks/orlib-pmed")


def read_instance(path: Path) -> tuple[npt.NDArray[np.float64], int]:
    """All-pairs shortest-path distances and p; when an edge appears twice the last one counts."""
    lines = path.read_text().split("\n")
    n, _, p = (int(x) for x in lines[0].split())
    d = np.full((n, n), np.inf)
    for line in lines[1:]:
        parts = line.split()
        if len(parts) != 3:
            continue
        i, j, c = int(parts[0]) - 1, int(parts[1]) - 1, float(parts[2])
        d[i, j] = d[j, i] = c
    np.fill_diagonal(d, 0.0)
    for k in range(n):  # Floyd–Warshall, one pivot row at a time
        np.minimum(d, d[:, k, None] + d[None, k, :], out=d)
    return d, p


def optima() -> dict[str, float]:
    """The published optimum of each instance, from pmedopt.txt."""
    out: dict[str, float] = {}
    for line in (ORLIB / "pmedopt.txt").read_text().splitlines():
        parts = line.split()
        if len(parts) == 2 and parts[0].startswith("pmed"):
            out[parts[0]] = float(parts[1])
    return out
