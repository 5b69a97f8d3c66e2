"""The yearly assessment as a Word document (.docx) an office can edit and submit: headings,
the total score, each area with a table per task, problems and measures, appendices."""

from __future__ import annotations

import io
from collections.abc import Mapping
from typing import Any

from docx import Document
from docx.oxml.ns import qn
from docx.shared import Pt

from countyexpress.adapters.reports.assessment_text import figure, sources, status_text, title

__all__ = ["report_docx"]

_FONT = "宋体"  # Word's SimSun; the document stays editable with any Chinese font


def _task_table(doc: Any, task: Mapping[str, Any]) -> None:
    head = ("指标", "数值", "目标", "状态", "分值", "得分", "说明")
    table = doc.add_table(rows=1, cols=len(head))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, head, strict=True):
        cell.text = text
    for i in task["indicators"]:
        target = figure(i["target"], i["unit"])
        if i["target_year"]:
            target += f"（{i['target_year']}）"
        cells = table.add_row().cells
        values = (
            f"{i['title'] or i['indicator']}（{i['indicator']}）",
            figure(i["value"], i["unit"]),
            target,
            status_text(i["status"]),
            f"{i['points']:g}",
            f"{i['score']:g}",
            i["reason"],
        )
        for cell, text in zip(cells, values, strict=True):
            cell.text = text
    if not task["indicators"]:
        table.add_row().cells[0].text = "本任务暂无计算指标"


def report_docx(report: Mapping[str, Any]) -> bytes:
    """The report's .docx bytes."""
    doc = Document()
    normal = doc.styles["Normal"]
    normal.font.name = _FONT
    normal.font.size = Pt(10.5)
    normal.element.rPr.rFonts.set(qn("w:eastAsia"), _FONT)
    doc.add_heading(title(report), level=0)
    doc.add_paragraph(f"县（区划代码 {report['county']}），数据截至 {report['as_of']}。")
    doc.add_heading(f"总分：{report['total_score']:g} / {report['max_score']:g}", level=1)
    doc.add_paragraph(f"评分表：{report['sheet']['title']}（{report['sheet']['source']}）")
    summary = doc.add_table(rows=1, cols=3)
    summary.style = "Table Grid"
    for cell, text in zip(summary.rows[0].cells, ("考核领域", "得分", "满分"), strict=True):
        cell.text = text
    for s in report["sections"]:
        cells = summary.add_row().cells
        cells[0].text, cells[1].text, cells[2].text = (
            s["title"], f"{s['score']:g}", f"{s['max_score']:g}")  # fmt: skip
    for s in report["sections"]:
        doc.add_heading(f"{s['title']}（{s['score']:g} / {s['max_score']:g}）", level=1)
        for t in (t for t in report["tasks"] if t["task"] in s["tasks"]):
            doc.add_heading(
                f"任务{t['task']} {t['title']}（{t['score']:g} / {t['max_score']:g}）", level=2
            )
            doc.add_paragraph(
                f"牵头单位：{t['lead_unit']}；配合单位：{'、'.join(t['cooperating_units']) or '—'}"
            )
            doc.add_paragraph(f"状态：{status_text(t['status'])}。{t['reason']}")
            _task_table(doc, t)
    doc.add_heading("发现的问题与整改措施", level=1)
    for pr in report["problems"]:
        doc.add_paragraph(f"任务{pr['task']}（{pr['lead_unit']}）：{pr['text']}",
                          style="List Number")  # fmt: skip
        doc.add_paragraph(f"措施：{pr['measure']}")
    if not report["problems"]:
        doc.add_paragraph("未发现问题。")
    doc.add_heading("附录一 数据质量", level=1)
    for q in report["data_quality"]:
        doc.add_paragraph(f"{q['what']} — {q['quality']}：{q['detail']}", style="List Bullet")
    doc.add_heading("附录二 指标来源", level=1)
    for line in sources(report):
        doc.add_paragraph(line, style="List Bullet")
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()
