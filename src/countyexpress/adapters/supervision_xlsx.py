"""Supervision records in and out of Excel: any kind's records as a workbook, and rows of
an uploaded workbook read with their line numbers and every problem located (file, line,
column), for the all-or-nothing import of filings, complaints and credit events."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font

from countyexpress.errors import PackProblem

__all__ = ["MAX_IMPORT_BYTES", "MAX_ROWS", "read_rows", "workbook"]

MAX_IMPORT_BYTES = 5 * 1024 * 1024
MAX_ROWS = 5_000


def workbook(title: str, header: Sequence[str], rows: Sequence[Mapping[str, Any]]) -> bytes:
    """One sheet: the header in bold, a row per record, frozen header, sensible widths."""
    wb = Workbook()
    ws = wb.active
    ws.title = title[:31]
    ws.append(list(header))
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for r in rows:
        ws.append([r.get(h) for h in header])
    ws.freeze_panes = "A2"
    for i, h in enumerate(header, start=1):
        width = max([len(h)] + [len(str(r.get(h) or "")) for r in rows[:200]])
        ws.column_dimensions[ws.cell(1, i).column_letter].width = min(max(width + 2, 8), 60)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return " ".join(str(value).split())


def read_rows(
    data: bytes,
    filename: str,
    required: Sequence[str],
    optional: Sequence[str] = (),
) -> tuple[list[tuple[int, dict[str, str]]], list[PackProblem]]:
    """The rows of the first sheet as text by column name (line numbers as Excel shows
    them), and every problem: not a workbook, unknown or missing columns, too many rows."""
    name = Path(filename or "records.xlsx").name
    if len(data) > MAX_IMPORT_BYTES:
        return [], [PackProblem(name, None, None, "the file is larger than 5 MB")]
    if not data.startswith(b"PK"):
        return [], [PackProblem(name, None, None, "not an Excel workbook (.xlsx)")]
    try:
        ws = load_workbook(io.BytesIO(data), read_only=True, data_only=True).worksheets[0]
        values = list(ws.iter_rows(values_only=True))
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, IndexError) as exc:
        return [], [PackProblem(name, None, None, f"cannot read the workbook: {exc}")]
    if not values:
        return [], [
            PackProblem(name, 1, None, "the sheet is empty: the first row names the columns")
        ]
    header = [_text(v).lower() for v in values[0]]
    known = set(required) | set(optional)
    problems = [
        PackProblem(name, 1, h, f"unknown column (known: {', '.join([*required, *optional])})")
        for h in header
        if h and h not in known
    ]
    problems += [
        PackProblem(name, 1, col, "this column is required")
        for col in required
        if col not in header
    ]
    body = [(i, row) for i, row in enumerate(values[1:], start=2) if any(_text(v) for v in row)]
    if len(body) > MAX_ROWS:
        problems.append(PackProblem(name, None, None, f"more than {MAX_ROWS} rows: split the file"))
    if problems:
        return [], problems
    rows = [
        (line, {h: _text(v) for h, v in zip(header, row, strict=False) if h}) for line, row in body
    ]
    return rows, []
