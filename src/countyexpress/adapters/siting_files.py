"""Siting input files: demand points (id,lat,lon,weight) and candidates (id,lat,lon[,existing])."""

from __future__ import annotations

from pathlib import Path
from typing import TypeVar

from countyexpress.adapters.packs.rows import Row, read_table
from countyexpress.domain.geography import Coordinates
from countyexpress.errors import InvalidValue, PackProblem
from countyexpress.planning.siting import CandidateSite, DemandPoint

__all__ = ["SitingFileInvalid", "read_candidates", "read_demand"]

T = TypeVar("T")


class SitingFileInvalid(InvalidValue):
    """A siting file was refused; `problems` lists every problem, by file, line and field."""

    def __init__(self, problems: list[PackProblem]) -> None:
        self.problems = problems
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        first = problems[0]
        where = f"{first.file} line {first.line}" if first.line is not None else first.file
        super().__init__(
            f"{where}: {first.field}" if first.field else where, f"{first.reason}{more}"
        )


def read_demand(path: Path) -> tuple[DemandPoint, ...]:
    """Demand points from a CSV or XLSX file with columns id, lat, lon, weight."""
    problems: list[PackProblem] = []
    out: list[DemandPoint] = []
    seen: dict[str, int] = {}
    for row in read_table(path, ("id", "lat", "lon", "weight"), problems):
        pid = row.text("id", required=True)
        where = _location(row)
        weight = row.number("weight")
        if weight is None and not row.problems:
            row.problem("weight", "weight is empty")
        elif weight is not None and not weight >= 0:
            row.problem("weight", f"weight {weight} must be 0 or more")
        _once(row, pid, seen)
        problems.extend(row.problems)
        if not row.problems and where is not None and weight is not None:
            out.append(DemandPoint(pid, weight, where))
    return _done(path, out, problems)


def read_candidates(path: Path) -> tuple[CandidateSite, ...]:
    """Candidate sites from a CSV or XLSX file with columns id, lat, lon and optional existing."""
    problems: list[PackProblem] = []
    out: list[CandidateSite] = []
    seen: dict[str, int] = {}
    for row in read_table(path, ("id", "lat", "lon"), problems):
        sid = row.text("id", required=True)
        where = _location(row)
        existing = row.boolean("existing")
        _once(row, sid, seen)
        problems.extend(row.problems)
        if not row.problems and where is not None:
            out.append(CandidateSite(sid, where, existing))
    return _done(path, out, problems)


def _location(row: Row) -> Coordinates | None:
    lat, lon = row.number("lat"), row.number("lon")
    for name, value in (("lat", lat), ("lon", lon)):
        if value is None and not any(p.field == name for p in row.problems):
            row.problem(name, f"{name} is empty")
    if lat is None or lon is None:
        return None
    try:
        return Coordinates(lat, lon)
    except InvalidValue as exc:
        row.problem(exc.field, exc.reason)
        return None


def _once(row: Row, key: str, seen: dict[str, int]) -> None:
    if not key:
        return
    if key in seen:
        row.problem("id", f"duplicate id {key} (first on line {seen[key]})")
    else:
        seen[key] = row.line


def _done(path: Path, items: list[T], problems: list[PackProblem]) -> tuple[T, ...]:
    if not items and not problems:
        problems.append(PackProblem(path.name, None, None, "the file has no rows"))
    if problems:
        raise SitingFileInvalid(problems)
    return tuple(items)
