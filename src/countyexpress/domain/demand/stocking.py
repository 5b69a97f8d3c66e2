"""What to hold in the front warehouse (前置仓), and how much.

- ABC by volume: items ranked by forecast demand; A up to `a_share` of the cumulative
  volume (80 %), B up to `b_share` (95 %), C the rest.
- XYZ by predictability: the coefficient of variation of weekly demand; X ≤ 0.5, Y ≤ 1.0,
  Z above (and Z for an item without demand).
- Base stock (order-up-to, reviewed daily, replenished after `lead_days`): demand over the
  lead time plus the review day is Normal(mean, sd) when its mean is 10 or more, Poisson
  below; the level is the smallest whole number whose cumulative probability reaches the
  cycle service level. The fill rate (β, the share of demand served from stock) is
  1 − E[shortage per cycle] / demand per review day.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from statistics import NormalDist

from countyexpress.errors import InvalidValue

POISSON_BELOW = 10.0
_STD = NormalDist()


class Volume(StrEnum):
    """ABC: the item's share of volume."""

    A = "A"
    B = "B"
    C = "C"


class Predictability(StrEnum):
    """XYZ: how steady the item's weekly demand is."""

    X = "X"
    Y = "Y"
    Z = "Z"


def abc(
    volumes: Mapping[str, float], a_share: float = 0.8, b_share: float = 0.95
) -> dict[str, Volume]:
    """ABC class per item from its volume; ties keep the item order given."""
    if not 0 < a_share <= b_share <= 1:
        raise InvalidValue("shares", "0 < A share ≤ B share ≤ 1")
    total = sum(max(v, 0.0) for v in volumes.values())
    ranked = sorted(volumes.items(), key=lambda kv: -kv[1])
    out: dict[str, Volume] = {}
    before = 0.0  # cumulative share of the items ranked above
    for item, v in ranked:
        if total <= 0 or v <= 0:
            out[item] = Volume.C
        elif before < a_share:
            out[item] = Volume.A
        elif before < b_share:
            out[item] = Volume.B
        else:
            out[item] = Volume.C
        before += max(v, 0.0) / total if total > 0 else 0.0
    return out


def weekly_cv(daily: Sequence[float]) -> float | None:
    """Coefficient of variation of whole weeks of demand (the last days that fill whole
    weeks); None when there is no whole week or no demand."""
    n = len(daily) // 7 * 7
    if n < 14:
        return None
    tail = daily[len(daily) - n :]
    weeks = [sum(tail[i : i + 7]) for i in range(0, n, 7)]
    mean = sum(weeks) / len(weeks)
    if mean <= 0:
        return None
    var = sum((w - mean) ** 2 for w in weeks) / (len(weeks) - 1)
    return math.sqrt(var) / mean


def xyz(cv: float | None, x_max: float = 0.5, y_max: float = 1.0) -> Predictability:
    """XYZ class from a weekly coefficient of variation."""
    if cv is None or cv > y_max:
        return Predictability.Z
    return Predictability.X if cv <= x_max else Predictability.Y


@dataclass(frozen=True)
class BaseStock:
    """An order-up-to level with what it is expected to achieve."""

    level: int
    cycle_service: float  # P(no stock-out in a cycle)
    fill_rate: float  # share of demand served from stock
    demand_mean: float  # over the lead time plus the review day
    demand_sd: float
    model: str  # "normal" or "poisson"


def _check(mean: float, sd: float, service: float, per_day: float) -> None:
    if mean < 0 or sd < 0 or per_day < 0:
        raise InvalidValue("demand", "demand and its spread are not negative")
    if not 0 < service < 1:
        raise InvalidValue("service_level", "the service level is between 0 and 1, e.g. 0.95")


def normal_loss(z: float) -> float:
    """The standard normal loss function E[(Z − z)+] (0 far above the mean, −z far below:
    there the formula's terms are 0 × ∞ when the spread is next to nothing)."""
    if z > 40.0:
        return 0.0
    if z < -40.0:
        return -z
    return _STD.pdf(z) - z * (1 - _STD.cdf(z))


def poisson_cdf(k: int, mean: float) -> float:
    """P(D ≤ k) for D ~ Poisson(mean)."""
    if k < 0:
        return 0.0
    term = total = math.exp(-mean)
    for i in range(1, k + 1):
        term *= mean / i
        total += term
    return min(total, 1.0)


def poisson_shortage(level: int, mean: float) -> float:
    """E[(D − level)+] for D ~ Poisson(mean), summed over the tail above the level (the
    mean less the part below it cancels to rounding noise when the level is far above the
    mean, and then a higher level could seem to fall short by more)."""
    if level < 0:
        return mean - level
    term = math.exp(-mean)  # P(D = k), from k = 0 up to level + 1
    for k in range(1, level + 2):
        term *= mean / k
    short, k = 0.0, level + 1
    while term > 0.0:
        short += (k - level) * term
        k += 1
        term *= mean / k
        if k > mean and (k - level) * term <= short * 1e-17:
            break
    return short


def fill_rate(level: float, mean: float, sd: float, per_day: float, model: str) -> float:
    """β fill rate of an order-up-to level against lead-time demand."""
    if per_day <= 0:
        return 1.0
    if model == "poisson":
        short = poisson_shortage(math.floor(level), mean)
    elif sd <= 0:
        short = max(mean - level, 0.0)
    else:
        short = sd * normal_loss((level - mean) / sd)
    return min(1.0, max(0.0, 1 - short / per_day))


def base_stock(mean: float, sd: float, service: float, per_day: float) -> BaseStock:
    """The base-stock level for a cycle service level, given the mean and sd of demand over
    the lead time plus one review day, and the mean demand of a day."""
    _check(mean, sd, service, per_day)
    if mean < POISSON_BELOW:
        level = 0
        while poisson_cdf(level, mean) < service:
            level += 1
        cycle, model, sd = poisson_cdf(level, mean), "poisson", math.sqrt(mean)
    else:
        level = max(0, math.ceil(mean + _STD.inv_cdf(service) * sd))
        cycle = _STD.cdf((level - mean) / sd) if sd > 0 else 1.0
        model = "normal"
    return BaseStock(level, cycle, fill_rate(level, mean, sd, per_day, model), mean, sd, model)


DEFAULT_HOLD = frozenset({"AX", "AY", "AZ", "BX", "BY"})


@dataclass(frozen=True)
class Advice:
    """One item's stocking advice."""

    item: str
    volume: Volume
    predictability: Predictability
    hold: bool
    demand: float  # forecast over the horizon
    stock: BaseStock | None  # None when not held

    @property
    def klass(self) -> str:
        """ABC and XYZ together, e.g. "AX"."""
        return f"{self.volume.value}{self.predictability.value}"

    @property
    def from_county(self) -> float:
        """Expected demand shipped from the front warehouse."""
        return self.demand * self.stock.fill_rate if self.hold and self.stock else 0.0


@dataclass(frozen=True)
class Summary:
    """The stocking list's effect: share of orders shipped from the county and days saved."""

    items: int
    held: int
    demand: float
    from_county: float
    days_saved_per_order: float  # averaged over all orders
    order_days_saved: float  # total over the horizon

    @property
    def county_share(self) -> float:
        """Share of demand shipped from the front warehouse."""
        return self.from_county / self.demand if self.demand > 0 else 0.0


def summarise(advice: Sequence[Advice], days_saved: float) -> Summary:
    """The share of demand served from the county and the days that saves."""
    if days_saved < 0:
        raise InvalidValue("days_saved", "days saved per order are not negative")
    demand = sum(a.demand for a in advice)
    local = sum(a.from_county for a in advice)
    share = local / demand if demand > 0 else 0.0
    return Summary(
        len(advice),
        sum(a.hold for a in advice),
        demand,
        local,
        share * days_saved,
        local * days_saved,
    )


@dataclass(frozen=True)
class ItemDemand:
    """What the advice needs of an item's forecast: demand over the horizon, demand over the
    lead time plus the review day (mean and sd), and the weekly CV of its history."""

    item: str
    horizon_demand: float
    lead_mean: float
    lead_sd: float
    per_day: float
    weekly_cv: float | None


def advise(
    demand: Sequence[ItemDemand],
    service: float = 0.95,
    hold: frozenset[str] = DEFAULT_HOLD,
) -> list[Advice]:
    """The stocking list: ABC/XYZ class per item, held when its class is in `hold`, with a
    base-stock level for the cycle service level; sorted by volume."""
    if not 0 < service < 1:
        raise InvalidValue("service_level", "the service level is between 0 and 1, e.g. 0.95")
    classes = abc({d.item: d.horizon_demand for d in demand})
    out = []
    for d in demand:
        volume, pred = classes[d.item], xyz(d.weekly_cv)
        held = f"{volume.value}{pred.value}" in hold
        stock = base_stock(d.lead_mean, d.lead_sd, service, d.per_day) if held else None
        out.append(Advice(d.item, volume, pred, held, d.horizon_demand, stock))
    return sorted(out, key=lambda a: (-a.demand, a.item))
