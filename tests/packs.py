"""Helpers to make county packs for tests: the Heshuo pack copied, then edited."""

from __future__ import annotations

import shutil
from pathlib import Path

from countyexpress.adapters.packs import builtin_pack_path

FIXTURES = Path(__file__).parent / "fixtures" / "packs"


def copy_pack(name: str, dest: Path) -> Path:
    """A copy of a built-in pack (`heshuo`) or a fixture pack, to edit freely."""
    src = builtin_pack_path(name) or FIXTURES / name
    target = dest / name
    shutil.copytree(src, target)
    return target


def edit_line(path: Path, line: int, column: str, value: str) -> None:
    """Set one cell of a CSV file; `line` counts the header as line 1."""
    lines = path.read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    cells = lines[line - 1].split(",")
    cells[header.index(column)] = value
    lines[line - 1] = ",".join(cells)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
