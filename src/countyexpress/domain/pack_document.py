"""One rule file of a county's pack as stored with the county at load (`pack_documents`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

__all__ = ["PackDocument"]


@dataclass(frozen=True)
class PackDocument:
    """A rule file as loaded: `name` (health, packaging, emergency, policy), the TOML parsed
    (what its reader checks again when the rules are used) and the file's text (what
    `county export` writes back)."""

    name: str
    content: dict[str, Any]
    source: str
