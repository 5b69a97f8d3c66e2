"""Siting scenarios compared, as an xlsx sheet: one column per scenario."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font

_ROWS = (
    ("kind", "设施类型 Kind"),
    ("objective", "目标 Objective"),
    ("radius_km", "半径 Radius (km)"),
    ("coverage", "半径内人口覆盖 Coverage within radius"),
    ("mean_km", "人口加权距离 Weighted distance (km)"),
    ("existing", "现有 Existing"),
    ("new", "新增 New"),
    ("cost_cny", "建设费用 Setup cost (CNY)"),
    ("cost_is_estimate", "费用为估算 Cost is an estimate"),
)


def write_comparison_xlsx(columns: Sequence[Mapping[str, Any]], path: Path) -> Path:
    """One sheet: a row per figure, a column per scenario (figures_json dicts)."""
    wb = Workbook()
    ws = wb.active
    ws.title = "scenarios"
    ws.append(["方案比较 Siting scenarios", *[c["name"] for c in columns]])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for key, label in _ROWS:
        ws.append([label, *[c.get(key) for c in columns]])
    ws.append(["新增站点 New sites", *[" ".join(c.get("new_sites", [])) for c in columns]])
    ws.column_dimensions["A"].width = 36
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path
