"""A county pack's optional road distance matrix: `road_distances.csv` (from_code,to_code,km).

Codes are those of divisions (12 digits) and facilities; one row serves both directions
unless the reverse is given too. Problems are located by file, line and field, as in the
rest of the pack.
"""

from __future__ import annotations

from pathlib import Path

from countyexpress.adapters.packs.rows import read_table
from countyexpress.domain.coverage import RoadDistances
from countyexpress.errors import PackInvalid, PackProblem

ROADS_FILE = "road_distances.csv"
ROAD_COLUMNS = ("from_code", "to_code", "km")


def read_road_distances(path: Path, known: set[str] | None = None) -> RoadDistances:
    """The road distances in a CSV or XLSX file; with `known`, unknown codes are problems."""
    if not path.is_file():
        raise PackInvalid([PackProblem(path.name, None, None, "not a file")])
    problems: list[PackProblem] = []
    km: dict[tuple[str, str], float] = {}
    first: dict[tuple[str, str], int] = {}
    for row in read_table(path, ROAD_COLUMNS, problems):
        a, b = row.text("from_code", required=True), row.text("to_code", required=True)
        value = row.number("km")
        if value is None and not row.problems:
            row.problem("km", "km is empty")
        elif value is not None and not (0 <= value < float("inf")):
            row.problem("km", f"km {value} must be 0 or more")
        if a and a == b:
            row.problem("to_code", "a road distance joins two different places")
        for name, code in (("from_code", a), ("to_code", b)):
            if code and known is not None and code not in known:
                row.problem(name, f"unknown division or facility {code!r}")
        key = (a, b)
        if key in first:
            row.problem("to_code", f"duplicate pair {a}–{b} (first on line {first[key]})")
        first.setdefault(key, row.line)
        problems.extend(row.problems)
        if not row.problems and value is not None:
            km[key] = value
    if problems:
        raise PackInvalid(problems)
    return RoadDistances(km)


def pack_road_distances(pack: Path, known: set[str] | None = None) -> RoadDistances | None:
    """The pack folder's road matrix, or None when it has none."""
    for name in (ROADS_FILE, ROADS_FILE.replace(".csv", ".xlsx")):
        if (pack / name).is_file():
            return read_road_distances(pack / name, known)
    return None


def road_distances_at(path: Path, known: set[str] | None = None) -> RoadDistances | None:
    """A road matrix given as a file, or as a pack folder that may hold one."""
    return pack_road_distances(path, known) if path.is_dir() else read_road_distances(path, known)
