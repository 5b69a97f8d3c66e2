"""How busy a day is: weekday, month and shopping festivals multiply the ordinary day."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from countyexpress.planning.simulation.params import Demand, Festival


@dataclass(frozen=True)
class DayFactor:
    """The factor of one day and what makes it up."""

    day: dt.date
    weekday: float
    month: float
    festival: float
    festivals: tuple[str, ...]  # names of the festivals acting on the day

    @property
    def value(self) -> float:
        """The product of the three factors."""
        return self.weekday * self.month * self.festival


def day_factor(day: dt.date, demand: Demand, festivals: tuple[Festival, ...]) -> DayFactor:
    """The factor of `day`: an ordinary Thursday in an ordinary month is about 1."""
    product, acting = 1.0, []
    for f in festivals:
        value = f.factor(day)
        if value != 1.0:
            product *= value
            acting.append(f.name)
    return DayFactor(
        day,
        demand.weekday_factors[day.weekday()],
        demand.month_factors[day.month - 1],
        product,
        tuple(acting),
    )
