"""A scenario comparison as JSON and as an Excel workbook (with charts)."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.styles import Font

from countyexpress.services.scenarios import Comparison, Outcome

XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

COLUMNS: tuple[tuple[str, str], ...] = (
    ("scenario", "情景 scenario"),
    ("parcels", "包裹 parcels"),
    ("delivered", "已签收 delivered"),
    ("by_station", "服务站 station"),
    ("by_locker", "快件箱 locker"),
    ("by_door", "上门 door"),
    ("door_share", "上门占比 door share"),
    ("hours_median", "送达时长中位数 h (centre → receiver)"),
    ("hours_p90", "送达时长 P90 h"),
    ("unclaimed_share", "滞留退回率 unclaimed share"),
    ("villages_with_station", "建制村服务站覆盖率 villages with a station"),
    ("vehicle_km", "车公里 vehicle-km (estimate)"),
    ("trips", "村次 village visits"),
    ("cost", "车辆成本 van cost CNY (estimate)"),
    ("cost_per_parcel", "单件成本 CNY/parcel"),
    ("from_county", "前置仓发货 parcels from the county"),
    ("order_days_saved", "节省配送天数 delivery days saved"),
)


def row(o: Outcome) -> dict[str, Any]:
    """One scenario's figures, rounded for reading."""

    def r(v: float | None, n: int = 3) -> float | None:
        return None if v is None else round(v, n)

    return {
        "scenario": o.scenario.name,
        "label": o.scenario.label,
        "parcels": o.parcels,
        "delivered": o.delivered,
        "by_station": o.by_station,
        "by_locker": o.by_locker,
        "by_door": o.by_door,
        "door_share": r(o.door_share),
        "hours_median": o.hours_median,
        "hours_mean": o.hours_mean,
        "hours_p90": o.hours_p90,
        "returned": o.returned,
        "stored_at_stations": o.stored_at_stations,
        "unclaimed_share": r(o.unclaimed_share),
        "exceptions": o.exceptions,
        "villages_with_station": o.villages_with_station,
        "vehicle_km": round(o.vehicle_km, 1),
        "trips": o.trips,
        "cost": round(o.cost, 2),
        "cost_per_parcel": r(o.cost_per_parcel),
        "from_county": o.from_county,
        "order_days_saved": round(o.order_days_saved, 1),
        "by_carrier": {c: {"vehicle_km": km, "trips": n} for c, (km, n) in o.by_carrier.items()},
        "km_by_day": o.km_by_day,
        "seconds": o.seconds,
    }


def to_dict(c: Comparison) -> dict[str, Any]:
    """The comparison as plain data."""
    return {
        "county": c.county,
        "county_name": c.county_name,
        "start": c.start.isoformat(),
        "days": c.days,
        "seed": c.seed,
        "scale": c.scale,
        "simulated": True,
        "vehicle_km_note": c.km_note,
        "scenarios": [row(o) for o in c.outcomes],
    }


def write_json(c: Comparison, path: Path) -> Path:
    """Write the comparison as JSON (UTF-8)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(to_dict(c), ensure_ascii=False, indent=2), encoding="utf-8")
    return path


def xlsx_bytes(c: Comparison) -> bytes:
    """The workbook of `write_xlsx`, in memory (for a download)."""
    buffer = io.BytesIO()
    _workbook(c).save(buffer)
    return buffer.getvalue()


def write_xlsx(c: Comparison, path: Path) -> Path:
    """Write the comparison, each carrier alone, km per day and notes, with two charts."""
    path.parent.mkdir(parents=True, exist_ok=True)
    _workbook(c).save(path)
    return path


def _workbook(c: Comparison) -> Workbook:
    wb = Workbook()
    ws = wb.active
    ws.title = "comparison"
    ws.append([title for _, title in COLUMNS])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for o in c.outcomes:
        data = row(o)
        ws.append([data["label"] if k == "scenario" else data[k] for k, _ in COLUMNS])
    n = len(c.outcomes)
    names = Reference(ws, min_col=1, min_row=2, max_row=n + 1)
    for col, title, anchor in ((12, "vehicle-km (estimate)", "B10"), (14, "van cost CNY", "J10")):
        chart = BarChart()
        chart.title = title
        chart.add_data(Reference(ws, min_col=col, min_row=1, max_row=n + 1), titles_from_data=True)
        chart.set_categories(names)
        ws.add_chart(chart, anchor)

    carriers = wb.create_sheet("each carrier alone")
    carriers.append(["carrier", "vehicle-km", "village visits"])
    for o in c.outcomes:
        for code, (km, trips) in sorted(o.by_carrier.items()):
            carriers.append([code, km, trips])

    days = wb.create_sheet("km by day")
    days.append(["day", *[o.scenario.name for o in c.outcomes]])
    all_days = sorted({d for o in c.outcomes for d in o.km_by_day})
    for d in all_days:
        days.append([d, *[o.km_by_day.get(d) for o in c.outcomes]])
    if all_days:
        line = LineChart()
        line.title = "vehicle-km per day (estimate)"
        line.add_data(
            Reference(days, min_col=2, max_col=n + 1, min_row=1, max_row=len(all_days) + 1),
            titles_from_data=True,
        )
        line.set_categories(Reference(days, min_col=1, min_row=2, max_row=len(all_days) + 1))
        days.add_chart(line, f"{chr(ord('B') + n + 1)}2")

    notes = wb.create_sheet("notes")
    for key, value in (
        ("county", f"{c.county} {c.county_name}"),
        ("simulated data", "模拟数据: parcels, receivers and senders are generated, not real"),
        ("days", f"{c.start.isoformat()} + {c.days} days"),
        ("seed", c.seed),
        ("demand scale", c.scale),
        ("vehicle-km", c.km_note),
    ):
        notes.append([key, value])
    return wb
