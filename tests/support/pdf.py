"""The text a PDF shows, for tests that read the platform's PDFs (route sheets, the
assessment report, station prints)."""

from __future__ import annotations

import base64
import contextlib
import io
import re
import zlib

__all__ = ["pdf_text"]


_PDF_ESCAPE = re.compile(rb"\\([0-7]{1,3}|.)", re.S)


def _unescape(m: re.Match[bytes]) -> bytes:
    code = m.group(1)
    if code[:1].isdigit():
        return bytes([int(code, 8) & 0xFF])
    return {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f"}.get(code, code)


def pdf_text(data: bytes) -> str:
    """The text a PDF shows: pypdf when installed, else the strings of its content streams
    (ASCII85 and Flate undone), hex strings of the CID font read as UTF-16 (reportlab's
    UniGB-UCS2-H)."""
    try:
        from pypdf import PdfReader
    except ImportError:
        pass
    else:
        return "\n".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(data)).pages)
    out: list[str] = []
    for m in re.finditer(rb"stream\r?\n(.*?)\s*endstream", data, re.S):
        raw = m.group(1).strip()
        if raw.endswith(b"~>"):  # /ASCII85Decode
            raw = base64.a85decode(raw.removeprefix(b"<~").removesuffix(b"~>"))
        with contextlib.suppress(zlib.error):
            raw = zlib.decompress(raw)
        for s in re.finditer(rb"\(((?:\\.|[^\\)])*)\)|<([0-9A-Fa-f\s]+)>", raw):
            if s.group(1) is not None:
                shown = _PDF_ESCAPE.sub(_unescape, s.group(1))
            else:
                shown = bytes.fromhex(s.group(2).decode().replace(" ", ""))
            # the same bytes as one-byte text (Helvetica) and as UTF-16 (the CID font)
            out.append(shown.decode("latin-1") + " " + shown.decode("utf-16-be", "replace"))
        out.append("\n")
    return "".join(out)
