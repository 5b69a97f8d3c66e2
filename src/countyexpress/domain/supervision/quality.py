"""Service quality per carrier, as the State Post Bureau reports it monthly, from the ledger.

For each inbound parcel: when it first arrived in the county, when it was handed over, its
destination (the county seat's communities, a township, a village) and whether a loss or
damage was reported. A parcel is on time when it was handed over within the pack's limit
for its destination; late when handed over after it, or still not handed over once the
limit has passed. Complaints and upheld appeals come from the complaint records, counted
per million parcels of the carrier's month.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from countyexpress.domain.county_time import COUNTY_ZONE
from countyexpress.errors import InvalidValue

__all__ = [
    "LEVELS",
    "LOSS_WORDS",
    "CarrierMonth",
    "ComplaintFact",
    "QualityRules",
    "Trip",
    "service_quality",
]

LEVELS = ("county_seat", "township", "village")
"""Destinations the time limits are set for."""

LOSS_WORDS = ("lost", "loss", "damaged", "damage", "broken", "丢失", "遗失", "破损", "损坏")
"""An exception whose reason holds one of these reports a loss or a damage."""


@dataclass(frozen=True)
class QualityRules:
    """Hours from the first arrival in the county to the hand-over, by destination."""

    hours: Mapping[str, int]

    def __post_init__(self) -> None:
        missing = [lv for lv in LEVELS if lv not in self.hours]
        if missing:
            raise InvalidValue("quality.time_limits_hours", f"no limit for {', '.join(missing)}")
        if any(not 1 <= h <= 24 * 30 for h in self.hours.values()):
            raise InvalidValue("quality.time_limits_hours", "limits are 1 to 720 hours")


@dataclass(frozen=True)
class Trip:
    """One inbound parcel's way through the county."""

    carrier: str
    level: str
    township: str
    arrived: dt.datetime
    delivered: dt.datetime | None = None
    lost_or_damaged: bool = False

    @property
    def month(self) -> str:
        """The county's month of its first arrival, YYYY-MM."""
        return self.arrived.astimezone(COUNTY_ZONE).strftime("%Y-%m")


@dataclass(frozen=True)
class ComplaintFact:
    """A complaint as quality counts it: against which carrier, received in which month."""

    carrier: str
    month: str
    type: str
    upheld: bool


@dataclass
class CarrierMonth:
    """A carrier's month (or a township of it): parcels, timeliness, losses, complaints."""

    carrier: str
    month: str
    township: str = ""
    parcels: int = 0
    delivered: int = 0
    on_time: int = 0
    late: int = 0
    waiting: int = 0
    """Not handed over, still within the limit."""
    loss_or_damage: int = 0
    complaints: int = 0
    upheld: int = 0
    unconsented: int = 0
    false_signoffs: int = 0
    by_level: dict[str, int] = field(default_factory=dict)

    @property
    def on_time_rate(self) -> float | None:
        """On time / (on time + late); None when nothing is decided yet."""
        decided = self.on_time + self.late
        return self.on_time / decided if decided else None

    @property
    def loss_per_10k(self) -> float | None:
        """Losses and damages reported per 10,000 parcels."""
        return self.loss_or_damage * 10_000 / self.parcels if self.parcels else None

    @property
    def complaints_per_million(self) -> float | None:
        """Complaints per million parcels (the State Post Bureau's 有效申诉率 shape)."""
        return self.complaints * 1_000_000 / self.parcels if self.parcels else None

    @property
    def upheld_per_million(self) -> float | None:
        """Upheld appeals per million parcels."""
        return self.upheld * 1_000_000 / self.parcels if self.parcels else None


def _count(row: CarrierMonth, t: Trip, rules: QualityRules, now: dt.datetime) -> None:
    row.parcels += 1
    row.by_level[t.level] = row.by_level.get(t.level, 0) + 1
    limit = t.arrived + dt.timedelta(hours=rules.hours.get(t.level, rules.hours["village"]))
    if t.delivered is not None:
        row.delivered += 1
        if t.delivered <= limit:
            row.on_time += 1
        else:
            row.late += 1
    elif now > limit:
        row.late += 1
    else:
        row.waiting += 1
    row.loss_or_damage += t.lost_or_damaged


def service_quality(
    trips: Iterable[Trip],
    complaints: Iterable[ComplaintFact],
    rules: QualityRules,
    now: dt.datetime,
    by_township: bool = False,
) -> list[CarrierMonth]:
    """Per carrier and month (and township when asked), in carrier then month order."""
    rows: dict[tuple[str, str, str], CarrierMonth] = {}
    for t in trips:
        key = (t.carrier, t.month, t.township if by_township else "")
        row = rows.setdefault(key, CarrierMonth(*key))
        _count(row, t, rules, now)
    if not by_township:
        for c in complaints:
            row = rows.setdefault((c.carrier, c.month, ""), CarrierMonth(c.carrier, c.month))
            row.complaints += 1
            row.upheld += c.upheld
            row.unconsented += c.upheld and c.type == "unconsented_delivery"
            row.false_signoffs += c.upheld and c.type == "false_signoff"
    return [rows[k] for k in sorted(rows)]
