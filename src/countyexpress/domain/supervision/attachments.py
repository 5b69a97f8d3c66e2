"""Files attached to supervision records: photos of an outlet's premises (storage area,
shelves, CCTV, brand sign), an inspector's evidence, a complaint's documents.

The type is read from the bytes, never taken from the name or the sender's header, and only
photos (JPEG, PNG, WebP) and PDF are kept, up to `MAX_BYTES` each. Names are cleaned of
paths and control characters.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import unicodedata
from dataclasses import dataclass

from countyexpress.errors import InvalidValue

__all__ = ["MAX_BYTES", "MAX_PER_RECORD", "Attachment", "Upload", "check_upload", "sniff"]

MAX_BYTES = 5 * 1024 * 1024
"""A phone photo fits; a video does not belong here."""
MAX_PER_RECORD = 20

_SIGNATURES = (
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"%PDF-", "application/pdf"),
)


def sniff(data: bytes) -> str | None:
    """The content type the bytes are, among the kept ones; None for anything else."""
    for magic, kind in _SIGNATURES:
        if data.startswith(magic):
            return kind
    if len(data) >= 12 and data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return None


@dataclass(frozen=True)
class Attachment:
    """A stored attachment's description (its content is read apart); `purged` once the
    retention has cleared it."""

    id: int
    record_id: int
    name: str
    content_type: str
    size: int
    sha256: str
    added_at: dt.datetime
    added_by: str
    purged: bool


@dataclass(frozen=True)
class Upload:
    """A checked file: clean name, sniffed type, size and SHA-256 of its bytes."""

    name: str
    content_type: str
    size: int
    sha256: str


def _clean_name(name: str) -> str:
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    kept = "".join(ch for ch in base if unicodedata.category(ch)[0] != "C").strip(" .")
    return kept[:120] or "file"


def check_upload(name: str, data: bytes) -> Upload:
    """The upload as kept; InvalidValue says why a file is refused."""
    if not data:
        raise InvalidValue("file", "the file is empty")
    if len(data) > MAX_BYTES:
        raise InvalidValue("file", f"the file is larger than {MAX_BYTES // (1024 * 1024)} MB")
    kind = sniff(data)
    if kind is None:
        raise InvalidValue("file", "only photos (JPEG, PNG, WebP) and PDF files are kept")
    return Upload(_clean_name(name), kind, len(data), hashlib.sha256(data).hexdigest())
