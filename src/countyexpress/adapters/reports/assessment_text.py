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


def sources(report: Mapping[str, Any]) -> list[tuple[str, str, str, str]]:
    """Every indicator once: (indicator, its title, the task, its source rule)."""
    seen: dict[str, tuple[str, str, str, str]] = {}
    for t in report["tasks"]:
        for i in t["indicators"]:
            seen.setdefault(
                i["indicator"], (i["indicator"], i["title"], str(t["task"]), i["source"])
            )
    return list(seen.values())
