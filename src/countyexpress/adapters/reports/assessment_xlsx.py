"""The yearly assessment as an xlsx workbook: a summary sheet (total, sections, tasks) and
one row per indicator with its task, lead unit, value, target, status, score and SOURCE
(the indicator's rule), each indicator's places by township (`by_division`), its trend
(`trend`: the year's months, a month without a snapshot left empty and saying so, then the
frozen years), then problems and the data-quality appendix."""

from __future__ import annotations

import io
from collections.abc import Mapping
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font

from countyexpress.adapters.reports.assessment_text import status_text, title

__all__ = ["INDICATOR_COLUMNS", "PART_COLUMNS", "TREND_COLUMNS", "report_xlsx"]

INDICATOR_COLUMNS = (
    "task", "title", "lead_unit", "indicator", "indicator_title", "value", "unit", "target",
    "target_year", "status", "points", "score", "reason", "source",
)  # fmt: skip


PART_COLUMNS = (
    "task", "indicator", "township", "code", "name", "level", "value", "required", "status",
)  # fmt: skip


TREND_COLUMNS = ("task", "indicator", "period", "value", "kept")


def report_xlsx(report: Mapping[str, Any]) -> bytes:
    """The report's workbook bytes."""
    wb = Workbook()
    summary = wb.active
    assert summary is not None
    summary.title = "summary"
    summary.append([title(report)])
    summary["A1"].font = Font(bold=True, size=14)
    summary.append(["county", report["county"], report["county_name"]])
    summary.append(["year", report["year"]])
    summary.append(["as_of", report["as_of"]])
    summary.append(["total_score", report["total_score"], "max_score", report["max_score"]])
    summary.append(["sheet", report["sheet"]["title"], report["sheet"]["source"]])
    summary.append([])
    summary.append(["section", "title", "score", "max_score"])
    for s in report["sections"]:
        summary.append([s["code"], s["title"], s["score"], s["max_score"]])
    summary.append([])
    summary.append(["task", "title", "lead_unit", "cooperating_units", "score", "max_score",
                    "status", "reason"])  # fmt: skip
    for t in report["tasks"]:
        helpers = "、".join(t["cooperating_units"])
        summary.append([t["task"], t["title"], t["lead_unit"], helpers, t["score"],
                        t["max_score"], status_text(t["status"]), t["reason"]])  # fmt: skip
    rows = wb.create_sheet("indicators")
    rows.append(list(INDICATOR_COLUMNS))
    for t in report["tasks"]:
        for i in t["indicators"]:
            rows.append([t["task"], t["title"], t["lead_unit"], i["indicator"], i["title"],
                         i["value"], i["unit"], i["target"], i["target_year"], i["status"],
                         i["points"], i["score"], i["reason"], i["source"]])  # fmt: skip
    parts = wb.create_sheet("by_division")  # where an indicator breaks down by place
    parts.append(list(PART_COLUMNS))
    for t in report["tasks"]:
        for i in t["indicators"]:
            for p in i.get("parts", []):
                parts.append([t["task"], i["indicator"], p["township"], p["code"], p["name"],
                              p["level"], p["value"], p["required"], p["status"]])  # fmt: skip
    trend = wb.create_sheet("trend")  # the months stored, then the frozen years
    trend.append(list(TREND_COLUMNS))
    for t in report["tasks"]:
        for i in t["indicators"]:
            kept = i.get("trend", {})
            for m in kept.get("months", []):
                trend.append([t["task"], i["indicator"], m["month"], m["value"],
                              "snapshot" if m["snapshot"] else "no snapshot"])  # fmt: skip
            for y in kept.get("years", []):
                trend.append([t["task"], i["indicator"], y["year"], y["value"], "frozen"])
    problems = wb.create_sheet("problems")
    problems.append(["task", "indicator", "lead_unit", "problem", "measure"])
    for p in report["problems"]:
        problems.append([p["task"], p["indicator"], p["lead_unit"], p["text"], p["measure"]])
    quality = wb.create_sheet("data_quality")
    quality.append(["what", "quality", "detail"])
    for q in report["data_quality"]:
        quality.append([q["what"], q["quality"], q["detail"]])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
