"""Printable route sheets (路单): one A4 page per vehicle, stops in order, a QR code per stop.

Text and QR codes are drawn by adapters/reports/pdf_draw.py (Chinese in the built-in CID
font STSong-Light, nothing downloaded). Each stop's QR code holds `qr_payload(plan, stop)`,
which a driver's scanner reads to tell which stop of which plan it is at; the same text is
printed under the code for entry by hand.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from reportlab.lib.colors import HexColor, black  # type: ignore[import-untyped]
from reportlab.lib.pagesizes import A4  # type: ignore[import-untyped]
from reportlab.lib.units import mm  # type: ignore[import-untyped]
from reportlab.pdfgen.canvas import Canvas  # type: ignore[import-untyped]

from countyexpress.adapters.reports.pdf_draw import CJK, LATIN, register_fonts
from countyexpress.adapters.reports.pdf_draw import fit as _fit
from countyexpress.adapters.reports.pdf_draw import qr as _qr
from countyexpress.adapters.reports.pdf_draw import text as _text
from countyexpress.planning.routing.dayplan import DayPlan, PlannedStop, VehicleRun

__all__ = ["QR_PREFIX", "parse_qr_payload", "qr_payload", "sheet_pdf"]

QR_PREFIX = "CXR"
"""First field of a stop's QR payload: a County Express route stop."""

KINDS = {"station": "服务站", "locker": "快递柜", "door": "上门", "outlet": "网点",
         "center": "中心"}  # fmt: skip
WARN = HexColor("#b00020")
GRID = HexColor("#888888")

PAGE_W, PAGE_H = A4
MARGIN = 12 * mm
HEADER_H = 42 * mm
FOOTER_H = 16 * mm
ROW_MAX, ROW_MIN = 22 * mm, 11 * mm
# column x positions (left edges) and the right edge of the table
COLS = {"seq": 0, "code": 8, "name": 42, "kind": 82, "parcels": 97, "kg": 108, "pickups": 122,
        "arrive": 133, "sign": 149}  # fmt: skip
QR_SIZE_MAX = 20 * mm


def qr_payload(plan_id: str, stop: str) -> str:
    """What a stop's QR code holds: `CXR|<plan id>|<stop code>`."""
    return f"{QR_PREFIX}|{plan_id}|{stop}"


def parse_qr_payload(text: str) -> tuple[str, str] | None:
    """(plan id, stop code) from a scanned QR payload, or None if it is not one of ours."""
    parts = text.strip().split("|")
    if len(parts) != 3 or parts[0] != QR_PREFIX or not parts[1] or not parts[2]:
        return None
    return parts[1], parts[2]


def _rows_per_page() -> int:
    usable = PAGE_H - 2 * MARGIN - HEADER_H - FOOTER_H - 7 * mm
    return int(usable // ROW_MIN)


def _pages(run: VehicleRun) -> list[Sequence[PlannedStop]]:
    """The run's stops per page: one page, unless it has more stops than fit at the
    smallest row height (then continuation pages)."""
    n = _rows_per_page()
    stops = list(run.stops)
    return [stops[i : i + n] for i in range(0, len(stops), n)] or [[]]


def sheet_pdf(plan: DayPlan) -> bytes:
    """The plan's route sheets as one PDF: a page per vehicle (more if a run is very long)."""
    register_fonts()
    buffer = io.BytesIO()
    c = Canvas(buffer, pagesize=A4, pageCompression=1)
    c.setTitle(f"路单 Route sheets {plan.plan_id}")
    c.setAuthor("County Express 县域快递平台")
    c.setSubject(f"{plan.county_code} {plan.day.isoformat()}")
    for run in plan.runs:
        pages = _pages(run)
        for page, stops in enumerate(pages, 1):
            _page(c, plan, run, stops, page, len(pages))
            c.showPage()
    if not plan.runs:
        c.setFont(CJK, 14)
        c.drawString(MARGIN, PAGE_H - MARGIN - 14, f"计划 {plan.plan_id} 没有线路 (no runs)")
        c.showPage()
    c.save()
    return buffer.getvalue()


def _page(
    c: Canvas, plan: DayPlan, run: VehicleRun, stops: Sequence[PlannedStop], page: int, of: int
) -> None:
    left, top = MARGIN, PAGE_H - MARGIN
    y = top - 6 * mm
    _text(c, left, y, f"路单 Route sheet  {plan.depot.name}", 15)
    y -= 8 * mm
    cold = "  冷藏 refrigerated" if run.refrigerated else ""
    _text(c, left, y, f"车辆 {run.label}{cold}", 11)
    y -= 6 * mm
    _text(c, left, y, "日期 / 出发 / 返回", 9)
    times = f"{run.departs:%H:%M} - {run.returns:%H:%M}"
    figures = f"{run.distance_km:.1f} km   {run.duration_h:.2f} h"
    _text(c, left + 30 * mm, y, f"{plan.day.isoformat()}   {times}   {figures}", 9)
    y -= 5 * mm
    _text(c, left, y, "派件 / 揽收 / 站点", 9)
    _text(c, left + 30 * mm, y, f"{run.parcels} parcels   {run.pickups} pickups   "
          f"{len(run.stops)} stops", 9)  # fmt: skip
    y -= 5 * mm
    _text(c, left, y, "计划编号 Plan", 9)
    _text(c, left + 30 * mm, y, plan.plan_id, 9)
    if "DEMO" in plan.fleet_label.upper() or "(demo)" in plan.depot.name:
        c.setFillColor(WARN)
        _text(c, left + 110 * mm, y, "演示数据 DEMO data — not for real operations", 8)
        c.setFillColor(black)
    y = top - HEADER_H
    _table(c, plan, stops, y)
    _footer(c, page, of)


def _table(c: Canvas, plan: DayPlan, stops: Sequence[PlannedStop], top: float) -> None:
    left = MARGIN
    right = PAGE_W - MARGIN
    heads = {
        "seq": "序", "code": "站点编号", "name": "名称", "kind": "类型", "parcels": "派件",
        "kg": "重量kg", "pickups": "揽收", "arrive": "计划到达", "sign": "签收 / 二维码",
    }  # fmt: skip
    for key, label in heads.items():
        _text(c, left + COLS[key] * mm, top - 4.5 * mm, label, 8)
    c.setStrokeColor(GRID)
    c.line(left, top - 6.5 * mm, right, top - 6.5 * mm)
    usable = top - 7 * mm - (MARGIN + FOOTER_H)
    row = max(ROW_MIN, min(ROW_MAX, usable / max(1, len(stops))))
    qr = min(QR_SIZE_MAX, row - 2.5 * mm)
    y = top - 7 * mm
    for s in stops:
        base = y - row / 2 - 1.5 * mm
        _text(c, left + COLS["seq"] * mm, base, str(s.sequence), 10)
        _text(c, left + COLS["code"] * mm, base, _fit(s.code, 8.5, 33 * mm), 8.5)
        _text(c, left + COLS["name"] * mm, base, _fit(s.name, 9, 39 * mm), 9)
        kind = KINDS.get(s.kind, s.kind) + (" 冷链" if s.cold else "")
        _text(c, left + COLS["kind"] * mm, base, kind, 8)
        _text(c, left + COLS["parcels"] * mm, base, str(s.parcels), 10)
        _text(c, left + COLS["kg"] * mm, base, f"{s.kg:.1f}", 9)
        _text(c, left + COLS["pickups"] * mm, base, str(s.pickups), 10)
        _text(c, left + COLS["arrive"] * mm, base, f"{s.arrival:%H:%M}", 10)
        payload = qr_payload(plan.plan_id, s.code)
        _qr(c, payload, right - qr, y - 1 * mm - qr, qr)
        c.setFont(LATIN, 5)
        c.drawString(left + COLS["code"] * mm, y - row + 1.2 * mm, payload)
        y -= row
        c.line(left, y, right, y)


def _footer(c: Canvas, page: int, of: int) -> None:
    y = MARGIN + 6 * mm
    _text(c, MARGIN, y, "司机签字 Driver: ________________    出车 ________    回场 ________", 9)
    c.setFont(LATIN, 8)
    c.drawRightString(PAGE_W - MARGIN, MARGIN, f"{page} / {of}")
