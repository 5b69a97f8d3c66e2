"""Vehicle-km and cost of a day's deliveries: co-delivery against each carrier alone.

The quick ESTIMATE (the default): every village or community served on a day costs one
round trip from the centre, great-circle distance × the pack's circuity factor
(`round_trip_km`). Real routes chain stops, so both figures are too high, but the
comparison keeps its direction: co-delivery serves a village once however many carriers
have parcels for it, separate delivery once per carrier. The route planner (PyVRP) is the
other `RouteEstimator`: `simulate compare --routes planner` passes
`planning.simulation.routed.PlannedRoutes`, which routes each day's stops.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from countyexpress.domain.geography import Coordinates

ESTIMATE_NOTE = (
    "estimate: one round trip from the centre per village or community served per day, "
    "great-circle km × the pack's circuity factor "
    "(routed days: `simulate compare --routes planner`)"
)


@dataclass(frozen=True)
class Stop:
    """A place a van must reach on a day, with the parcels per carrier for it."""

    code: str  # division (village or community) code
    location: Coordinates | None
    parcels_by_carrier: Mapping[str, int]


class RouteEstimator(Protocol):
    """Vehicle-km of serving `stops` from `depot` in one day (one fleet)."""

    def __call__(self, depot: Coordinates, stops: Sequence[Stop], circuity: float) -> float: ...


def round_trip_km(depot: Coordinates, stops: Sequence[Stop], circuity: float) -> float:
    """The default estimate: a separate round trip to every stop."""
    return sum(
        2.0 * depot.distance_km(s.location) * circuity for s in stops if s.location is not None
    )


@dataclass(frozen=True)
class FleetDay:
    """One day's vehicle-km and village visits (`trips`) under one policy, and each
    carrier's share."""

    km: float
    trips: int
    by_carrier: Mapping[str, tuple[float, int]] = field(default_factory=dict)


def merge_stops(stops: Iterable[Stop]) -> list[Stop]:
    """Stops of the same place merged (a station bag and a door bag of one village)."""
    merged: dict[str, tuple[Coordinates | None, dict[str, int]]] = {}
    for s in stops:
        _, counts = merged.setdefault(s.code, (s.location, {}))
        for c, n in s.parcels_by_carrier.items():
            counts[c] = counts.get(c, 0) + n
    return [Stop(code, loc, counts) for code, (loc, counts) in sorted(merged.items())]


def co_delivery(
    depot: Coordinates, stops: Sequence[Stop], circuity: float,
    estimate: RouteEstimator = round_trip_km,
) -> FleetDay:  # fmt: skip
    """One shared fleet serves every place with parcels once."""
    places = [s for s in merge_stops(stops) if sum(s.parcels_by_carrier.values()) > 0]
    return FleetDay(estimate(depot, places, circuity), len(places))


def separate(
    depot: Coordinates, stops: Sequence[Stop], circuity: float,
    estimate: RouteEstimator = round_trip_km,
) -> FleetDay:  # fmt: skip
    """Each carrier serves the places with its own parcels with its own vans."""
    places = merge_stops(stops)
    carriers = sorted({c for s in places for c, n in s.parcels_by_carrier.items() if n > 0})
    by_carrier: dict[str, tuple[float, int]] = {}
    for c in carriers:
        own = [s for s in places if s.parcels_by_carrier.get(c, 0) > 0]
        by_carrier[c] = (estimate(depot, own, circuity), len(own))
    return FleetDay(
        sum(km for km, _ in by_carrier.values()),
        sum(n for _, n in by_carrier.values()),
        by_carrier,
    )


def cost(km: float, trips: int, per_km: float, per_trip: float) -> float:
    """Van cost: distance plus a fixed cost per village visit (`trips`)."""
    return km * per_km + trips * per_trip
