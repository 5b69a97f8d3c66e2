"""Drawing helpers shared by the platform's PDFs (route sheets, station prints, the
assessment report): mixed Chinese and Latin text and QR codes drawn as vectors.

Chinese is set in reportlab's built-in CID font STSong-Light (Adobe's Song, not embedded:
a PDF viewer supplies it or a substitute), so nothing is downloaded or vendored; codes and
figures are set in Helvetica."""

from __future__ import annotations

import re

import segno
from reportlab.lib.colors import black  # type: ignore[import-untyped]
from reportlab.pdfbase import pdfmetrics  # type: ignore[import-untyped]
from reportlab.pdfbase.cidfonts import UnicodeCIDFont  # type: ignore[import-untyped]
from reportlab.pdfgen.canvas import Canvas  # type: ignore[import-untyped]

__all__ = ["CJK", "LATIN", "fit", "qr", "register_fonts", "text", "width"]

CJK = "STSong-Light"
LATIN = "Helvetica"


def register_fonts() -> None:
    """Register the CID font once per process."""
    if CJK not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(CJK))


def _runs(words: str) -> list[tuple[str, str]]:
    """The text cut into (font, part): Latin-1 in Helvetica (its WinAnsi encoding has the
    middle dot of "number · plate · kind", which the CID font lacks), the rest in the CJK
    font."""
    return [(LATIN if part[0] <= "\xff" else CJK, part)
            for part in re.findall(r"[\x20-\xff]+|[^\x20-\xff]+", words)]  # fmt: skip


def width(words: str, size: float) -> float:
    """How wide `words` are set at `size` points."""
    return sum(float(pdfmetrics.stringWidth(part, font, size)) for font, part in _runs(words))


def text(c: Canvas, x: float, y: float, words: str, size: float) -> None:
    """Draw mixed Chinese and Latin text from (x, y), each run in its font."""
    for font, part in _runs(words):
        c.setFont(font, size)
        c.drawString(x, y, part)
        x += pdfmetrics.stringWidth(part, font, size)


def fit(words: str, size: float, room: float) -> str:
    """`words`, cut with "…" to fit `room` points at `size`."""
    if width(words, size) <= room:
        return words
    while words and width(words + "…", size) > room:
        words = words[:-1]
    return words + "…"


def qr(c: Canvas, payload: str, x: float, y: float, size: float) -> None:
    """The payload's QR code as filled squares (no image needed), quiet zone included, its
    lower left corner at (x, y)."""
    code = segno.make(payload, error="m", micro=False)
    rows = list(code.matrix_iter(scale=1, border=2))
    cell = size / len(rows)
    c.setFillColor(black)
    for i, line in enumerate(rows):
        for j, dark in enumerate(line):
            if dark:
                c.rect(x + j * cell, y + size - (i + 1) * cell, cell, cell, stroke=0, fill=1)
