"""The facilities and carriers registries as Excel workbooks, and facilities read back.

The columns are the pack's (`facilities.csv`, `carriers.csv`), so an exported workbook can be
edited and imported again, and a pack's CSV opened in Excel reads the same.
"""

from __future__ import annotations

import io
import tempfile
from dataclasses import asdict
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font

from countyexpress.adapters.packs.reader import _read_facilities
from countyexpress.adapters.packs.writer import (
    CARRIER_HEADER,
    FACILITY_HEADER,
    _cell,
    _facility_row,
)
from countyexpress.domain.coords import CoordinateSystem
from countyexpress.domain.facilities import Carrier, Facility
from countyexpress.errors import PackProblem

XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_IMPORT_BYTES = 5 * 1024 * 1024


def _workbook(title: str, header: list[str], rows: list[dict[str, Any]]) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = title
    ws.append(header)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for r in rows:
        ws.append([_value(r.get(h)) for h in header])
    ws.freeze_panes = "A2"
    for i, h in enumerate(header, start=1):
        width = max([len(h)] + [len(str(_value(r.get(h)) or "")) for r in rows[:200]])
        ws.column_dimensions[ws.cell(1, i).column_letter].width = min(max(width + 2, 8), 50)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _value(v: Any) -> Any:
    """Numbers stay numbers in Excel; everything else is text as the pack writes it."""
    if isinstance(v, bool):
        return 1 if v else 0
    if isinstance(v, int | float):
        return v
    return _cell(v) or None


def facilities_xlsx(facilities: list[Facility]) -> bytes:
    """The facilities registry as an xlsx workbook, one row per facility."""
    return _workbook("facilities", FACILITY_HEADER, [_facility_row(f) for f in facilities])


def carriers_xlsx(carriers: list[Carrier]) -> bytes:
    """The carriers registry as an xlsx workbook."""
    return _workbook("carriers", CARRIER_HEADER, [asdict(c) for c in carriers])


def read_facilities_xlsx(
    data: bytes, filename: str
) -> tuple[list[tuple[int, Facility]], list[PackProblem]]:
    """Facilities of an uploaded workbook with their row numbers, and every problem found."""
    name = Path(filename or "facilities.xlsx").name
    if len(data) > MAX_IMPORT_BYTES:
        return [], [PackProblem(name, None, None, "the file is larger than 5 MB")]
    if not data.startswith(b"PK"):
        return [], [PackProblem(name, None, None, "not an Excel workbook (.xlsx)")]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / name
        if path.suffix.lower() != ".xlsx":
            path = path.with_suffix(".xlsx")
        path.write_bytes(data)
        problems: list[PackProblem] = []
        try:
            rows = _read_facilities(path, CoordinateSystem.WGS84, problems)
        except Exception as exc:  # a broken zip, or a zip that is not a workbook
            return [], [PackProblem(name, None, None, f"cannot read the workbook: {exc}")]
    return rows, problems
