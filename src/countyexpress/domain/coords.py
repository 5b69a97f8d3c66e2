"""Chinese map coordinate systems (GCJ-02, BD-09) and their conversion to WGS-84."""

from __future__ import annotations

import math
from enum import StrEnum

_A = 6378245.0
"""Semi-major axis of the Krasovsky 1940 ellipsoid used by the GCJ-02 offset, in metres."""

_EE = 0.00669342162296594323
"""First eccentricity squared of the Krasovsky 1940 ellipsoid."""

_X_PI = math.pi * 3000.0 / 180.0
"""The angular factor of Baidu's BD-09 offset."""

_LON_MIN, _LON_MAX = 72.004, 137.8347
_LAT_MIN, _LAT_MAX = 0.8293, 55.8271

_INVERSE_TOLERANCE = 1e-12
"""Stop refining an inverse once a step moves the point by less than this many degrees."""

_INVERSE_MAX_ITERATIONS = 30


class CoordinateSystem(StrEnum):
    """The coordinate system a latitude/longitude pair is expressed in."""

    WGS84 = "WGS84"  # GPS, international maps, OpenStreetMap
    GCJ02 = "GCJ02"  # 国测局 "Mars" coordinates: AMap/Gaode, Tencent, Google China
    BD09 = "BD09"  # Baidu Maps

    @classmethod
    def parse(cls, text: str) -> CoordinateSystem:
        """The system named by text, ignoring case, spaces, hyphens and underscores."""
        key = "".join(ch for ch in text.strip().upper() if ch not in " -_")
        for system in cls:
            if system.value == key:
                return system
        raise ValueError(f"unknown coordinate system {text!r}: use WGS84, GCJ02 or BD09")


def _in_china(lat: float, lon: float) -> bool:
    """Whether a point lies in the rough bounding box where the GCJ-02 offset applies."""
    return _LON_MIN <= lon <= _LON_MAX and _LAT_MIN <= lat <= _LAT_MAX


def _transform_lat(x: float, y: float) -> float:
    """The GCJ-02 latitude offset polynomial, in metres before scaling."""
    ret = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * math.sqrt(abs(x))
    ret += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    ret += (20.0 * math.sin(y * math.pi) + 40.0 * math.sin(y / 3.0 * math.pi)) * 2.0 / 3.0
    ret += (160.0 * math.sin(y / 12.0 * math.pi) + 320.0 * math.sin(y * math.pi / 30.0)) * 2.0 / 3.0
    return ret


def _transform_lon(x: float, y: float) -> float:
    """The GCJ-02 longitude offset polynomial, in metres before scaling."""
    ret = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * math.sqrt(abs(x))
    ret += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    ret += (20.0 * math.sin(x * math.pi) + 40.0 * math.sin(x / 3.0 * math.pi)) * 2.0 / 3.0
    ret += (150.0 * math.sin(x / 12.0 * math.pi) + 300.0 * math.sin(x / 30.0 * math.pi)) * 2.0 / 3.0
    return ret


def _gcj02_offset(lat: float, lon: float) -> tuple[float, float]:
    """The GCJ-02 offset (dlat, dlon) in degrees at a WGS-84 point, ignoring the bounding box."""
    d_lat = _transform_lat(lon - 105.0, lat - 35.0)
    d_lon = _transform_lon(lon - 105.0, lat - 35.0)
    rad_lat = lat / 180.0 * math.pi
    magic = 1.0 - _EE * math.sin(rad_lat) ** 2
    sqrt_magic = math.sqrt(magic)
    d_lat = (d_lat * 180.0) / ((_A * (1.0 - _EE)) / (magic * sqrt_magic) * math.pi)
    d_lon = (d_lon * 180.0) / (_A / sqrt_magic * math.cos(rad_lat) * math.pi)
    return d_lat, d_lon


def wgs84_to_gcj02(lat: float, lon: float) -> tuple[float, float]:
    """A WGS-84 point in GCJ-02; points outside mainland China's bounding box are unchanged."""
    if not _in_china(lat, lon):
        return lat, lon
    d_lat, d_lon = _gcj02_offset(lat, lon)
    return lat + d_lat, lon + d_lon


def gcj02_to_wgs84(lat: float, lon: float) -> tuple[float, float]:
    """A GCJ-02 point in WGS-84, the exact inverse of wgs84_to_gcj02 found by iteration."""
    if not _in_china(lat, lon):
        return lat, lon
    # Fixed-point iteration w <- g - offset(w): the offset changes by well under 1e-3 of a
    # degree per degree, so each step gains about three digits and a few steps suffice.
    wgs_lat, wgs_lon = lat, lon
    for _ in range(_INVERSE_MAX_ITERATIONS):
        d_lat, d_lon = _gcj02_offset(wgs_lat, wgs_lon)
        next_lat, next_lon = lat - d_lat, lon - d_lon
        step = max(abs(next_lat - wgs_lat), abs(next_lon - wgs_lon))
        wgs_lat, wgs_lon = next_lat, next_lon
        if step < _INVERSE_TOLERANCE:
            break
    return wgs_lat, wgs_lon


def gcj02_to_bd09(lat: float, lon: float) -> tuple[float, float]:
    """A GCJ-02 point in Baidu's BD-09."""
    z = math.hypot(lon, lat) + 0.00002 * math.sin(lat * _X_PI)
    theta = math.atan2(lat, lon) + 0.000003 * math.cos(lon * _X_PI)
    return z * math.sin(theta) + 0.006, z * math.cos(theta) + 0.0065


def _bd09_approx_to_gcj02(lat: float, lon: float) -> tuple[float, float]:
    """Baidu's published one-step reverse formula, accurate to a few millionths of a degree."""
    x = lon - 0.0065
    y = lat - 0.006
    z = math.hypot(x, y) - 0.00002 * math.sin(y * _X_PI)
    theta = math.atan2(y, x) - 0.000003 * math.cos(x * _X_PI)
    return z * math.sin(theta), z * math.cos(theta)


def bd09_to_gcj02(lat: float, lon: float) -> tuple[float, float]:
    """A Baidu BD-09 point in GCJ-02, the exact inverse of gcj02_to_bd09 found by iteration."""
    # Start from the published formula, then correct by the forward residual until it vanishes.
    gcj_lat, gcj_lon = _bd09_approx_to_gcj02(lat, lon)
    for _ in range(_INVERSE_MAX_ITERATIONS):
        bd_lat, bd_lon = gcj02_to_bd09(gcj_lat, gcj_lon)
        d_lat, d_lon = lat - bd_lat, lon - bd_lon
        gcj_lat, gcj_lon = gcj_lat + d_lat, gcj_lon + d_lon
        if max(abs(d_lat), abs(d_lon)) < _INVERSE_TOLERANCE:
            break
    return gcj_lat, gcj_lon


def bd09_to_wgs84(lat: float, lon: float) -> tuple[float, float]:
    """A Baidu BD-09 point in WGS-84, through GCJ-02."""
    return gcj02_to_wgs84(*bd09_to_gcj02(lat, lon))


def to_wgs84(lat: float, lon: float, system: CoordinateSystem) -> tuple[float, float]:
    """A point given in any supported system, in WGS-84."""
    match system:
        case CoordinateSystem.WGS84:
            return lat, lon
        case CoordinateSystem.GCJ02:
            return gcj02_to_wgs84(lat, lon)
        case CoordinateSystem.BD09:
            return bd09_to_wgs84(lat, lon)
