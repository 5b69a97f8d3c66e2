"""`countyexpress forecast …`: the front warehouse (前置仓, issue 16, docs/forecasting.md).

`predict` forecasts every item of an order history (`item_id,date,qty[,village]`, CSV or
xlsx) with festival effects and intervals; `backtest` scores MASE against seasonal naive on
held-out days; `stock` turns the forecast into the stocking list; `synth` writes seeded
history with festivals; `calendar` lists the festival days.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from countyexpress import bootstrap
from countyexpress.adapters.demand_files import read_events, read_history, write_table
from countyexpress.domain.demand.festivals import Festival
from countyexpress.domain.demand.uplift import DailySeries
from countyexpress.errors import CountyExpressError, PackInvalid
from countyexpress.planning.forecasting import synth
from countyexpress.services import forecasting as service
from countyexpress.settings import get_settings

forecast_app = typer.Typer(
    help="Front warehouse (前置仓): demand forecasts and stocking advice.", no_args_is_help=True
)

out = Console()
err = Console(stderr=True)

HistoryArg = Annotated[
    Path, typer.Argument(help="Order history: item_id,date,qty[,village] (CSV or xlsx)")
]
HorizonOpt = Annotated[int, typer.Option("--horizon", min=1, help="Days to forecast")]
JobsOpt = Annotated[
    int, typer.Option("--jobs", "-j", min=1, help="Processes (statsforecast n_jobs)")
]
EventsOpt = Annotated[
    Path | None, typer.Option(help="Local events: code,name,date,days_before,days_after")
]
NoFestOpt = Annotated[bool, typer.Option("--no-festivals", help="Leave festival effects out")]
VillageOpt = Annotated[bool, typer.Option("--by-village", help="One series per item and village")]
LevelOpt = Annotated[int, typer.Option("--level", help="Prediction interval, percent")]
CvOpt = Annotated[
    int,
    typer.Option("--cv-windows", min=1, help="Rolling origins for the model choice (1 is faster)"),
]


def _fail(exc: CountyExpressError) -> typer.Exit:
    if isinstance(exc, PackInvalid):
        err.print(f"[red]refused: {len(exc.problems)} problem(s); nothing was loaded[/red]")
        for p in exc.problems:
            err.print(f"  {p}", markup=False, highlight=False)
    else:
        err.print(f"[red]{exc}[/red]", highlight=False)
    return typer.Exit(1)


@contextmanager
def _progress(title: str) -> Iterator[Callable[[int, int], None]]:
    bar = Progress(
        TextColumn(f"[bold]{title}"),
        BarColumn(bar_width=30),
        MofNCompleteColumn(),
        TextColumn("items"),
        TimeElapsedColumn(),
        console=err,
        transient=True,
    )
    with bar:
        task = bar.add_task("", total=None)

        def tick(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        yield tick


def _inputs(
    history: Path, events: Path | None, by_village: bool
) -> tuple[dict[str, DailySeries], list[Festival]]:
    series = read_history(history, by_village)
    return series, read_events(events) if events else []


def _rows(fc: Any) -> Iterator[list[object]]:
    for item, f in fc.items.items():
        for d in f.days:
            yield [item, d.day.isoformat(), round(d.forecast, 3), round(d.lo, 3), round(d.hi, 3)]


@forecast_app.command("predict")
def predict(
    history: HistoryArg,
    out_path: Annotated[Path, typer.Option("--out", "-o", help="FORECAST.csv (or .xlsx)")],
    horizon: HorizonOpt = 28,
    level: LevelOpt = 80,
    jobs: JobsOpt = 1,
    events: EventsOpt = None,
    no_festivals: NoFestOpt = False,
    by_village: VillageOpt = False,
    cv_windows: CvOpt = 2,
) -> None:
    """Forecast every item and day: item_id,date,forecast,lo,hi (lo/hi: the interval)."""
    try:
        series, local = _inputs(history, events, by_village)
        with _progress("forecast") as tick:
            fc = service.predict(
                series, horizon, level, local, not no_festivals, jobs, tick, cv_windows
            )
    except CountyExpressError as exc:
        raise _fail(exc) from exc
    write_table(out_path, ("item_id", "date", "forecast", "lo", "hi"), _rows(fc))
    models: dict[str, int] = {}
    for f in fc.items.values():
        models[f.model] = models.get(f.model, 0) + 1
    out.print(
        f"wrote {out_path}: {len(fc.items)} items × {horizon} days; models "
        + ", ".join(f"{m} {n}" for m, n in sorted(models.items())),
        highlight=False,
    )


@forecast_app.command("backtest")
def backtest(
    history: HistoryArg,
    horizon: HorizonOpt = 28,
    origin: Annotated[
        list[str] | None, typer.Option(help="First held-out day (YYYY-MM-DD); repeatable")
    ] = None,
    windows: Annotated[
        int, typer.Option(help="Held-out stretches at the end, without --origin")
    ] = 1,
    jobs: JobsOpt = 1,
    events: EventsOpt = None,
    no_festivals: NoFestOpt = False,
    by_village: VillageOpt = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False,
) -> None:
    """MASE per item and overall on held-out days, against the seasonal-naive forecast."""
    try:
        origins = [dt.date.fromisoformat(o) for o in origin or []]
    except ValueError as exc:
        err.print(f"[red]--origin: {exc} (YYYY-MM-DD)[/red]", highlight=False)
        raise typer.Exit(2) from exc
    try:
        series, local = _inputs(history, events, by_village)
        with _progress("backtest") as tick:
            bt = service.backtest(
                series, horizon, origins, windows, local, not no_festivals, jobs, tick
            )
    except CountyExpressError as exc:
        raise _fail(exc) from exc
    if as_json:
        data = {
            "horizon": bt.horizon,
            "origins": [o.isoformat() for o in bt.origins],
            "festivals": not no_festivals,
            "items": len(bt.items),
            "mase": round(bt.mase, 4),
            "seasonal_naive_mase": round(bt.baseline, 4),
            "ratio": round(bt.ratio, 4),
            "per_item": [
                {
                    "item_id": s.item,
                    "model": s.model,
                    "mase": round(s.mase, 4),
                    "seasonal_naive_mase": round(s.baseline, 4),
                }
                for s in bt.items
            ],
        }
        sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
        return
    table = Table("item", "model", "MASE", "seasonal naive")
    for s in bt.items:
        table.add_row(s.item, s.model, f"{s.mase:.3f}", f"{s.baseline:.3f}")
    out.print(table)
    out.print(
        f"overall MASE {bt.mase:.3f} vs seasonal naive {bt.baseline:.3f}: ratio "
        f"{bt.ratio:.3f} over {len(bt.items)} items",
        highlight=False,
    )


@forecast_app.command("stock")
def stock(
    history: HistoryArg,
    out_path: Annotated[
        Path | None, typer.Option("--out", "-o", help="STOCK.xlsx (or .csv)")
    ] = None,
    service_level: Annotated[float, typer.Option(help="Cycle service level, e.g. 0.95")] = 0.95,
    lead_time: Annotated[int, typer.Option(help="Replenishment lead time, days")] = 2,
    days_saved: Annotated[
        float, typer.Option(help="Days an order shipped from the county saves")
    ] = 2.0,
    horizon: HorizonOpt = 28,
    jobs: JobsOpt = 1,
    events: EventsOpt = None,
    by_village: VillageOpt = False,
    cv_windows: CvOpt = 2,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False,
) -> None:
    """The stocking list: ABC/XYZ, which items to hold, base stock, fill rate, and the share
    of orders shipped from the county with the days saved."""
    try:
        series, local = _inputs(history, events, by_village)
        with _progress("forecast") as tick:
            fc = service.predict(series, horizon, 80, local, True, jobs, tick, cv_windows)
        st = service.stocking(fc, series, service_level, lead_time, days_saved)
    except CountyExpressError as exc:
        raise _fail(exc) from exc
    rows = [
        [
            a.item,
            a.klass,
            "yes" if a.hold else "no",
            round(a.demand, 1),
            a.stock.level if a.stock else "",
            round(a.stock.fill_rate, 4) if a.stock else "",
            round(a.from_county, 1),
        ]
        for a in st.advice
    ]
    header = ("item_id", "class", "hold", "demand", "base_stock", "fill_rate", "from_county")
    if out_path:
        write_table(out_path, header, rows)
    s = st.summary
    if as_json:
        data = {
            "service_level": service_level,
            "lead_time_days": lead_time,
            "horizon": horizon,
            **service.summary_data(s),
            "advice": [dict(zip(header, r, strict=True)) for r in rows],
        }
        sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
        return
    table = Table(*header)
    for r in rows:
        table.add_row(*(str(c) for c in r))
    out.print(table)
    out.print(
        f"hold {s.held} of {s.items} items; {s.county_share:.1%} of {s.demand:.0f} orders "
        f"over {horizon} days ship from the county, {s.days_saved_per_order:.2f} days "
        f"sooner per order on average",
        highlight=False,
    )
    if out_path:
        out.print(f"wrote {out_path}", highlight=False)


@forecast_app.command("ledger")
def ledger(
    county: Annotated[str, typer.Option("--county", "-c", help="County code, e.g. 652828.")],
    out_path: Annotated[Path, typer.Option("--out", "-o", help="HISTORY.csv (or .xlsx)")],
) -> None:
    """History from the ledger: inbound parcels per day by destination village (the
    ledger has no item category; forecast it with --by-village)."""
    try:
        uow = bootstrap.uow_factory(bootstrap.open_engine(get_settings()))()
        rows = service.ledger_history(uow, county)
    except CountyExpressError as exc:
        raise _fail(exc) from exc
    write_table(
        out_path,
        ("item_id", "date", "qty", "village"),
        ([i, d.isoformat(), n, v] for i, d, n, v in rows),
    )
    out.print(f"wrote {out_path}: {len(rows)} village-days of inbound parcels", highlight=False)


@forecast_app.command("synth")
def synth_history(
    out_path: Annotated[Path, typer.Option("--out", "-o", help="HISTORY.csv (or .xlsx)")],
    items: Annotated[int, typer.Option(help="Items")] = 300,
    start: Annotated[str, typer.Option(help="First day")] = "2024-10-21",
    end: Annotated[str, typer.Option(help="Last day")] = "2026-11-17",
    seed: Annotated[int, typer.Option(help="Random seed")] = 16,
) -> None:
    """Seeded order history with weekly seasonality, trend, Double 11, 618 and Spring
    Festival effects, and intermittent slow movers (for trials and benchmarks)."""
    s = synth.history(items, dt.date.fromisoformat(start), dt.date.fromisoformat(end), seed)
    rows = (
        [item, ser.day(i).isoformat(), int(v)]
        for item, ser in s.items()
        for i, v in enumerate(ser.values)
    )
    write_table(out_path, ("item_id", "date", "qty"), rows)
    out.print(f"wrote {out_path}: {items} items from {start} to {end}", highlight=False)


@forecast_app.command("calendar")
def festival_calendar(
    year: Annotated[int | None, typer.Option(help="Year (default: this year)")] = None,
    events: EventsOpt = None,
) -> None:
    """The festivals' days and windows of a year."""
    y = year or dt.date.today().year
    try:
        cal = service.calendar(read_events(events) if events else [])
    except CountyExpressError as exc:
        raise _fail(exc) from exc
    assert cal is not None
    table = Table("day", "festival", "window")
    for day, f in cal.anchors(dt.date(y, 1, 1), dt.date(y, 12, 31)):
        w0, w1 = day - dt.timedelta(days=f.before), day + dt.timedelta(days=f.after)
        table.add_row(day.isoformat(), f"{f.name} ({f.code})", f"{w0} – {w1}")
    out.print(table)
