"""A VRPLIB CVRP instance as a routing problem, with the instance's own distance convention.

Stops and the depot keep the node ids written in the file (the depot is usually 1).
EUC_2D distances are Euclidean rounded to the nearest integer (TSPLIB `nint`); EXPLICIT
matrices are taken as given. The problem has one vehicle type with the instance's
capacity, as many vehicles as the file allows (VEHICLES, else one per client), a cost of
1 per distance unit and no time, so a plan's cost is the instance's objective.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import vrplib  # type: ignore[import-untyped]

from countyexpress.errors import InvalidValue
from countyexpress.planning.routing import (
    Capacity,
    Depot,
    Load,
    RoutingProblem,
    Stop,
    TravelMatrix,
    Vehicle,
    VehicleKind,
)

__all__ = ["CvrpInstance", "read_cvrp", "rounded_euclidean"]


@dataclass(frozen=True)
class CvrpInstance:
    """A CVRP instance: its name, its problem and its integer distance matrix by node id."""

    name: str
    problem: RoutingProblem
    node_ids: tuple[str, ...]
    distances: np.ndarray

    def route_cost(self, routes: list[list[str]]) -> int:
        """Objective of `routes` (node ids, depot excluded) by the instance's convention."""
        index = {node: i for i, node in enumerate(self.node_ids)}
        depot = index[self.problem.depots[0].code]
        total = 0
        for route in routes:
            path = [depot, *(index[n] for n in route), depot]
            total += int(sum(self.distances[a, b] for a, b in itertools.pairwise(path)))
        return total


def rounded_euclidean(coords: np.ndarray) -> np.ndarray:
    """EUC_2D: Euclidean distance rounded to the nearest integer."""
    diff = coords[:, None, :] - coords[None, :, :]
    exact: np.ndarray = np.sqrt((diff**2).sum(axis=-1))
    return np.floor(exact + 0.5).astype(np.int64)


def read_cvrp(path: Path) -> CvrpInstance:
    """Read a CVRP instance; refuse other problem types and distance conventions."""
    try:
        text = path.read_text(encoding="utf-8")
        raw = vrplib.parse.parse_vrplib(text, compute_edge_weights=False)
    except (OSError, ValueError, IndexError) as exc:
        raise InvalidValue(str(path), f"cannot read a VRPLIB instance: {exc}") from exc
    kind = str(raw.get("type", "CVRP")).split()[0].upper()
    if kind != "CVRP":
        raise InvalidValue("TYPE", f"{kind} instances are not supported, only CVRP")
    convention = str(raw.get("edge_weight_type", "")).upper()
    if convention == "EUC_2D" and "node_coord" in raw:
        distances = rounded_euclidean(np.asarray(raw["node_coord"], dtype=np.float64))
    elif convention == "EXPLICIT" and "edge_weight" in raw:
        distances = np.rint(np.asarray(raw["edge_weight"], dtype=np.float64)).astype(np.int64)
    else:
        raise InvalidValue("EDGE_WEIGHT_TYPE", f"{convention or 'none'}: use EUC_2D or EXPLICIT")
    ids = _node_ids(text, int(raw["dimension"]))
    depots = [int(d) for d in np.atleast_1d(raw.get("depot", [0]))]
    if len(depots) != 1:
        raise InvalidValue("DEPOT_SECTION", "only instances with a single depot are supported")
    demand = np.asarray(raw.get("demand", np.zeros(len(ids))), dtype=np.int64)
    capacity = int(raw["capacity"])
    depot = ids[depots[0]]
    stops = [
        Stop(node, delivery=Load(parcels=int(demand[i])))
        for i, node in enumerate(ids)
        if node != depot
    ]
    count = int(raw.get("vehicles", len(stops)))
    vehicle = Vehicle(
        "vehicle", VehicleKind.VAN, Capacity(parcels=capacity), depot, cost_per_km=1.0,
        count=max(1, count),
    )  # fmt: skip
    travel = TravelMatrix.from_km(ids, distances.tolist())
    problem = RoutingProblem.of([Depot(depot)], stops, [vehicle], travel)
    return CvrpInstance(str(raw.get("name", path.stem)), problem, tuple(ids), distances)


def _node_ids(text: str, dimension: int) -> list[str]:
    """Node ids as written in the DEMAND_SECTION (else NODE_COORD_SECTION), else 1..n."""
    lines = [ln.strip() for ln in text.splitlines()]
    for section in ("DEMAND_SECTION", "NODE_COORD_SECTION"):
        starts = [i for i, ln in enumerate(lines) if ln.upper().startswith(section)]
        if starts:
            rows = lines[starts[0] + 1 : starts[0] + 1 + dimension]
            ids = [row.split()[0] for row in rows]
            if len(ids) == dimension and len(set(ids)) == dimension:
                return ids
    return [str(i) for i in range(1, dimension + 1)]
