"""The one file that speaks statsforecast (and pandas): `to_frame`, the calls, and
`from_frame`, each on its own.

The models: SeasonalNaive (weekly) is the baseline; AutoETS for smooth demand (error type
chosen by AICc, no trend, additive weekly season: "ZNA" — the full "ZZZ" search is seven
times slower and did no better on festival data); CrostonOptimized, TSB and ADIDA for
intermittent slow movers. SeasonalNaive and AutoETS
give prediction intervals of their own; the intermittent models get conformal intervals
(statsforecast's ConformalIntervals, from rolling windows of their own errors).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from countyexpress.domain.demand.uplift import DailySeries

if TYPE_CHECKING:
    import pandas as pd

# pandas and statsforecast are imported where they are used: together they take seconds to
# import, which every command and the server's start would pay otherwise.

__all__ = [
    "BASELINE",
    "INTERMITTENT",
    "MODELS",
    "SMOOTH",
    "Point",
    "cross_validate",
    "forecast",
    "from_frame",
    "to_frame",
]

BASELINE = "SeasonalNaive"
MODELS = ("SeasonalNaive", "AutoETS", "CrostonOptimized", "TSB", "ADIDA")
SMOOTH = ("SeasonalNaive", "AutoETS")
INTERMITTENT = ("SeasonalNaive", "CrostonOptimized", "TSB", "ADIDA")
WEEK = 7


@dataclass(frozen=True)
class Point:
    """One model's forecast of one day (lo/hi None without intervals)."""

    day: dt.date
    value: float
    lo: float | None = None
    hi: float | None = None


def _models(names: Sequence[str], horizon: int, intervals: bool) -> list[Any]:
    from statsforecast.models import ADIDA, TSB, AutoETS, CrostonOptimized, SeasonalNaive
    from statsforecast.utils import ConformalIntervals

    ci = ConformalIntervals(h=horizon, n_windows=2) if intervals else None
    made: dict[str, Callable[[], Any]] = {
        "SeasonalNaive": lambda: SeasonalNaive(season_length=WEEK),
        "AutoETS": lambda: AutoETS(season_length=WEEK, model="ZNA"),
        "CrostonOptimized": lambda: CrostonOptimized(prediction_intervals=ci),
        "TSB": lambda: TSB(alpha_d=0.2, alpha_p=0.2, prediction_intervals=ci),
        "ADIDA": lambda: ADIDA(prediction_intervals=ci),
    }
    return [made[n]() for n in names]


def to_frame(series: Mapping[str, DailySeries], last: int | None = None) -> pd.DataFrame:
    """A long frame unique_id, ds, y; `last` keeps only each series' last days."""
    import pandas as pd

    parts = []
    for item, s in series.items():
        values = s.values[-last:] if last else s.values
        start = s.start + dt.timedelta(days=len(s.values) - len(values))
        parts.append(
            pd.DataFrame(
                {
                    "unique_id": item,
                    "ds": pd.date_range(start, periods=len(values), freq="D"),
                    "y": values,
                }
            )
        )
    return pd.concat(parts, ignore_index=True)


def from_frame(
    frame: pd.DataFrame, names: Sequence[str], level: int | None
) -> dict[str, dict[str, list[Point]]]:
    """Per item and model, the forecast points of a forecast or cross-validation frame."""
    import pandas as pd

    out: dict[str, dict[str, list[Point]]] = {}
    frame = frame.reset_index() if "unique_id" not in frame.columns else frame
    cols = {n: frame[n].to_numpy(dtype=float) for n in names}
    bands = {}
    if level is not None:
        for n in names:
            lo, hi = f"{n}-lo-{level}", f"{n}-hi-{level}"
            if lo in frame.columns:
                bands[n] = (frame[lo].to_numpy(dtype=float), frame[hi].to_numpy(dtype=float))
    items = frame["unique_id"].astype(str).to_numpy()
    days = [d.date() for d in pd.to_datetime(frame["ds"])]
    for i, item in enumerate(items):
        per = out.setdefault(item, {n: [] for n in names})
        for n in names:
            b = bands.get(n)
            per[n].append(
                Point(
                    days[i],
                    float(cols[n][i]),
                    float(b[0][i]) if b else None,
                    float(b[1][i]) if b else None,
                )
            )
    return out


def cross_validate(
    series: Mapping[str, DailySeries],
    horizon: int,
    windows: int,
    names: Sequence[str] = MODELS,
    jobs: int = 1,
    last: int | None = None,
) -> dict[str, dict[str, list[Point]]]:
    """Rolling-origin forecasts: `windows` origins `horizon` days apart ending at each
    series' end, every model refitted at each origin."""
    from statsforecast import StatsForecast

    sf = StatsForecast(models=_models(names, horizon, False), freq="D", n_jobs=jobs)
    frame = sf.cross_validation(
        h=horizon, df=to_frame(series, last), n_windows=windows, step_size=horizon, refit=True
    )
    return from_frame(frame, names, None)


def forecast(
    series: Mapping[str, DailySeries],
    horizon: int,
    level: int,
    names: Sequence[str] = MODELS,
    jobs: int = 1,
    last: int | None = None,
) -> dict[str, dict[str, list[Point]]]:
    """Every model's forecast of the `horizon` days after each series' end, with intervals."""
    from statsforecast import StatsForecast

    sf = StatsForecast(models=_models(names, horizon, True), freq="D", n_jobs=jobs)
    frame = sf.forecast(h=horizon, df=to_frame(series, last), level=[level])
    return from_frame(frame, names, level)
