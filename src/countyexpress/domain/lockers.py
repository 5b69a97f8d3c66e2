"""Smart lockers: compartments by size, allocation, and the overdue fee."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from countyexpress.errors import InvalidValue


class Size(StrEnum):
    """Compartment and parcel sizes, smallest first."""

    S = "S"
    M = "M"
    L = "L"


_ORDER = {Size.S: 0, Size.M: 1, Size.L: 2}


def allocate(parcel: Size, free: Iterable[tuple[str, Size]]) -> str | None:
    """The smallest free compartment the parcel fits in, or None when none is free."""
    fitting = [(c, s) for c, s in free if _ORDER[s] >= _ORDER[parcel]]
    if not fitting:
        return None
    return min(fitting, key=lambda cs: (_ORDER[cs[1]], cs[0]))[0]


@dataclass(frozen=True)
class LockerFees:
    """Free storage, then a fee per started period, up to a cap (settings, not law)."""

    free_hours: float = 12
    period_hours: float = 12
    fee_per_period: Decimal = Decimal("0.5")
    cap: Decimal = Decimal("3")

    def __post_init__(self) -> None:
        if self.free_hours < 0 or self.period_hours <= 0:
            raise InvalidValue("free_hours", "free hours must be >= 0 and the period > 0")

    def fee(self, stored_hours: float) -> Decimal:
        """What the receiver owes after `stored_hours` in the locker."""
        over = stored_hours - self.free_hours
        if over <= 0:
            return Decimal("0")
        periods = math.ceil(over / self.period_hours)
        return min(self.cap, self.fee_per_period * periods)
