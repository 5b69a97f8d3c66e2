"""The region screen's table as an xlsx sheet (issue 17, item 5): a row per county, the
columns of /region, headers in Chinese and English, shares as percentages."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font

_COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("code", "区县代码 County code", ""),
    ("name", "区县 County", ""),
    ("name_en", "County (English)", ""),
    ("synthetic", "模拟县 Synthetic county", ""),
    ("progress", "目标达成 Targets met", "0%"),
    ("targets_met", "达成目标数 Targets met (count)", ""),
    ("targets", "目标数 Targets", ""),
    ("snapshot_month", "快照月份 Snapshot month", ""),
    ("village_coverage", "建制村服务站覆盖率 Villages with a station", "0.0%"),
    ("resident_coverage", "服务半径内居民 Residents within reach (estimate)", "0.0%"),
    ("radius_km", "服务半径（公里）Radius (km)", ""),
    ("estimated", "覆盖率含估算村庄 Coverage from estimated villages", ""),
    ("volume", "入库包裹 Parcels stored", "#,##0"),
    ("unclaimed", "未取退回 Unclaimed", "0.0%"),
    ("stuck", "滞留 Stuck", "#,##0"),
    ("stuck_hours", "滞留时限（小时）Stuck after (h)", ""),
    ("simulated", "模拟数据 Simulated data", ""),
    ("blacklisted", "失信名单 Blacklisted", "#,##0"),
    ("warned", "信用警示 Credit warnings", "#,##0"),
)


def write_region_xlsx(rows: Sequence[Any], path: Path, title: str, volume_days: int) -> Path:
    """One sheet: a header row, then a row per county (RegionRow-like objects, read by
    attribute); an absent figure is an empty cell, never a zero."""
    wb = Workbook()
    ws = wb.active
    ws.title = "region"
    ws.append([title, f"包裹按最近 {volume_days} 天统计 Parcels over the last {volume_days} days"])
    ws["A1"].font = Font(bold=True)
    ws.append([label for _, label, _ in _COLUMNS])
    for cell in ws[2]:
        cell.font = Font(bold=True)
    for r in rows:
        ws.append([getattr(r, key) for key, _, _ in _COLUMNS])
        for cell, (_, _, fmt) in zip(ws[ws.max_row], _COLUMNS, strict=True):
            if fmt:
                cell.number_format = fmt
    ws.freeze_panes = "C3"
    ws.column_dimensions["B"].width = 18
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path
