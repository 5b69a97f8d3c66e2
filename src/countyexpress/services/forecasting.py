"""Front-warehouse (前置仓) forecasts and stocking advice (issue 16, docs/forecasting.md).

The edges read the history (adapters/demand_files.py) and hand the daily series here; this
module puts the festival calendar together, runs the forecaster and turns its forecast into
the stocking list. Nothing is stored: a run reads a history and writes files.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from statistics import NormalDist
from typing import Protocol

from countyexpress.domain.demand.festivals import NATIONAL, Calendar, Festival
from countyexpress.domain.demand.stocking import (
    DEFAULT_HOLD,
    Advice,
    ItemDemand,
    Summary,
    advise,
    summarise,
    weekly_cv,
)
from countyexpress.domain.demand.uplift import DailySeries
from countyexpress.errors import InvalidValue
from countyexpress.planning.forecasting import forecaster
from countyexpress.planning.forecasting.forecaster import Backtest, Forecast, Progress
from countyexpress.services import counties
from countyexpress.services.unit_of_work import UnitOfWork

CV_DAYS = 26 * 7  # the weeks the XYZ class looks at


def calendar(events: Iterable[Festival] = (), festivals: bool = True) -> Calendar | None:
    """Double 11, 618 and the Spring Festival plus a county's local events; None without
    festivals (the plain models)."""
    return Calendar((*NATIONAL, *events)) if festivals else None


def predict(
    series: Mapping[str, DailySeries],
    horizon: int = 28,
    level: int = 80,
    events: Iterable[Festival] = (),
    festivals: bool = True,
    jobs: int = 1,
    progress: Progress | None = None,
    cv_windows: int = 2,
) -> Forecast:
    """Every item's forecast for `horizon` days after its history, with intervals; the
    model of each item chosen on `cv_windows` rolling origins."""
    if cv_windows < 1:
        raise InvalidValue("cv_windows", "at least one cross-validation window")
    return forecaster.predict(
        series,
        horizon,
        level,
        calendar(events, festivals),
        jobs=jobs,
        windows=cv_windows,
        progress=progress,
    )


def backtest(
    series: Mapping[str, DailySeries],
    horizon: int = 28,
    origins: Sequence[dt.date] = (),
    windows: int = 1,
    events: Iterable[Festival] = (),
    festivals: bool = True,
    jobs: int = 1,
    progress: Progress | None = None,
) -> Backtest:
    """MASE per item and overall against seasonal naive, on held-out days after each origin
    (the last `windows` stretches of `horizon` days when no origin is given)."""
    if windows < 1:
        raise InvalidValue("windows", "at least one backtest window")
    chosen = list(origins) or forecaster.origins_of(series, horizon, windows)
    return forecaster.backtest(series, horizon, chosen, calendar(events, festivals), jobs, progress)


@dataclass(frozen=True)
class Stocking:
    """The stocking list and what it achieves."""

    advice: list[Advice]
    summary: Summary
    service: float
    lead_days: int
    days_saved: float


def summary_data(s: Summary) -> dict[str, float | int]:
    """The stocking list's summary as plain numbers, rounded for JSON and pages."""
    return {
        "items": s.items,
        "held": s.held,
        "demand": round(s.demand, 1),
        "from_county": round(s.from_county, 1),
        "county_share": round(s.county_share, 4),
        "days_saved_per_order": round(s.days_saved_per_order, 3),
        "order_days_saved": round(s.order_days_saved, 1),
    }


def item_demand(
    forecast: Forecast, history: Mapping[str, DailySeries], lead_days: int
) -> list[ItemDemand]:
    """Per item: horizon demand, and the lead time's demand plus one review day, its sd read
    off the upper half of the prediction interval (days taken as independent)."""
    if not 0 <= lead_days < forecast.horizon:
        raise InvalidValue("lead_days", f"the lead time is 0 to {forecast.horizon - 1} days")
    z = NormalDist().inv_cdf(0.5 + forecast.level / 200)
    out = []
    for item, f in forecast.items.items():
        window = f.days[: lead_days + 1]
        mean = sum(d.forecast for d in window)
        sd = math.sqrt(sum(((d.hi - d.forecast) / z) ** 2 for d in window))
        s = history[item]
        if forecast.uplifts is not None:
            s = forecast.uplifts.remove(item, s)
        out.append(
            ItemDemand(
                item,
                sum(d.forecast for d in f.days),
                mean,
                sd,
                mean / len(window),
                weekly_cv(s.values[-CV_DAYS:]),
            )
        )
    return out


def stocking(
    forecast: Forecast,
    history: Mapping[str, DailySeries],
    service: float = 0.95,
    lead_days: int = 2,
    days_saved: float = 2.0,
    hold: frozenset[str] = DEFAULT_HOLD,
) -> Stocking:
    """Which items to hold in the front warehouse, at what base stock, and the share of
    orders that would then ship from the county, saving `days_saved` days each."""
    advice = advise(item_demand(forecast, history, lead_days), service, hold)
    return Stocking(advice, summarise(advice, days_saved), service, lead_days, days_saved)


INBOUND_ITEM = "inbound_parcels"  # the ledger knows no item category: one series per village
COUNTY_UTC_OFFSET = 8


class InboundCounts(Protocol):
    def inbound_per_day(
        self, county: str, utc_offset_hours: int = 8
    ) -> list[tuple[dt.date, str, int]]: ...


class DemandUnitOfWork(UnitOfWork, Protocol):
    @property
    def demand(self) -> InboundCounts: ...


def ledger_history(uow: DemandUnitOfWork, code: str) -> list[tuple[str, dt.date, int, str]]:
    """History rows (item_id, date, qty, village) from the ledger: parcels shelved at a
    village's station, outlet or locker per county day. The ledger records no item category,
    so the item is `inbound_parcels` and the series are per village (`--by-village`)."""
    county = counties.get_county(uow, code)
    with uow:
        rows = uow.demand.inbound_per_day(county.code, COUNTY_UTC_OFFSET)
    return [(INBOUND_ITEM, day, n, village) for day, village, n in rows]
