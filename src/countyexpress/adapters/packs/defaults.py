"""Where a county's rule file comes from when none was stored with the county at load: its
built-in pack's (an install loaded before files were stored), else the Heshuo pack's, shown
with the note `HESHUO_DEFAULTS` so nobody takes them for the county's own."""

from __future__ import annotations

from pathlib import Path

from countyexpress.adapters.packs.reader import builtin_pack_path
from countyexpress.adapters.packs.vehicles import builtin_folder

__all__ = ["HESHUO_DEFAULTS", "defaults_file", "fallback_file"]

HESHUO_DEFAULTS = "defaults of the Heshuo pack"


def fallback_file(county_code: str, file: str) -> tuple[Path, str]:
    """The built-in file for a county with none stored, and the origin to show with it: the
    county's own built-in pack's file, else the Heshuo pack's marked `HESHUO_DEFAULTS`."""
    folder = builtin_folder(county_code)
    if folder is not None and (folder / file).is_file():
        return folder / file, f"{folder.name}/{file}"
    heshuo = builtin_pack_path("heshuo") or Path(".")
    return heshuo / file, f"{HESHUO_DEFAULTS} (heshuo/{file})"


def defaults_file(source: str, file: str) -> str:
    """`file` when `source` (a rule set's origin) says it is the Heshuo pack's defaults, else
    "": what a screen names in its note."""
    return file if source.startswith(HESHUO_DEFAULTS) else ""
