"""Files people use: a carrier's monthly statement as xlsx."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font

from countyexpress.domain.county_time import COUNTY_ZONE
from countyexpress.domain.statements import Statement


def _county_time(at: dt.datetime) -> dt.datetime:
    """An instant in the county's zone, the zone its months are cut in (naive is UTC)."""
    return (at if at.tzinfo else at.replace(tzinfo=dt.UTC)).astimezone(COUNTY_ZONE)


def write_statement_xlsx(statement: Statement, path: Path) -> Path:
    """One sheet: a header, one row per parcel (no personal data), and the total."""
    wb = Workbook()
    ws = wb.active
    ws.title = f"{statement.year}-{statement.month:02d}"
    ws.append(
        [
            f"共配费用对账单 Co-delivery statement · {statement.carrier} · "
            f"{statement.county_code} · {statement.year}-{statement.month:02d}"
        ]
    )
    ws["A1"].font = Font(bold=True)
    ws.append(
        [
            "运单号 Waybill",
            "接收时间 Received (UTC+8)",
            "重量 kg",
            "村/社区 Division",
            "费用 Fee (CNY)",
        ]
    )
    for line in statement.lines:
        ws.append(
            [
                line.waybill_no,
                _county_time(line.received_at).strftime("%Y-%m-%d %H:%M"),
                line.weight_kg,
                line.division_code or "",
                float(line.fee),
            ]
        )
    ws.append(["合计 Total", "", "", f"{len(statement.lines)} 件 parcels", float(statement.total)])
    ws.cell(row=ws.max_row, column=1).font = Font(bold=True)
    for column, width in zip("ABCDE", (22, 20, 10, 18, 14), strict=True):
        ws.column_dimensions[column].width = width
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path
