"""The 前置仓 screens (issue 16, items 4–5): a county's order history forecast once, kept as
one document the pages read (the stocking list, each item's history and forecast with its
interval, the model chosen and its backtest), and the year's festival calendar.

The screen forecasts in the request, so it takes at most `MAX_ITEMS` items (about half a
minute on a 2-core machine); a larger history is refused with a pointer to the CLI
(`countyexpress forecast stock`), which runs in parallel with a progress bar.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, Protocol

from countyexpress.domain.demand.festivals import NATIONAL, Calendar, Festival, local_event
from countyexpress.domain.demand.uplift import DailySeries
from countyexpress.errors import CountyExpressError
from countyexpress.planning.forecasting import synth
from countyexpress.planning.forecasting.forecaster import Backtest
from countyexpress.planning.simulation.params import Festival as PackFestival
from countyexpress.services import forecasting

MAX_ITEMS = 50
DEMO_ITEMS = 12
HORIZON = 28
LEVEL = 80
SHOWN_DAYS = 182  # the history an item's page shows before its forecast
UPLOAD, SYNTHETIC = "upload", "synthetic"
VERIFIED, ESTIMATE = "verified", "estimate"
NATIONAL_SOURCES = {  # where each national festival's date comes from
    "double11": "11 Nov every year (Singles' Day sales)",
    "618": "18 Jun every year (JD's mid-year sales)",
    "spring": "lunar new year's day, Hong Kong Observatory conversion table",
}
PACK_NATIONAL = {"double11", "618", "spring_festival"}  # the pack's names of the national three


class Store(Protocol):
    def save(self, county: str, source: str, document: dict[str, Any], by: str) -> None: ...

    def get(self, county: str) -> dict[str, Any] | None: ...


def _yearly(month: int, day: int) -> Callable[[int], dt.date | None]:
    return lambda year: dt.date(year, month, day)


def pack_events(festivals: Iterable[PackFestival]) -> list[Festival]:
    """The pack's own festivals (`simulation.toml`, e.g. Double 12) as local events of the
    forecast; the national three are the forecaster's already."""
    out = []
    for f in festivals:
        if f.name in PACK_NATIONAL:
            continue
        before = max(0, -f.first_offset)
        after = max(0, f.first_offset + len(f.factors) - 1)
        if f.month_day is not None:
            out.append(Festival(f.name, f.label, _yearly(*f.month_day), before, after))
        else:
            out.append(local_event(f.name, f.label, f.dates, before, after))
    return out


def calendar_rows(year: int, events: Sequence[Festival] = ()) -> list[dict[str, Any]]:
    """The festivals of `year` in date order: day, window, and the source of the date
    (verified for the national three, an estimate for the pack's own events)."""
    cal = Calendar((*NATIONAL, *events))
    rows = []
    for day, f in cal.anchors(dt.date(year, 1, 1), dt.date(year, 12, 31)):
        national = f.code in NATIONAL_SOURCES
        rows.append({
            "day": day.isoformat(),
            "code": f.code,
            "name": f.name,
            "first": (day - dt.timedelta(days=f.before)).isoformat(),
            "last": (day + dt.timedelta(days=f.after)).isoformat(),
            "source": VERIFIED if national else ESTIMATE,
            "note": NATIONAL_SOURCES.get(f.code, "the county pack (simulation.toml)"),
        })  # fmt: skip
    return rows


def demo_history(today: dt.date, items: int = DEMO_ITEMS) -> dict[str, DailySeries]:
    """Two years of seeded synthetic history (模拟) up to yesterday, with festivals."""
    end = today - dt.timedelta(days=1)
    return synth.history(items, end - dt.timedelta(days=2 * 365), end, seed=16)


def run(
    series: Mapping[str, DailySeries],
    *,
    source: str,
    file: str,
    service: float = 0.95,
    lead_days: int = 2,
    days_saved: float = 2.0,
    events: Sequence[Festival] = (),
) -> dict[str, Any]:
    """Forecast every item 28 days ahead with festivals, backtest it against seasonal
    naive on the last 28 days, and make the stocking list: the document the pages show."""
    fc = forecasting.predict(series, HORIZON, LEVEL, events)
    st = forecasting.stocking(fc, series, service, lead_days, days_saved)
    try:
        bt: Backtest | None = forecasting.backtest(series, HORIZON, events=events)
    except CountyExpressError:  # too short a history to hold 28 days out
        bt = None
    scores = {s.item: s for s in (bt.items if bt else ())}
    s = st.summary
    items = {}
    for item, f in fc.items.items():
        h = series[item]
        tail = h.values[-SHOWN_DAYS:]
        score = scores.get(item)
        items[item] = {
            "model": f.model,
            "mase": round(score.mase, 3) if score else None,
            "baseline": round(score.baseline, 3) if score else None,
            "history_start": h.day(len(h.values) - len(tail)).isoformat(),
            "history": list(tail),
            "forecast": [
                [d.day.isoformat(), round(d.forecast, 2), round(d.lo, 2), round(d.hi, 2)]
                for d in f.days
            ],
        }
    return {
        "source": source,
        "file": file,
        "horizon": HORIZON,
        "level": LEVEL,
        "service": service,
        "lead_days": lead_days,
        "days_saved": days_saved,
        "events": [e.code for e in events],
        "summary": {
            "items": s.items,
            "held": s.held,
            "demand": round(s.demand, 1),
            "from_county": round(s.from_county, 1),
            "county_share": round(s.county_share, 4),
            "days_saved_per_order": round(s.days_saved_per_order, 3),
            "order_days_saved": round(s.order_days_saved, 1),
        },
        "backtest": None
        if bt is None
        else {"mase": round(bt.mase, 3), "baseline": round(bt.baseline, 3),
              "ratio": round(bt.ratio, 3), "origins": [o.isoformat() for o in bt.origins]},
        "advice": [
            {
                "item": a.item,
                "class": a.klass,
                "hold": a.hold,
                "demand": round(a.demand, 1),
                "base_stock": a.stock.level if a.stock else None,
                "fill_rate": round(a.stock.fill_rate, 4) if a.stock else None,
                "from_county": round(a.from_county, 1),
            }
            for a in st.advice
        ],
        "items": items,
    }  # fmt: skip


STOCK_HEADER = ("item_id", "class", "hold", "demand_28d", "base_stock", "fill_rate",
                "from_county", "model", "mase", "mase_seasonal_naive")  # fmt: skip


def stocking_rows(doc: Mapping[str, Any]) -> list[list[object]]:
    """The stocking list as the export's rows (STOCK_HEADER)."""
    rows: list[list[object]] = []
    for a in doc["advice"]:
        i = doc["items"].get(a["item"], {})
        rows.append([a["item"], a["class"], "yes" if a["hold"] else "no", a["demand"],
                     a["base_stock"], a["fill_rate"], a["from_county"], i.get("model"),
                     i.get("mase"), i.get("baseline")])  # fmt: skip
    return rows


def item_chart(doc: Mapping[str, Any], item: str) -> dict[str, Any]:
    """An item's history and forecast on one day axis: orders, forecast, interval lo/hi
    (None where a series has no value)."""
    i = doc["items"][item]
    start = dt.date.fromisoformat(i["history_start"])
    hist = i["history"]
    days = [(start + dt.timedelta(days=k)).isoformat() for k in range(len(hist))]
    days += [f[0] for f in i["forecast"]]
    pad = [None] * len(i["forecast"])
    lead = [None] * len(hist)
    return {
        "days": days,
        "history": [*hist, *pad],
        "forecast": [*lead, *(f[1] for f in i["forecast"])],
        "lo": [*lead, *(f[2] for f in i["forecast"])],
        "hi": [*lead, *(f[3] for f in i["forecast"])],
    }


def total_chart(doc: Mapping[str, Any]) -> dict[str, Any]:
    """All items' orders per day and their summed forecast (no interval: the items'
    intervals do not add up)."""
    hist: dict[str, float] = {}
    fc: dict[str, float] = {}
    for i in doc["items"].values():
        start = dt.date.fromisoformat(i["history_start"])
        for k, v in enumerate(i["history"]):
            d = (start + dt.timedelta(days=k)).isoformat()
            hist[d] = hist.get(d, 0.0) + v
        for f in i["forecast"]:
            fc[f[0]] = fc.get(f[0], 0.0) + f[1]
    days = sorted(set(hist) | set(fc))
    return {
        "days": days,
        "history": [round(hist[d], 1) if d in hist else None for d in days],
        "forecast": [round(fc[d], 1) if d in fc else None for d in days],
        "lo": [],
        "hi": [],
    }
