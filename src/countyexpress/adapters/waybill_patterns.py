"""Waybill-number patterns on disk: a TOML file of [[pattern]] entries → WaybillPattern."""

from __future__ import annotations

import functools
import re
import tomllib
from importlib import resources
from pathlib import Path
from typing import Any

from countyexpress.domain.waybills import WaybillPattern
from countyexpress.errors import InvalidValue, PackInvalid, PackProblem

__all__ = ["BUILTIN_PATTERNS", "builtin_patterns", "builtin_patterns_path", "load_waybill_patterns"]

BUILTIN_PATTERNS = "waybill_patterns.toml"
_KEYS = {"carrier", "regex", "prior", "note"}
_REQUIRED = ("carrier", "regex", "prior")
_HEADER = re.compile(r"^\s*\[\[\s*pattern\s*\]\]")


def builtin_patterns_path() -> Path:
    """The patterns file shipped in the package (countyexpress/packs)."""
    return Path(str(resources.files("countyexpress.packs").joinpath(BUILTIN_PATTERNS)))


@functools.cache
def builtin_patterns() -> tuple[WaybillPattern, ...]:
    """The shipped patterns, read once (the centre's scan checks a number against them)."""
    return tuple(load_waybill_patterns())


def load_waybill_patterns(path: Path | None = None) -> list[WaybillPattern]:
    """Read and check every pattern; raise PackInvalid naming the file and each bad entry."""
    path = path or builtin_patterns_path()
    name = path.name
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        problem = PackProblem(name, None, None, f"cannot be read: {exc.strerror}")
        raise PackInvalid([problem]) from exc
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise PackInvalid([PackProblem(name, None, None, f"not valid TOML: {exc}")]) from exc
    entries = data.get("pattern")
    if not isinstance(entries, list) or not entries:
        raise PackInvalid([PackProblem(name, None, "pattern", "no [[pattern]] entries")])
    lines = _header_lines(text)
    problems: list[PackProblem] = []
    patterns: list[WaybillPattern] = []
    for i, entry in enumerate(entries):
        line = lines[i] if i < len(lines) else None
        pattern = _pattern(entry, f"pattern {i + 1}", name, line, problems)
        if pattern is not None:
            patterns.append(pattern)
    if problems:
        raise PackInvalid(problems)
    return patterns


def _header_lines(text: str) -> list[int]:
    """The line number of each [[pattern]] header, in order."""
    return [n for n, raw in enumerate(text.splitlines(), start=1) if _HEADER.match(raw)]


def _pattern(
    entry: Any, where: str, name: str, line: int | None, problems: list[PackProblem]
) -> WaybillPattern | None:
    if not isinstance(entry, dict):
        problems.append(PackProblem(name, line, where, "is not a table"))
        return None
    if isinstance(entry.get("carrier"), str):
        where = f"{where} ({entry['carrier']})"
    found = len(problems)
    for key in sorted(set(entry) - _KEYS):
        problems.append(PackProblem(name, line, f"{where}.{key}", "unknown key"))
    for key in _REQUIRED:
        if key not in entry:
            problems.append(PackProblem(name, line, f"{where}.{key}", "missing"))
    for key in ("carrier", "regex", "note"):
        if key in entry and not isinstance(entry[key], str):
            problems.append(PackProblem(name, line, f"{where}.{key}", "must be a string"))
    prior = entry.get("prior")
    if "prior" in entry and (isinstance(prior, bool) or not isinstance(prior, int | float)):
        problems.append(PackProblem(name, line, f"{where}.prior", "must be a number"))
    if len(problems) > found:
        return None
    try:
        return WaybillPattern(
            carrier=entry["carrier"],
            regex=entry["regex"],
            prior=float(entry["prior"]),
            note=entry.get("note", ""),
        )
    except InvalidValue as exc:
        problems.append(PackProblem(name, line, f"{where}.{exc.field}", exc.reason))
        return None
