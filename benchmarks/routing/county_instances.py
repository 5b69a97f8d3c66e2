"""Held-out, county-like CVRP instances (issue 6 acceptance), written in VRPLIB format.

A county: the co-delivery centre in the county seat, townships scattered 4-25 km around
it, and villages clustered a few km around their township; each village wants a day's
parcels (log-normal, a few large seat stops). A region: ten such counties 30-120 km
around a prefecture depot. Coordinates are in units of 100 m on a plane, EUC_2D, so a
rounded Euclidean distance is road-like to within 50 m per leg. Everything is drawn from
a seeded generator: the same seed writes the same file.

    uv run python benchmarks/routing/county_instances.py benchmarks/routing/instances
"""

from __future__ import annotations

import argparse
import math
from pathlib import Path

import numpy as np

CAPACITY = 300
"""Parcels per van run: about 10-15 village stops a route."""


def _county(rng: np.random.Generator, n: int, centre: tuple[float, float]) -> list[tuple]:
    """`n` stops (x, y, demand) clustered by township around `centre`."""
    towns = max(3, round(n / 18))
    angles = rng.uniform(0, 2 * math.pi, towns)
    radii = rng.uniform(40, 250, towns)
    seats = [(centre[0] + r * math.cos(a), centre[1] + r * math.sin(a))
             for a, r in zip(angles, radii, strict=True)]  # fmt: skip
    stops = []
    seat_stops = max(2, n // 25)  # outlets and lockers in the county seat: big, close
    for _ in range(seat_stops):
        x, y = rng.normal(centre, 12)
        stops.append((x, y, int(np.clip(rng.lognormal(math.log(60), 0.4), 10, 150))))
    weights = rng.dirichlet(np.full(towns, 2.0))
    counts = rng.multinomial(n - seat_stops, weights)
    for (sx, sy), k in zip(seats, counts, strict=True):
        for _ in range(k):
            x, y = rng.normal((sx, sy), 40)
            stops.append((x, y, int(np.clip(rng.lognormal(math.log(18), 0.6), 1, 120))))
    return stops


def county(n: int, seed: int) -> tuple[tuple[float, float], list[tuple]]:
    """A county of `n` stops around its centre at (300, 300)."""
    rng = np.random.default_rng(seed)
    depot = (300.0, 300.0)
    return depot, _county(rng, n, depot)


def region(n: int, seed: int, counties: int = 10) -> tuple[tuple[float, float], list[tuple]]:
    """A region of `counties` counties (`n` stops in all) around a prefecture depot."""
    rng = np.random.default_rng(seed)
    depot = (1500.0, 1500.0)
    sizes = rng.multinomial(n, rng.dirichlet(np.full(counties, 4.0)))
    stops: list[tuple] = []
    for i, size in enumerate(sizes):
        angle = 2 * math.pi * i / counties + rng.uniform(-0.2, 0.2)
        r = rng.uniform(300, 1200)
        centre = (depot[0] + r * math.cos(angle), depot[1] + r * math.sin(angle))
        stops += _county(rng, int(size), centre)
    return depot, stops


def write_vrp(path: Path, name: str, comment: str, depot: tuple, stops: list[tuple]) -> None:
    """VRPLIB CVRP with EUC_2D coordinates (one decimal), the depot as node 1."""
    lines = [f"NAME : {name}", f"COMMENT : {comment}", "TYPE : CVRP",
             f"DIMENSION : {len(stops) + 1}", "EDGE_WEIGHT_TYPE : EUC_2D",
             f"CAPACITY : {CAPACITY}", "NODE_COORD_SECTION"]  # fmt: skip
    lines.append(f"1 {depot[0]:.1f} {depot[1]:.1f}")
    lines += [f"{i} {x:.1f} {y:.1f}" for i, (x, y, _) in enumerate(stops, 2)]
    lines += ["DEMAND_SECTION", "1 0"]
    lines += [f"{i} {d}" for i, (_, _, d) in enumerate(stops, 2)]
    lines += ["DEPOT_SECTION", "1", "-1", "EOF"]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


INSTANCES = {
    "county-n121-s61": lambda: county(120, 61),
    "county-n401-s62": lambda: county(400, 62),
    "region-n2001-s63": lambda: region(2000, 63),
}
"""Name (VRPLIB style: n counts the depot) → generator. Held out: never tuned on."""


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("out", type=Path)
    args = ap.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    for name, make in INSTANCES.items():
        depot, stops = make()
        comment = (f"County Express held-out county-like instance, seeded; {len(stops)} stops, "
                   f"{sum(d for *_, d in stops)} parcels; units of 100 m")  # fmt: skip
        write_vrp(args.out / f"{name}.vrp", name, comment, depot, stops)
        print(name, len(stops), "stops")


if __name__ == "__main__":
    main()
