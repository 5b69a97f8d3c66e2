"""Order history in, forecasts and the stocking list out (CSV or xlsx).

History: `item_id,date,qty` and optionally `village`, one row per item and day (and
village). Every bad row is reported by file, line and field, and nothing is loaded unless
every row is good. Days an item has no row between its first day and the file's last day
count as no orders. Local events: `code,name,date,days_before,days_after`.
"""

from __future__ import annotations

import csv
import datetime as dt
import math
from collections.abc import Iterable, Sequence
from pathlib import Path

from countyexpress.adapters.packs.rows import read_table
from countyexpress.domain.demand.festivals import Festival, local_event
from countyexpress.domain.demand.uplift import DailySeries
from countyexpress.errors import CountyExpressError, PackInvalid, PackProblem

HISTORY_COLUMNS = ("item_id", "date", "qty")
EVENT_COLUMNS = ("code", "name", "date")


def read_history(path: Path, by_village: bool = False) -> dict[str, DailySeries]:
    """Daily series per item (per `item@village` with `by_village`), all or nothing."""
    problems: list[PackProblem] = []
    seen: dict[tuple[str, dt.date, str], int] = {}
    qty: dict[str, dict[dt.date, float]] = {}
    for row in read_table(path, HISTORY_COLUMNS, problems):
        item = row.text("item_id", required=True)
        day = row.date("date")
        if day is None and "date" not in {p.field for p in row.problems}:
            row.problem("date", "date is empty")
        n = row.number("qty")
        if n is None and "qty" not in {p.field for p in row.problems}:
            row.problem("qty", "qty is empty")
        elif n is not None and not 0 <= n < math.inf:  # NaN fails both
            row.problem("qty", f"qty {row.text('qty')} is not zero or more")
        village = row.text("village")
        if day is not None and item:
            first = seen.setdefault((item, day, village), row.line)
            if first != row.line:
                row.problem("date", f"{item} on {day} repeats line {first}")
        problems.extend(row.problems)
        if row.problems or day is None or n is None:
            continue
        key = f"{item}@{village}" if by_village and village else item
        per = qty.setdefault(key, {})
        per[day] = per.get(day, 0.0) + n
    if not problems and not qty:
        problems.append(PackProblem(path.name, None, None, "no rows of history"))
    if problems:
        raise PackInvalid(problems)
    end = max(max(days) for days in qty.values())
    out = {}
    for key, days in sorted(qty.items()):
        start = min(days)
        n_days = (end - start).days + 1
        out[key] = DailySeries(
            start, tuple(days.get(start + dt.timedelta(days=i), 0.0) for i in range(n_days))
        )
    return out


def read_events(path: Path) -> list[Festival]:
    """A county's local events, each with its dates over the years; all or nothing."""
    problems: list[PackProblem] = []
    dates: dict[str, list[dt.date]] = {}
    meta: dict[str, tuple[str, int, int]] = {}
    for row in read_table(path, EVENT_COLUMNS, problems):
        code = row.text("code", required=True)
        name = row.text("name") or code
        day = row.date("date")
        before = row.integer("days_before") or 0
        after = row.integer("days_after") or 0
        if day is None and "date" not in {p.field for p in row.problems}:
            row.problem("date", "date is empty")
        if before < 0 or after < 0:
            row.problem("days_before", "days before and after are not negative")
        problems.extend(row.problems)
        if not row.problems and day is not None:
            dates.setdefault(code, []).append(day)
            meta.setdefault(code, (name, before, after))
    out = []
    for code, days in dates.items():
        name, before, after = meta[code]
        try:
            out.append(local_event(code, name, days, before, after))
        except CountyExpressError as exc:
            problems.append(PackProblem(path.name, None, "date", str(exc)))
    if problems:
        raise PackInvalid(problems)
    return out


def write_table(path: Path, header: Sequence[str], rows: Iterable[Sequence[object]]) -> Path:
    """A CSV (UTF-8) or, for a .xlsx path, a one-sheet workbook."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix.lower() == ".xlsx":
        from openpyxl import Workbook
        from openpyxl.styles import Font

        wb = Workbook()
        ws = wb.active
        ws.append(list(header))
        for cell in ws[1]:
            cell.font = Font(bold=True)
        for r in rows:
            ws.append(list(r))
        wb.save(path)
        return path
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerows(rows)
    return path
