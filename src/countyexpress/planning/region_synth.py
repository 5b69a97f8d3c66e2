"""Synthetic counties for a demo or load-test region (issue 17): which codes, names, places
and seeded factors each one gets. Pure: the pack files are written by adapters.region_pack.

Codes come from a reserved range that no real county uses: `99PPCC` (province 99 does not
exist in GB/T 2260; `PP` counts hundreds, `CC` runs 01–99), so a synthetic county can never
replace or be mistaken for a real one loaded in the same database. Each is modelled on one
of the counties of Bayingolin (巴音郭楞, 6528xx) in turn — its real seat is where the
template's villages are moved to — and says so in its English name.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from countyexpress.domain.geography import Coordinates

__all__ = [
    "BAYINGOLIN", "MAX_COUNTIES", "SYNTHETIC_LICENCE", "RealCounty", "SyntheticCounty",
    "synthetic_code", "synthetic_counties",
]  # fmt: skip

SYNTHETIC_LICENCE = "synthetic"
"""The licence of the `[[sources]]` entry every synthetic pack carries: its flag in storage."""

MAX_COUNTIES = 99 * 100


@dataclass(frozen=True)
class RealCounty:
    """A real county a synthetic one is modelled on: its code, names and seat (WGS84)."""

    code: str
    name: str
    name_en: str
    seat: Coordinates


BAYINGOLIN = (
    RealCounty("652801", "库尔勒市", "Korla", Coordinates(41.76, 86.15)),
    RealCounty("652822", "轮台县", "Luntai", Coordinates(41.78, 84.25)),
    RealCounty("652823", "尉犁县", "Yuli", Coordinates(41.34, 86.26)),
    RealCounty("652824", "若羌县", "Ruoqiang", Coordinates(39.02, 88.17)),
    RealCounty("652825", "且末县", "Qiemo", Coordinates(38.14, 85.53)),
    RealCounty("652826", "焉耆回族自治县", "Yanqi", Coordinates(42.06, 86.57)),
    RealCounty("652827", "和静县", "Hejing", Coordinates(42.32, 86.39)),
    RealCounty("652828", "和硕县", "Heshuo", Coordinates(42.27, 86.85)),
    RealCounty("652829", "博湖县", "Bohu", Coordinates(41.98, 86.63)),
)
"""The nine counties of Bayingolin Mongol Autonomous Prefecture (巴音郭楞蒙古自治州, 652800);
seats rounded to 0.01° (public gazetteer figures)."""


@dataclass(frozen=True)
class SyntheticCounty:
    """One synthetic county: its number in the region, code, names, the real county it is
    modelled on, and the seeded factors applied to the template pack."""

    number: int
    code: str
    model: RealCounty
    seat: Coordinates
    spread: float  # distances from the seat × this
    population: float  # every division's population × this
    keep: float  # share of the template's outlets, lockers and stations kept
    seed: int

    @property
    def name(self) -> str:
        return f"模拟县 {self.number:02d} (synthetic)"

    @property
    def name_en(self) -> str:
        return (
            f"Synthetic county {self.number:02d} (模拟, modelled on {self.model.name_en} "
            f"{self.model.code}; not a real county)"
        )

    def place(self, where: Coordinates, template_seat: Coordinates) -> Coordinates:
        """A template place moved: its offset from the template's seat, spread, from ours."""
        lat = self.seat.lat + (where.lat - template_seat.lat) * self.spread
        lon = self.seat.lon + (where.lon - template_seat.lon) * self.spread
        return Coordinates(round(lat, 5), round(lon, 5))


def synthetic_code(number: int) -> str:
    """The reserved code of synthetic county `number` (1-based): 990001 … 990099, 990101 …"""
    if not 1 <= number <= MAX_COUNTIES:
        raise ValueError(f"synthetic county number {number} is outside 1–{MAX_COUNTIES}")
    hundreds, unit = divmod(number - 1, 99)
    return f"99{hundreds:02d}{unit + 1:02d}"


def synthetic_counties(count: int, seed: int) -> list[SyntheticCounty]:
    """The first `count` synthetic counties for `seed`: the same seed, the same counties
    (county n does not depend on `count`, so a region grows without changing its first)."""
    if not 1 <= count <= MAX_COUNTIES:
        raise ValueError(f"a synthetic region has 1–{MAX_COUNTIES} counties, not {count}")
    out = []
    for n in range(1, count + 1):
        rng = random.Random(f"region-synth|{seed}|{n}")
        model = BAYINGOLIN[(n - 1) % len(BAYINGOLIN)]
        lap = (n - 1) // len(BAYINGOLIN)  # past the ninth: beside the model, not on it
        shift = (rng.uniform(-0.4, 0.4), rng.uniform(-0.6, 0.6)) if lap else (0.0, 0.0)
        seat = Coordinates(round(model.seat.lat + shift[0], 4),
                           round(model.seat.lon + shift[1], 4))  # fmt: skip
        out.append(
            SyntheticCounty(
                number=n,
                code=synthetic_code(n),
                model=model,
                seat=seat,
                spread=round(rng.uniform(0.7, 1.5), 3),
                population=round(rng.uniform(0.5, 2.0), 3),
                keep=round(rng.uniform(0.6, 1.0), 3),
                seed=rng.getrandbits(31),
            )
        )
    return out
