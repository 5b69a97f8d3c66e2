"""Geography of a county: divisions, their codes, coordinates and data quality."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from enum import StrEnum

from countyexpress.errors import N_, InvalidValue, said

EARTH_RADIUS_KM = 6371.0088
"""Mean Earth radius (IUGG) used for every great-circle distance."""

_DIGITS = re.compile(r"\d+")


class DivisionLevel(StrEnum):
    """The level of a division below the county."""

    TOWNSHIP = "township"  # 乡镇 (towns 镇 and townships 乡)
    VILLAGE = "village"  # 建制村 administrative village
    COMMUNITY = "community"  # 社区 urban community


class DataQuality(StrEnum):
    """How sure a piece of data is; shown wherever the data is shown."""

    VERIFIED = "verified"
    ESTIMATE = "estimate"
    PLACEHOLDER = "placeholder"
    DEMO = "demo"  # demonstration data, not a real thing


def county_code6(code: str) -> str:
    """The six-digit form of a county code given as 6 digits or 12 digits ending in zeros."""
    code = code.strip()
    if not _DIGITS.fullmatch(code) or len(code) not in (6, 12):
        raise InvalidValue("code", f"county code {code!r} must be 6 or 12 digits")
    if len(code) == 12 and code[6:] != "000000":
        raise InvalidValue("code", f"12-digit county code {code!r} must end in 000000")
    if code[4:6] == "00":
        raise InvalidValue("code", f"{code!r} is a prefecture or province code, not a county")
    return code[:6]


SYNTHETIC_FIRST_PREFECTURE = "9900"
"""The synthetic counties of `region synth` (province 99, which does not exist) start at
990001: their first hundred make up the "prefecture" 9900, the one 00 a binding may end in."""


def prefecture_code(code: str) -> str:
    """A checked 4-digit prefecture code (州/地区, e.g. 6528 Bayingolin): its counties'
    codes start with it."""
    code = code.strip()
    synthetic = code == SYNTHETIC_FIRST_PREFECTURE
    if not _DIGITS.fullmatch(code) or len(code) != 4 or (code[2:] == "00" and not synthetic):
        raise said(
            InvalidValue,
            N_("A prefecture's code is 4 digits not ending in 00 (e.g. 6528), not %(code)s."),
            "code",
            code=code,
        )
    return code


def division_code(code: str) -> str:
    """A checked 12-digit statistical division code (统计用区划代码)."""
    code = code.strip()
    if not _DIGITS.fullmatch(code) or len(code) != 12:
        raise InvalidValue("code", f"division code {code!r} must be 12 digits")
    return code


@dataclass(frozen=True)
class Coordinates:
    """A WGS-84 point in decimal degrees."""

    lat: float
    lon: float

    def __post_init__(self) -> None:
        if not (math.isfinite(self.lat) and -90.0 <= self.lat <= 90.0):
            raise InvalidValue("lat", f"lat {self.lat} is outside -90..90")
        if not (math.isfinite(self.lon) and -180.0 <= self.lon <= 180.0):
            raise InvalidValue("lon", f"lon {self.lon} is outside -180..180")

    def distance_km(self, other: Coordinates) -> float:
        """Great-circle (haversine) distance in kilometres."""
        p1, p2 = math.radians(self.lat), math.radians(other.lat)
        dp = p2 - p1
        dl = math.radians(other.lon - self.lon)
        h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
        return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


@dataclass(frozen=True)
class Division:
    """A township, administrative village or community with its statistical code."""

    code: str
    name: str
    level: DivisionLevel
    parent_code: str
    population: int | None = None
    location: Coordinates | None = None
    quality: DataQuality = DataQuality.VERIFIED
    coord_quality: DataQuality = DataQuality.VERIFIED
    note: str = ""

    def __post_init__(self) -> None:
        division_code(self.code)
        if not self.name.strip():
            raise InvalidValue("name", "name is empty")
        if self.population is not None and self.population < 0:
            raise InvalidValue("population", f"population {self.population} is negative")
        if self.code == self.parent_code:
            raise InvalidValue("parent_code", "a division cannot be its own parent")

    @property
    def is_placeholder(self) -> bool:
        """Whether the division's name or code is only a placeholder."""
        return self.quality is DataQuality.PLACEHOLDER


@dataclass(frozen=True)
class RowProblem:
    """A rule broken by one row of a set (a division, a facility), found by a check."""

    index: int
    field: str
    reason: str
    first_index: int | None = None  # for a duplicate: the row it repeats


def check_divisions(county_code: str, divisions: list[Division]) -> list[RowProblem]:
    """Check a county's divisions as a whole: codes, parents and population sums."""
    county6 = county_code6(county_code)
    county_forms = {county6, county6 + "000000", ""}
    problems: list[RowProblem] = []
    first_seen: dict[str, int] = {}
    for i, d in enumerate(divisions):
        if not d.code.startswith(county6):
            problems.append(RowProblem(i, "code", f"code {d.code} is not in county {county6}"))
        if d.code in first_seen:
            problems.append(RowProblem(i, "code", f"duplicate code {d.code}", first_seen[d.code]))
        else:
            first_seen[d.code] = i
    townships = {d.code: d for d in divisions if d.level is DivisionLevel.TOWNSHIP}
    children_population: dict[str, int] = {}
    for i, d in enumerate(divisions):
        if d.level is DivisionLevel.TOWNSHIP:
            if d.parent_code not in county_forms:
                problems.append(
                    RowProblem(
                        i, "parent_code", f"a township's parent must be the county {county6}"
                    )
                )
        elif d.parent_code not in townships:
            problems.append(
                RowProblem(i, "parent_code", f"unknown parent township {d.parent_code!r}")
            )
        elif d.population is not None:
            children_population[d.parent_code] = (
                children_population.get(d.parent_code, 0) + d.population
            )
    for i, d in enumerate(divisions):
        total = children_population.get(d.code)
        if (
            d.level is DivisionLevel.TOWNSHIP
            and d.population is not None
            and total is not None
            and total > d.population
        ):
            problems.append(
                RowProblem(
                    i,
                    "population",
                    f"villages and communities add up to {total}, "
                    f"more than the township's {d.population}",
                )
            )
    return sorted(problems, key=lambda p: p.index)
