"""Loads and capacities: parcels, kilograms and cubic metres carried together."""

from __future__ import annotations

import math
from dataclasses import dataclass

from countyexpress.errors import InvalidValue

DIMENSIONS = ("parcels", "kg", "m3")
"""The load dimensions, in the order solvers see them."""


@dataclass(frozen=True)
class Load:
    """An amount to carry: a number of parcels, their weight in kg and volume in m³."""

    parcels: int = 0
    kg: float = 0.0
    m3: float = 0.0

    def __post_init__(self) -> None:
        for name in DIMENSIONS:
            value = getattr(self, name)
            if not (math.isfinite(value) and value >= 0):
                raise InvalidValue(name, f"{value} must be a finite number, 0 or more")

    def __add__(self, other: Load) -> Load:
        return Load(self.parcels + other.parcels, self.kg + other.kg, self.m3 + other.m3)

    def __sub__(self, other: Load) -> Load:
        return Load(
            self.parcels - other.parcels,
            max(0.0, self.kg - other.kg),
            max(0.0, self.m3 - other.m3),
        )

    def values(self) -> tuple[float, float, float]:
        """The amounts in the order of DIMENSIONS."""
        return (self.parcels, self.kg, self.m3)

    @property
    def is_empty(self) -> bool:
        """Nothing to carry."""
        return not any(self.values())


@dataclass(frozen=True)
class Capacity:
    """What a vehicle can hold at once; None in a dimension means no limit there."""

    parcels: int | None = None
    kg: float | None = None
    m3: float | None = None

    def __post_init__(self) -> None:
        for name in DIMENSIONS:
            value = getattr(self, name)
            if value is not None and not (math.isfinite(value) and value > 0):
                raise InvalidValue(f"capacity_{name}", f"{value} must be positive or left empty")

    def values(self) -> tuple[float | None, float | None, float | None]:
        """The limits in the order of DIMENSIONS."""
        return (self.parcels, self.kg, self.m3)

    def holds(self, load: Load) -> bool:
        """Whether `load` fits within every limit."""
        return not self.excess(load)

    def excess(self, load: Load) -> list[str]:
        """The dimensions where `load` is over the limit, as `name amount > limit`."""
        over = []
        for name, amount, limit in zip(DIMENSIONS, load.values(), self.values(), strict=True):
            if limit is not None and amount > limit + 1e-9:
                over.append(f"{name} {amount:g} > {limit:g}")
        return over
