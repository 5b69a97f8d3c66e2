"""Great-circle distances between many points at once."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from countyexpress.domain.geography import EARTH_RADIUS_KM

Floats = npt.NDArray[np.float64]


def great_circle_km(lat1: Floats, lon1: Floats, lat2: Floats, lon2: Floats) -> Floats:
    """Haversine km (R = 6371.0088) from each point 1 (rows) to each point 2 (columns)."""
    p1 = np.radians(lat1)[:, None]
    p2 = np.radians(lat2)[None, :]
    dl = np.radians(lon2)[None, :] - np.radians(lon1)[:, None]
    h = np.sin((p2 - p1) / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    km: Floats = 2 * EARTH_RADIUS_KM * np.arcsin(np.minimum(1.0, np.sqrt(h)))
    return km
