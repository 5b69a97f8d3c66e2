"""The credit directory as xlsx, in the shape of a county enterprise credit directory
(企业信用名录): one row per subject with its level, score and blacklist entry."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font

from countyexpress.domain.supervision.credit import Standing

HEADERS = (
    "序号 No.",
    "主体类型 Subject kind",
    "主体编码 Subject code",
    "主体名称 Name",
    "信用分 Score",
    "信用等级 Level",
    "失信名单 Blacklisted",
    "列入日期 Listed on",
    "列入事由 Reason",
    "可申请修复日期 Repairable from",
    "整改完成日期 Rectified on",
    "移出日期 Removed on",
    "计分事件 Events counted",
)

KIND_LABELS = {
    "carrier": "快递企业(县域) Carrier",
    "outlet": "末端网点 Outlet",
    "station": "村级站点 Station",
    "locker": "智能快件箱 Locker",
    "person": "从业人员 Person",
    "vehicle": "车辆 Vehicle",
}


def write_directory_xlsx(
    standings: Sequence[Standing],
    names: Mapping[str, str],
    county: str,
    on: dt.date,
    notes: str,
    path: Path,
) -> Path:
    """The directory of `standings` (as of `on`) with subjects' names from `names`."""
    wb = Workbook()
    ws = wb.active
    ws.title = "信用名录"
    ws.append([f"快递业信用名录 Express credit directory — {county}, {on.isoformat()}"])
    ws.append([f"规则 Rules: {notes}"])
    ws.append(list(HEADERS))
    for cell in ws[3]:
        cell.font = Font(bold=True)
    for i, s in enumerate(standings, start=1):
        entry = next((e for e in reversed(s.blacklist) if e.start <= on), None)
        active = s.blacklisted
        ws.append(
            [
                i,
                KIND_LABELS.get(s.subject.kind.value, s.subject.kind.value),
                s.subject.key,
                names.get(str(s.subject), ""),
                s.score,
                s.level,
                "是 Yes" if active else "否 No",
                entry.start.isoformat() if entry else "",
                entry.reason if entry else "",
                entry.repairable_from.isoformat() if entry else "",
                entry.rectified.isoformat() if entry and entry.rectified else "",
                entry.end.isoformat() if entry and entry.end and not active else "",
                "; ".join(f"{e.on.isoformat()} {e.type}" for e in s.counted),
            ]
        )
    widths = (6, 22, 16, 30, 10, 10, 12, 12, 40, 14, 14, 12, 60)
    for col, width in zip("ABCDEFGHIJKLM", widths, strict=True):
        ws.column_dimensions[col].width = width
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path
