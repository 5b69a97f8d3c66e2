"""Tabular rows from CSV or XLSX files, with typed getters that record located problems."""

from __future__ import annotations

import csv
import datetime as dt
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import TypeVar

from countyexpress.errors import PackInvalid, PackProblem

E = TypeVar("E", bound=StrEnum)

_TRUE = {"1", "true", "yes", "y", "是", "有"}
_FALSE = {"0", "false", "no", "n", "否", "无", ""}


class Row:
    """One data row; getters return None and record a problem when a cell is invalid."""

    def __init__(self, file: str, line: int, cells: dict[str, str]) -> None:
        self.file = file
        self.line = line
        self.cells = cells
        self.problems: list[PackProblem] = []

    def problem(self, field: str | None, reason: str) -> None:
        self.problems.append(PackProblem(self.file, self.line, field, reason))

    def text(self, name: str, required: bool = False) -> str:
        value = self.cells.get(name, "").strip()
        if required and not value:
            self.problem(name, f"{name} is empty")
        return value

    def integer(self, name: str) -> int | None:
        raw = self.text(name)
        if not raw:
            return None
        try:
            value = float(raw.replace(",", ""))
        except ValueError:
            self.problem(name, f"{name} {raw!r} is not a number")
            return None
        if not value.is_integer():
            self.problem(name, f"{name} {raw} is not a whole number")
            return None
        return int(value)

    def number(self, name: str) -> float | None:
        raw = self.text(name)
        if not raw:
            return None
        try:
            return float(raw)
        except ValueError:
            self.problem(name, f"{name} {raw!r} is not a number")
            return None

    def boolean(self, name: str) -> bool:
        raw = self.text(name).lower()
        if raw in _TRUE:
            return True
        if raw not in _FALSE:
            self.problem(name, f"{name} {raw!r} is not yes/no (1/0, true/false, 是/否)")
        return False

    def date(self, name: str) -> dt.date | None:
        raw = self.text(name)
        if not raw:
            return None
        try:
            return dt.date.fromisoformat(raw[:10])
        except ValueError:
            self.problem(name, f"{name} {raw!r} is not a date (YYYY-MM-DD)")
            return None

    def choice(self, name: str, enum: type[E], default: E | None = None) -> E | None:
        raw = self.text(name)
        if not raw and default is not None:
            return default
        try:
            return enum(raw.lower())
        except ValueError:
            allowed = ", ".join(e.value for e in enum)
            self.problem(name, f"{name} {raw!r} is not one of: {allowed}")
            return None


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def read_table(path: Path, required: tuple[str, ...], problems: list[PackProblem]) -> Iterator[Row]:
    """Rows of a CSV (UTF-8) or XLSX (first sheet) file; header problems go to `problems`."""
    records = _xlsx_records(path) if path.suffix.lower() == ".xlsx" else _csv_records(path)
    try:
        header = [h.strip().lower() for h in next(records)]
    except StopIteration:
        problems.append(
            PackProblem(path.name, 1, None, "the file is empty: a header row is needed")
        )
        return
    missing = [c for c in required if c not in header]
    if missing:
        problems.append(PackProblem(path.name, 1, None, f"missing column(s): {', '.join(missing)}"))
        return
    for line, values in enumerate(records, start=2):
        if not any(v.strip() for v in values):
            continue
        if len(values) > len(header):
            problems.append(
                PackProblem(
                    path.name, line, None, f"{len(values)} cells but the header has {len(header)}"
                )
            )
            continue
        yield Row(path.name, line, dict(zip(header, values, strict=False)))


def _csv_records(path: Path) -> Iterator[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        yield from csv.reader(fh)


def _xlsx_records(path: Path) -> Iterator[list[str]]:
    from openpyxl import load_workbook

    wb = load_workbook(path, read_only=True, data_only=True)
    try:
        sheet = wb.worksheets[0]
        for row in sheet.iter_rows(values_only=True):
            yield [_cell_text(v) for v in row]
    finally:
        wb.close()


TABLE_SUFFIXES = (".csv", ".xlsx")
MAX_TABLE_BYTES = 5 * 1024 * 1024


@contextmanager
def uploaded_table(name: str, data: bytes, what: str) -> Iterator[Path]:
    """An uploaded table (its file name and bytes) as a file `read_table` reads, for the
    time of the `with`; PackInvalid when it is not a .csv or .xlsx or is too large. `what`
    names the list in the refusal ("a staff list")."""
    name = Path(name).name[:120] or f"upload{TABLE_SUFFIXES[0]}"
    why = ""
    if Path(name).suffix.lower() not in TABLE_SUFFIXES:
        why = f"{what} is a .csv (UTF-8) or .xlsx file"
    elif len(data) > MAX_TABLE_BYTES:
        why = f"larger than {MAX_TABLE_BYTES // (1024 * 1024)} MB"
    if why:
        raise PackInvalid([PackProblem(name, None, None, why)])
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / name
        path.write_bytes(data)
        yield path
