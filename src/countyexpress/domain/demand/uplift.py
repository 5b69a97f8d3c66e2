"""Festival effects learned from past years as multiplicative uplifts.

For every festival day in an item's history the demand is set against a baseline (the mean
of the non-festival days within four weeks either side, times the item's weekday index);
the uplift of a key (festival, offset) is the sum of demand over the sum of baseline across
the years. A sparse item borrows strength from all items: its uplift is shrunk towards the
pooled one with a prior worth `prior` units of demand, so a slow mover with two parcels a
year takes the county's festival shape and a fast mover its own. Forecasters fit the series
with the uplifts divided out (`remove`) and multiply them back onto the forecast (`factor`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from countyexpress.domain.demand.festivals import Calendar, FestivalKey
from countyexpress.errors import InvalidValue

HALF_WINDOW = 28  # days either side for the baseline level
MIN_UPLIFT, MAX_UPLIFT = 0.05, 25.0


@dataclass(frozen=True)
class DailySeries:
    """An item's demand on consecutive days from `start`."""

    start: dt.date
    values: tuple[float, ...]

    def __post_init__(self) -> None:
        if any(v < 0 for v in self.values):
            raise InvalidValue("qty", "demand is not negative")

    @property
    def end(self) -> dt.date:
        """The last day (the day before `start` when empty)."""
        return self.start + dt.timedelta(days=len(self.values) - 1)

    def day(self, i: int) -> dt.date:
        """The date of position i."""
        return self.start + dt.timedelta(days=i)


def _baseline(series: DailySeries, festive: Sequence[bool]) -> list[float]:
    """Per day: the local non-festival level times the weekday index."""
    n = len(series.values)
    plain = [0.0 if f else v for v, f in zip(series.values, festive, strict=True)]
    count = [0 if f else 1 for f in festive]
    s, c = [0.0], [0]
    for v, k in zip(plain, count, strict=True):
        s.append(s[-1] + v)
        c.append(c[-1] + k)
    wd_sum, wd_n = [0.0] * 7, [0] * 7
    first = series.start.weekday()
    for i, (v, k) in enumerate(zip(plain, count, strict=True)):
        wd_sum[(first + i) % 7] += v
        wd_n[(first + i) % 7] += k
    total = sum(wd_sum) / max(sum(wd_n), 1)
    index = [(wd_sum[w] / wd_n[w]) / total if wd_n[w] and total > 0 else 1.0 for w in range(7)]
    base = []
    for i in range(n):
        lo, hi = max(0, i - HALF_WINDOW), min(n, i + HALF_WINDOW + 1)
        k = c[hi] - c[lo]
        level = (s[hi] - s[lo]) / k if k else total
        base.append(level * index[(first + i) % 7])
    return base


@dataclass(frozen=True)
class Uplifts:
    """Learned uplift per item and festival key, and the pooled one for items without."""

    calendar: Calendar
    pooled: Mapping[FestivalKey, float]
    by_item: Mapping[str, Mapping[FestivalKey, float]]

    def of(self, item: str, key: FestivalKey | None) -> float:
        """The uplift of a key for an item: its own, else pooled, else 1."""
        if key is None:
            return 1.0
        own = self.by_item.get(item)
        if own is not None and key in own:
            return own[key]
        return self.pooled.get(key, 1.0)

    def factor(self, item: str, day: dt.date) -> float:
        """The multiplier of an item's demand on a day (1 outside festivals)."""
        return self.of(item, self.calendar.key(day))

    def remove(self, item: str, series: DailySeries) -> DailySeries:
        """The series with festival uplifts divided out."""
        values = tuple(v / self.factor(item, series.day(i)) for i, v in enumerate(series.values))
        return DailySeries(series.start, values)


def learn_uplifts(
    calendar: Calendar, series: Mapping[str, DailySeries], prior: float = 10.0
) -> Uplifts:
    """Uplifts per item and key from history, shrunk towards the pooled uplift."""
    if prior < 0:
        raise InvalidValue("prior", "the prior weight is not negative")
    sums: dict[str, dict[FestivalKey, list[float]]] = {}
    pool: dict[FestivalKey, list[float]] = {}
    for item, s in series.items():
        keys = [calendar.key(s.day(i)) for i in range(len(s.values))]
        if not any(k is not None for k in keys):
            continue
        base = _baseline(s, [k is not None for k in keys])
        acc: dict[FestivalKey, list[float]] = {}
        for v, b, k in zip(s.values, base, keys, strict=True):
            if k is None:
                continue
            a = acc.setdefault(k, [0.0, 0.0])
            a[0] += v
            a[1] += b
            p = pool.setdefault(k, [0.0, 0.0])
            p[0] += v
            p[1] += b
        sums[item] = acc
    pooled = {k: _clamp(a / b) for k, (a, b) in pool.items() if b > 0}
    by_item = {
        item: {
            k: _clamp((a + prior * pooled.get(k, 1.0)) / (b + prior))
            for k, (a, b) in acc.items()
            if b + prior > 0
        }
        for item, acc in sums.items()
    }
    return Uplifts(calendar, pooled, by_item)


def _clamp(u: float) -> float:
    return min(MAX_UPLIFT, max(MIN_UPLIFT, u))
