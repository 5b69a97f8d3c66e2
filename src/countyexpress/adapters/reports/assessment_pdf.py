"""The yearly assessment as a PDF: summary with the total, a bar chart of the sections'
scores, each area with a table per task, problems and measures, and the appendices (data
quality, every figure's source). Chinese in the route sheets' CID font (STSong-Light)."""

from __future__ import annotations

import io
from collections.abc import Mapping
from typing import Any
from xml.sax.saxutils import escape

from reportlab.graphics.charts.barcharts import VerticalBarChart  # type: ignore[import-untyped]
from reportlab.graphics.shapes import Drawing, String  # type: ignore[import-untyped]
from reportlab.lib import colors  # type: ignore[import-untyped]
from reportlab.lib.pagesizes import A4  # type: ignore[import-untyped]
from reportlab.lib.styles import ParagraphStyle  # type: ignore[import-untyped]
from reportlab.lib.units import mm  # type: ignore[import-untyped]
from reportlab.platypus import (  # type: ignore[import-untyped]
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from countyexpress.adapters.reports.assessment_text import figure, sources, status_text, title
from countyexpress.adapters.reports.pdf_draw import CJK, register_fonts

__all__ = ["report_pdf"]

_BODY = ParagraphStyle("body", fontName=CJK, fontSize=9, leading=13, wordWrap="CJK")
_SMALL = ParagraphStyle("small", parent=_BODY, fontSize=7, leading=9)
_H1 = ParagraphStyle("h1", parent=_BODY, fontSize=16, leading=22, spaceAfter=6)
_H2 = ParagraphStyle("h2", parent=_BODY, fontSize=12, leading=18, spaceBefore=8, spaceAfter=4)
_H3 = ParagraphStyle("h3", parent=_BODY, fontSize=10, leading=15, spaceBefore=6)


def _p(text: Any, style: ParagraphStyle = _BODY) -> Paragraph:
    return Paragraph(escape(str(text)), style)


def _chart(report: Mapping[str, Any]) -> Drawing:
    sections = report["sections"]
    drawing = Drawing(170 * mm, 70 * mm)
    chart = VerticalBarChart()
    chart.x, chart.y, chart.width, chart.height = 15 * mm, 12 * mm, 150 * mm, 50 * mm
    chart.data = [
        [float(s["max_score"]) for s in sections],
        [float(s["score"]) for s in sections],
    ]
    chart.bars[0].fillColor = colors.HexColor("#d0d7e2")
    chart.bars[1].fillColor = colors.HexColor("#2b5797")
    chart.valueAxis.valueMin = 0
    chart.valueAxis.valueMax = max([1.0, *(float(s["max_score"]) for s in sections)])
    chart.categoryAxis.categoryNames = [s["title"][:10] for s in sections]
    chart.categoryAxis.labels.fontName = CJK
    chart.categoryAxis.labels.fontSize = 7
    chart.valueAxis.labels.fontSize = 7
    drawing.add(chart)
    drawing.add(String(15 * mm, 65 * mm, "各考核领域得分（深色）与满分（浅色）", fontName=CJK,
                       fontSize=9))  # fmt: skip
    return drawing


def _task_table(task: Mapping[str, Any]) -> Table:
    head = ["指标 indicator", "数值 value", "目标 target", "状态 status", "分值", "得分", "说明"]
    rows: list[list[Any]] = [[_p(h, _SMALL) for h in head]]
    for i in task["indicators"]:
        target = figure(i["target"], i["unit"])
        if i["target_year"]:
            target += f"（{i['target_year']}）"
        rows.append(
            [
                _p(f"{i['title'] or i['indicator']}\n{i['indicator']}", _SMALL),
                _p(figure(i["value"], i["unit"]), _SMALL),
                _p(target, _SMALL),
                _p(status_text(i["status"]), _SMALL),
                _p(f"{i['points']:g}", _SMALL),
                _p(f"{i['score']:g}", _SMALL),
                _p(i["reason"], _SMALL),
            ]
        )
    if len(rows) == 1:
        rows.append([_p("本任务暂无计算指标 no indicator yet", _SMALL), "", "", "", "", "", ""])
    widths = [38 * mm, 17 * mm, 20 * mm, 20 * mm, 10 * mm, 10 * mm, 55 * mm]
    table = Table(rows, colWidths=widths, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.3, colors.grey),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eef1f6")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    return table


def report_pdf(report: Mapping[str, Any]) -> bytes:
    """The report's PDF bytes."""
    register_fonts()
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer, pagesize=A4, leftMargin=15 * mm, rightMargin=15 * mm,
        topMargin=15 * mm, bottomMargin=15 * mm, title=title(report),
    )  # fmt: skip
    story: list[Any] = [
        _p(title(report), _H1),
        _p(f"县（区划代码 {report['county']}），数据截至 {report['as_of']}"),
        _p(f"总分 total score：{report['total_score']:g} / {report['max_score']:g}", _H2),
        _p(f"评分表 sheet：{report['sheet']['title']}（{report['sheet']['source']}）", _SMALL),
        Spacer(1, 4 * mm),
        _chart(report),
    ]
    for s in report["sections"]:
        story.append(_p(f"{s['title']} {s['title_en']}：{s['score']:g} / {s['max_score']:g}", _H2))
        for t in (t for t in report["tasks"] if t["task"] in s["tasks"]):
            helpers = "、".join(t["cooperating_units"]) or "—"
            story += [
                _p(f"任务{t['task']} {t['title']}  {t['score']:g} / {t['max_score']:g}", _H3),
                _p(f"牵头单位：{t['lead_unit']}；配合单位：{helpers}", _SMALL),
                _p(f"状态：{status_text(t['status'])}。{t['reason']}", _SMALL),
                _task_table(t),
            ]  # fmt: skip
    story.append(_p("发现的问题与整改措施 Problems found and suggested measures", _H2))
    for n, pr in enumerate(report["problems"], 1):
        story.append(_p(f"{n}. 任务{pr['task']}（{pr['lead_unit']}）：{pr['text']}"))
        story.append(_p(f"   措施：{pr['measure']}", _SMALL))
    if not report["problems"]:
        story.append(_p("未发现问题。"))
    story.append(_p("附录一 数据质量 Appendix: data quality", _H2))
    for q in report["data_quality"]:
        story.append(_p(f"{q['what']} — {q['quality']}：{q['detail']}", _SMALL))
    story.append(_p("附录二 指标来源 Appendix: where each figure comes from", _H2))
    for line in sources(report):
        story.append(_p(line, _SMALL))
    doc.build(story)
    return buffer.getvalue()
