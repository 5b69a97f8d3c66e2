"""Station prints as one-page PDFs sized for thermal rolls (issue 18): the shelf label and
the intake receipt (收寄凭证), each with the parcel's QR code and a Code 128 barcode of the
waybill number, in black only (a thermal head prints no grey).

The layout is drawn for the paper's width: every size and gap is a share of it, so the
same label fits a 100 mm and a 76 mm roll. Printed in Chinese, the county's language of
record, as the route sheets are."""

from __future__ import annotations

import datetime as dt
import io

from reportlab.graphics.barcode import code128  # type: ignore[import-untyped]
from reportlab.lib.units import mm  # type: ignore[import-untyped]
from reportlab.pdfgen.canvas import Canvas  # type: ignore[import-untyped]

from countyexpress.adapters.reports.pdf_draw import fit, qr, register_fonts, text, width
from countyexpress.domain.county_time import county_text
from countyexpress.domain.identity import IdType
from countyexpress.domain.inspection import ContentCategory
from countyexpress.domain.prints import IntakeSlip, Paper, ShelfLabel, parcel_qr

__all__ = ["intake_receipt_pdf", "shelf_label_pdf"]

PRODUCT = "县域快递平台 County Express"


class _Sheet:
    """A page of `paper` drawn top-down: `line` sets text and moves below it."""

    def __init__(self, paper: Paper, title: str, subject: str) -> None:
        register_fonts()
        self.buffer = io.BytesIO()
        self.w, self.h = paper.width_mm * mm, paper.height_mm * mm
        self.c = Canvas(self.buffer, pagesize=(self.w, self.h), pageCompression=1)
        self.c.setTitle(title)
        self.c.setSubject(subject)
        self.c.setAuthor(PRODUCT)
        self.k = paper.width_mm / 100  # sizes are drawn for a 100 mm roll, then scaled
        self.margin = 4 * mm * self.k
        self.y = self.h - self.margin

    def line(self, words: str, size: float, gap: float = 1.5, centre: bool = False) -> None:
        size *= self.k
        self.y -= size
        room = self.w - 2 * self.margin
        shown = fit(words, size, room)
        x = (self.w - width(shown, size)) / 2 if centre else self.margin
        text(self.c, x, self.y, shown, size)
        self.y -= gap * mm * self.k

    def rule(self) -> None:
        self.y -= 1 * mm * self.k
        self.c.setLineWidth(0.8)
        self.c.line(self.margin, self.y, self.w - self.margin, self.y)
        self.y -= 2 * mm * self.k

    def codes(self, county: str, waybill: str) -> None:
        """The waybill as a Code 128 barcode across the page, then the QR code centred."""
        room = self.w - 2 * self.margin
        bar_h = 12 * mm * self.k
        bars = code128.Code128(waybill, barHeight=bar_h, humanReadable=False, quiet=False)
        bars.barWidth = min(0.5 * mm, room / max(1.0, bars.width / bars.barWidth))
        bars = code128.Code128(waybill, barHeight=bar_h, barWidth=bars.barWidth,
                               humanReadable=False, quiet=False)  # fmt: skip
        self.y -= bar_h
        bars.drawOn(self.c, (self.w - bars.width) / 2, self.y)
        self.y -= 1 * mm * self.k
        self.line(waybill, 10, centre=True)
        size = 38 * mm * self.k
        self.y -= size
        qr(self.c, parcel_qr(county, waybill), (self.w - size) / 2, self.y, size)
        self.y -= 1.5 * mm * self.k

    def footer(self, words: str) -> None:
        size = 7 * self.k
        text(self.c, self.margin, self.margin, fit(words, size, self.w - 2 * self.margin), size)

    def pdf(self) -> bytes:
        self.c.showPage()
        self.c.save()
        return self.buffer.getvalue()


def _day(at: dt.date) -> str:
    return at.isoformat()


def shelf_label_pdf(label: ShelfLabel, paper: Paper) -> bytes:
    """The shelf label: shelf and pickup code large, the receiver masked, the return date."""
    s = _Sheet(paper, f"货架标签 {label.waybill_no}", f"{label.county_code} {label.station}")
    s.line(f"{label.station_name} · 货架标签", 10)
    s.rule()
    s.line(f"货架 {label.shelf}", 30, gap=2)
    s.line(f"取件码 {label.pickup_code}", 24, gap=2.5)
    s.line(f"收件人 {label.receiver_masked or '-'}   {label.phone_masked or ''}", 12)
    s.line(f"承运 {label.carrier.upper()}   入库 {county_text(label.stored_at)}", 9)
    s.line(f"逾期未取 {_day(label.return_on)} 起退回", 9)
    s.rule()
    s.codes(label.county_code, label.waybill_no)
    s.footer(f"{PRODUCT} · {label.station}")
    return s.pdf()


def _screening(slip: IntakeSlip) -> str:
    if slip.screened:
        return "过机安检 已完成"
    return f"过机安检 待在 {slip.screening_place} 过机" if slip.screening_place else "过机安检 待定"


def _id_type(value: str) -> str:
    try:
        return IdType(value).label
    except ValueError:
        return value


def _category(value: str) -> str:
    try:
        return ContentCategory(value).label
    except ValueError:
        return value


def intake_receipt_pdf(slip: IntakeSlip, paper: Paper) -> bytes:
    """The sender's receipt: the parcel, the masked sender and ID, and the three marks of
    plan task 11 (实名 real-name checked, 验视 inspected, 过机安检 where it is screened)."""
    s = _Sheet(paper, f"收寄凭证 {slip.waybill_no}", f"{slip.county_code} {slip.station}")
    s.line("收寄凭证", 18, gap=1, centre=True)
    s.line(slip.station_name, 10, centre=True)
    s.rule()
    s.line(f"运单 {slip.waybill_no}", 11)
    s.line(f"承运 {slip.carrier.upper()}   收寄 {county_text(slip.taken_at)}", 9)
    s.line(f"寄件人 {slip.sender_masked}", 10)
    s.line(f"{_id_type(slip.id_type)} {slip.id_masked}", 9)
    s.line(f"内件 {_category(slip.category)}", 10)
    s.rule()
    s.line("√ 实名收寄 已核验", 11)
    s.line(f"√ 收寄验视 已验视（{slip.inspected_by}）", 11)
    s.line(("√ " if slip.screened else "○ ") + _screening(slip), 11)
    s.rule()
    s.codes(slip.county_code, slip.waybill_no)
    s.footer(f"请保存本凭证 · {PRODUCT}")
    return s.pdf()
