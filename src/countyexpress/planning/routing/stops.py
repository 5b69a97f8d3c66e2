"""Stops and depots: where a route goes, what is dropped and picked up there, and when."""

from __future__ import annotations

import math
from dataclasses import dataclass

from countyexpress.domain.geography import Coordinates
from countyexpress.errors import InvalidValue
from countyexpress.planning.routing.loads import Load

NOTHING = Load()
"""No parcels, no weight, no volume."""


@dataclass(frozen=True)
class TimeWindow:
    """When service may start, in minutes after midnight (480 is 08:00)."""

    opens: float
    closes: float

    def __post_init__(self) -> None:
        if not (math.isfinite(self.opens) and math.isfinite(self.closes)):
            raise InvalidValue("time_window", "opening and closing times must be finite")
        if not 0 <= self.opens <= self.closes:
            raise InvalidValue(
                "time_window", f"opens {self.opens:g} must be 0 or more and not after closes "
                f"{self.closes:g} (minutes after midnight)"
            )  # fmt: skip

    @classmethod
    def parse(cls, opens: str, closes: str) -> TimeWindow:
        """A window from two `HH:MM` strings."""
        return cls(_minutes(opens), _minutes(closes))


def _minutes(text: str) -> float:
    try:
        hh, mm = text.strip().split(":")
        return int(hh) * 60 + int(mm)
    except ValueError as exc:
        raise InvalidValue("time_window", f"{text!r} is not a time like 08:30") from exc


def _check_code(code: str, what: str) -> None:
    if not code or code != code.strip():
        raise InvalidValue("code", f"a {what} needs a code without leading or trailing spaces")


@dataclass(frozen=True)
class Depot:
    """Where vehicles start and end: the co-delivery centre, later township outlets too."""

    code: str
    name: str = ""
    location: Coordinates | None = None

    def __post_init__(self) -> None:
        _check_code(self.code, "depot")


@dataclass(frozen=True)
class Stop:
    """A place a vehicle serves on its route: a village station, an outlet, a locker.

    `delivery` leaves the depot on the vehicle and is dropped here; `pickup` (outbound
    farm products) is collected here and carried back to the depot on the same run.
    `service_min` is the whole time spent at the stop. Cold-chain stops may only be
    served by refrigerated vehicles. A `priority` stop (应急物资, emergency supplies) is
    served first on its route.
    """

    code: str
    delivery: Load = NOTHING
    pickup: Load = NOTHING
    name: str = ""
    location: Coordinates | None = None
    window: TimeWindow | None = None
    service_min: float = 0.0
    cold_chain: bool = False
    priority: bool = False

    def __post_init__(self) -> None:
        _check_code(self.code, "stop")
        if not (math.isfinite(self.service_min) and self.service_min >= 0):
            raise InvalidValue(
                "service_min", f"{self.service_min} must be 0 or more at {self.code}"
            )
