"""Order history files: CSV or xlsx, every bad row by file, line and field, all or nothing."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from openpyxl import Workbook

from countyexpress.adapters.demand_files import read_events, read_history
from countyexpress.errors import PackInvalid


def _xlsx(path: Path, rows: list[list[object]]) -> Path:
    wb = Workbook()
    for r in rows:
        wb.active.append(r)
    wb.save(path)
    return path


def test_an_xlsx_history_fills_days_without_rows_with_zero(tmp_path: Path) -> None:
    """Dates as Excel dates; a missing day between an item's first and the file's last is 0."""
    path = _xlsx(
        tmp_path / "h.xlsx",
        [
            ["item_id", "date", "qty"],
            ["A", dt.date(2026, 1, 1), 3],
            ["A", dt.date(2026, 1, 4), 1],
            ["B", dt.date(2026, 1, 3), 2],
        ],
    )
    got = read_history(path)
    assert got["A"].values == (3.0, 0.0, 0.0, 1.0)
    assert got["B"].start == dt.date(2026, 1, 3) and got["B"].values == (2.0, 0.0)


def test_villages_are_summed_per_item_or_kept_apart_by_village(tmp_path: Path) -> None:
    """Two villages' rows of one item and day add up; --by-village keeps item@village."""
    path = tmp_path / "h.csv"
    path.write_text(
        "item_id,date,qty,village\nA,2026-01-01,3,V1\nA,2026-01-01,4,V2\n", encoding="utf-8"
    )
    assert read_history(path)["A"].values == (7.0,)
    assert set(read_history(path, by_village=True)) == {"A@V1", "A@V2"}


def test_a_bad_xlsx_row_is_named_by_file_line_and_field(tmp_path: Path) -> None:
    """Line numbers count the header as line 1, as a spreadsheet shows them."""
    path = _xlsx(
        tmp_path / "orders.xlsx",
        [["item_id", "date", "qty"], ["A", "2026-01-01", 3], ["A", "2026-01-02", "nan"]],
    )
    with pytest.raises(PackInvalid) as caught:
        read_history(path)
    assert [str(p) for p in caught.value.problems] == [
        "orders.xlsx line 3: qty: qty nan is not zero or more"
    ]


def test_local_events_are_read_with_their_windows(tmp_path: Path) -> None:
    """A temple fair on two years' dates becomes one festival with its window."""
    path = tmp_path / "events.csv"
    path.write_text(
        "code,name,date,days_before,days_after\nfair,庙会,2025-03-03,1,2\n"
        "fair,庙会,2026-03-20,1,2\nbad,x,2026-02-30,0,0\n",
        encoding="utf-8",
    )
    with pytest.raises(PackInvalid, match="line 4: date"):
        read_events(path)
    path.write_text(
        "code,name,date,days_before,days_after\nfair,庙会,2025-03-03,1,2\n"
        "fair,庙会,2026-03-20,1,2\n",
        encoding="utf-8",
    )
    (fair,) = read_events(path)
    assert (fair.code, fair.anchor(2026), list(fair.offsets())) == (
        "fair",
        dt.date(2026, 3, 20),
        [-1, 0, 1, 2],
    )
