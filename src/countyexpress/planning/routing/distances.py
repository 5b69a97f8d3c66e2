"""Distances and travel times between places: a given road matrix, or great-circle ×
a circuity factor at an average speed where the county has no road matrix."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from countyexpress.domain.geography import Coordinates
from countyexpress.errors import InvalidValue

EARTH_RADIUS_KM = 6371.0088
"""Mean Earth radius (IUGG), in kilometres."""

DEFAULT_CIRCUITY = 1.3
"""Road distance over straight-line distance; an estimate for rural roads, set per county."""

DEFAULT_SPEED_KMH = 40.0
"""Average speed on county and village roads; an estimate, set per county."""


def great_circle_km(a: Coordinates, b: Coordinates) -> float:
    """Haversine distance in kilometres on a sphere of radius EARTH_RADIUS_KM."""
    p1, p2 = math.radians(a.lat), math.radians(b.lat)
    dp, dl = p2 - p1, math.radians(b.lon - a.lon)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


Matrix = tuple[tuple[float, ...], ...]


@dataclass(frozen=True)
class TravelMatrix:
    """Kilometres and minutes from every place to every other, rows and columns by code."""

    codes: tuple[str, ...]
    km: Matrix
    minutes: Matrix
    _index: dict[str, int] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        n = len(self.codes)
        if len(set(self.codes)) != n:
            raise InvalidValue("codes", "a travel matrix names each place once")
        for name in ("km", "minutes"):
            rows = getattr(self, name)
            if len(rows) != n or any(len(row) != n for row in rows):
                raise InvalidValue(name, f"the {name} matrix must be {n} × {n}")
            for row in rows:
                if not all(0 <= v < math.inf for v in row):
                    raise InvalidValue(name, f"every {name} entry must be finite and 0 or more")
        object.__setattr__(self, "_index", {c: i for i, c in enumerate(self.codes)})

    @classmethod
    def from_km(
        cls, codes: Sequence[str], km: Sequence[Sequence[float]], speed_kmh: float | None = None
    ) -> TravelMatrix:
        """A given distance matrix; minutes at `speed_kmh`, or all zero when it is None."""
        rows = tuple(tuple(float(v) for v in row) for row in km)
        if speed_kmh is None:
            minutes = tuple((0.0,) * len(row) for row in rows)
        else:
            _check_speed(speed_kmh)
            minutes = tuple(tuple(60.0 * v / speed_kmh for v in row) for row in rows)
        return cls(tuple(codes), rows, minutes)

    @classmethod
    def from_coordinates(
        cls,
        points: Mapping[str, Coordinates],
        circuity: float = DEFAULT_CIRCUITY,
        speed_kmh: float = DEFAULT_SPEED_KMH,
    ) -> TravelMatrix:
        """Great-circle km × `circuity`, driven at `speed_kmh`."""
        if not (math.isfinite(circuity) and circuity >= 1.0):
            raise InvalidValue("circuity", f"{circuity} must be 1 or more (roads are not shorter)")
        _check_speed(speed_kmh)
        codes = tuple(points)
        where = [points[c] for c in codes]
        km = tuple(tuple(circuity * great_circle_km(a, b) for b in where) for a in where)
        return cls.from_km(codes, km, speed_kmh)

    def __contains__(self, code: object) -> bool:
        return code in self._index

    def index(self, code: str) -> int:
        """Row and column of `code`."""
        return self._index[code]

    def km_between(self, a: str, b: str) -> float:
        """Kilometres from `a` to `b`."""
        return self.km[self._index[a]][self._index[b]]

    def minutes_between(self, a: str, b: str, speed_kmh: float | None = None) -> float:
        """Minutes from `a` to `b`: the matrix's, or driven at `speed_kmh` (a vehicle kind's
        own speed, e.g. an electric tricycle's 15 km/h)."""
        if speed_kmh is not None:
            return 60.0 * self.km_between(a, b) / speed_kmh
        return self.minutes[self._index[a]][self._index[b]]


def _check_speed(speed_kmh: float) -> None:
    if not (math.isfinite(speed_kmh) and speed_kmh > 0):
        raise InvalidValue("speed_kmh", f"average speed {speed_kmh} must be positive")
