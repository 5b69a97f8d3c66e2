"""A day's routing problem: depots, stops, vehicles and the travel matrix, checked whole."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from countyexpress.errors import InvalidValue
from countyexpress.planning.routing.distances import TravelMatrix
from countyexpress.planning.routing.loads import DIMENSIONS
from countyexpress.planning.routing.stops import Depot, Stop
from countyexpress.planning.routing.vehicles import Vehicle


@dataclass(frozen=True)
class RoutingProblem:
    """What to plan: every stop must be served once by one of the vehicles.

    Refused when codes repeat, a vehicle's depot or a place is missing from the travel
    matrix, a stop's delivery or pickup fits no vehicle that may serve it, or a cold-chain
    stop has no refrigerated vehicle.
    """

    depots: tuple[Depot, ...]
    stops: tuple[Stop, ...]
    vehicles: tuple[Vehicle, ...]
    travel: TravelMatrix
    _stop_by_code: dict[str, Stop] = field(init=False, repr=False, compare=False)
    _vehicle_by_code: dict[str, Vehicle] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not self.depots:
            raise InvalidValue("depots", "a routing problem needs at least one depot")
        if not self.vehicles:
            raise InvalidValue("vehicles", "a routing problem needs at least one vehicle")
        _unique([d.code for d in self.depots] + [s.code for s in self.stops], "depot or stop")
        _unique([v.code for v in self.vehicles], "vehicle")
        depot_codes = {d.code for d in self.depots}
        for v in self.vehicles:
            if v.depot not in depot_codes:
                raise InvalidValue("depot", f"vehicle {v.code}: depot {v.depot} is not a depot")
        for code in [d.code for d in self.depots] + [s.code for s in self.stops]:
            if code not in self.travel:
                raise InvalidValue("travel", f"{code} is missing from the travel matrix")
        for s in self.stops:
            _check_fits(s, self.vehicles)
        _check_fleet(self.stops, self.vehicles)
        object.__setattr__(self, "_stop_by_code", {s.code: s for s in self.stops})
        object.__setattr__(self, "_vehicle_by_code", {v.code: v for v in self.vehicles})

    @classmethod
    def of(
        cls,
        depots: Sequence[Depot],
        stops: Sequence[Stop],
        vehicles: Sequence[Vehicle],
        travel: TravelMatrix,
    ) -> RoutingProblem:
        """The problem from any sequences."""
        return cls(tuple(depots), tuple(stops), tuple(vehicles), travel)

    def stop(self, code: str) -> Stop:
        """The stop with `code`."""
        return self._stop_by_code[code]

    def vehicle(self, code: str) -> Vehicle:
        """The vehicle with `code`."""
        return self._vehicle_by_code[code]

    def has_stop(self, code: str) -> bool:
        """Whether `code` is one of the stops."""
        return code in self._stop_by_code

    def has_vehicle(self, code: str) -> bool:
        """Whether `code` is one of the vehicles."""
        return code in self._vehicle_by_code


def _unique(codes: list[str], what: str) -> None:
    seen: set[str] = set()
    for code in codes:
        if code in seen:
            raise InvalidValue("code", f"{what} code {code} appears twice")
        seen.add(code)


def _check_fits(stop: Stop, vehicles: tuple[Vehicle, ...]) -> None:
    allowed = [v for v in vehicles if v.refrigerated or not stop.cold_chain]
    if not allowed:
        raise InvalidValue(
            "cold_chain", f"stop {stop.code} is cold-chain but no vehicle is refrigerated"
        )
    for what, load in (("delivery", stop.delivery), ("pickup", stop.pickup)):
        if not any(v.capacity.holds(load) for v in allowed):
            over = allowed[0].capacity.excess(load)
            raise InvalidValue(
                what, f"stop {stop.code}: {what} fits no vehicle that may serve it ({over[0]})"
            )


def _check_fleet(stops: tuple[Stop, ...], vehicles: tuple[Vehicle, ...]) -> None:
    """Each vehicle runs once a day, so the fleet must hold all deliveries and all pickups."""
    for what, loads in (("deliveries", [s.delivery for s in stops]),
                        ("pickups", [s.pickup for s in stops])):  # fmt: skip
        for d, name in enumerate(DIMENSIONS):
            limits = [v.capacity.values()[d] for v in vehicles]
            if any(limit is None for limit in limits):
                continue
            need = sum(load.values()[d] for load in loads)
            have = sum((limit or 0) * v.count for limit, v in zip(limits, vehicles, strict=True))
            if need > have + 1e-9:
                raise InvalidValue(
                    f"capacity_{name}",
                    f"today's {what} ({need:g} {name}) exceed what the fleet carries "
                    f"in one run each ({have:g} {name})",
                )
