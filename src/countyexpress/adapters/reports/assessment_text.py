"""What the assessment's three files share: titles, labels and how a figure is written.

The writers read the report's plain form (`services.assessment.to_json`), so a frozen
report renders the same as the day it was issued.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = ["STATUS", "figure", "sources", "status_text", "title"]

STATUS = {
    "met": "达标 met",
    "behind": "滞后 behind",
    "overdue": "逾期未完成 overdue",
    "no_data": "无数据 no data",
    "no_target": "无目标 no target",
}


def title(report: Mapping[str, Any]) -> str:
    """The report's title: county, year, what it is."""
    return f"{report['county_name']} {report['year']}年度快递业发展目标责任考核报告"


def status_text(status: str) -> str:
    """A status in Chinese and English."""
    return STATUS.get(status, status)


def figure(value: Any, unit: str = "") -> str:
    """A value as a reader writes it: shares in per cent, counts plain, none as a dash."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, int | float):
        if unit == "share":
            return f"{value:.1%}"
        return f"{value:g}" if isinstance(value, float) else str(value)
    return str(value)


def sources(report: Mapping[str, Any]) -> list[str]:
    """Every indicator once, as the appendix row that traces its figure: the task, its lead
    unit, the indicator and the rule that computes it from the data."""
    seen: dict[str, str] = {}
    for t in report["tasks"]:
        for i in t["indicators"]:
            label = i["title"] or i["indicator"]
            seen.setdefault(
                i["indicator"],
                f"任务{t['task']}（牵头：{t['lead_unit']}）{label}（{i['indicator']}）：{i['source']}",
            )
    return list(seen.values())
