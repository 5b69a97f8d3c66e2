"""Seeded order history with festivals, for tests, benchmarks and `forecast synth`.

Most items are steady sellers (a level, a yearly trend, a weekly pattern); about a third are
intermittent slow movers (a few orders a month). Every item reacts, by a sensitivity of its
own, to Double 11 (the Oct 31 pre-sale payment, the run-up, the day, the tail), 618 (its
Jun 1 start and the day) and the Spring Festival (the new-year-goods rush, then the
couriers' holiday). Counts are gamma-Poisson, so noisier than Poisson.
"""

from __future__ import annotations

import datetime as dt
import math
import random

from countyexpress.domain.demand.festivals import DOUBLE_11, SIX_18, SPRING, Calendar
from countyexpress.domain.demand.uplift import DailySeries

D11_SHAPE = {
    -11: 2.2,
    -10: 1.8,
    -9: 1.2,
    -4: 1.2,
    -3: 1.3,
    -2: 1.5,
    -1: 1.8,
    0: 4.0,
    1: 2.5,
    2: 1.6,
    3: 1.3,
}
S618_SHAPE = {-17: 1.8, -16: 1.3, -3: 1.2, -2: 1.4, -1: 1.6, 0: 2.8, 1: 1.5, 2: 1.2}
WEEKDAYS = (1.1, 1.05, 1.0, 1.0, 1.05, 0.9, 0.9)


def _spring_shape(k: int) -> float:
    if k <= -15:
        return 1.3
    if k <= -8:
        return 1.5
    if k <= -3:
        return 1.1
    if k <= -1:
        return 0.6
    if k <= 6:
        return 0.25
    return 0.6 if k <= 10 else 0.9


def shape(code: str, offset: int) -> float:
    """The synthetic uplift of a festival day (1 for a day the shape leaves out)."""
    if code == DOUBLE_11.code:
        return D11_SHAPE.get(offset, 1.0)
    if code == SIX_18.code:
        return S618_SHAPE.get(offset, 1.0)
    if code == SPRING.code:
        return _spring_shape(offset)
    return 1.0


def _poisson(rng: random.Random, lam: float) -> int:
    if lam <= 0:
        return 0
    if lam > 30:
        return max(0, round(rng.gauss(lam, math.sqrt(lam))))
    limit, k, p = math.exp(-lam), 0, rng.random()
    while p > limit:
        k += 1
        p *= rng.random()
    return k


def history(
    items: int, start: dt.date, end: dt.date, seed: int = 16, slow_share: float = 0.3
) -> dict[str, DailySeries]:
    """`items` daily series from start to end inclusive, the same for the same seed."""
    rng = random.Random(seed)
    calendar = Calendar()
    days = (end - start).days + 1
    keys = [calendar.key(start + dt.timedelta(days=i)) for i in range(days)]
    out: dict[str, DailySeries] = {}
    width = len(str(items))
    for n in range(1, items + 1):
        slow = rng.random() < slow_share
        level = rng.uniform(0.03, 0.5) if slow else math.exp(rng.gauss(math.log(20), 0.9))
        growth = rng.uniform(-0.1, 0.4)  # a year
        weekly = [w * rng.uniform(0.9, 1.1) for w in WEEKDAYS]
        sense = rng.uniform(0.6, 1.4)
        shape_k = 20.0  # gamma shape: day-to-day noise beyond Poisson
        values = []
        for i in range(days):
            d = start + dt.timedelta(days=i)
            lam = level * (1 + growth) ** (i / 365) * weekly[d.weekday()]
            key = keys[i]
            if key is not None:
                lam *= shape(key[0], key[1]) ** sense
            lam *= rng.gammavariate(shape_k, 1 / shape_k)
            values.append(float(_poisson(rng, lam)))
        out[f"SKU{n:0{width}d}"] = DailySeries(start, tuple(values))
    return out
