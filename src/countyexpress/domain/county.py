"""The county aggregate: one county's divisions, facilities, carriers and plan."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from countyexpress.domain.facilities import Carrier, Facility, FacilityKind
from countyexpress.domain.geography import (
    Coordinates,
    DataQuality,
    Division,
    DivisionLevel,
    RowProblem,
    county_code6,
)
from countyexpress.domain.operations import OperatingRules
from countyexpress.domain.plan import CountyPlan
from countyexpress.errors import InvalidValue


@dataclass(frozen=True)
class Source:
    """Where some of a county's data comes from, and under which licence; `name` as the
    pack writes it first (Chinese), `name_en` its English."""

    name: str
    licence: str = ""
    url: str = ""
    covers: str = ""
    name_en: str = ""


@dataclass(frozen=True)
class CountySummary:
    """Counts a regulator reads first."""

    code: str
    name: str
    townships: int
    villages: int
    communities: int
    facilities: dict[str, int]
    divisions_by_quality: dict[str, int]
    population: int | None


@dataclass(eq=False)
class County:
    """A county and everything its pack says about it; compared by identity."""

    code: str
    name: str
    name_en: str = ""
    province: str = ""
    prefecture: str = ""
    population: int | None = None
    population_source: str = ""
    seat: Coordinates | None = None
    sources: tuple[Source, ...] = ()
    plan: CountyPlan = field(default_factory=CountyPlan)
    operations: OperatingRules = field(default_factory=OperatingRules)
    divisions: list[Division] = field(default_factory=list)
    facilities: list[Facility] = field(default_factory=list)
    carriers: list[Carrier] = field(default_factory=list)
    population_source_en: str = ""
    """`population_source` (in the county's language, Chinese) in English."""

    def __post_init__(self) -> None:
        self.code = county_code6(self.code)
        if not self.name.strip():
            raise InvalidValue("name", "county name is empty")
        if self.population is not None and self.population < 0:
            raise InvalidValue("population", f"population {self.population} is negative")

    def divisions_at(self, level: DivisionLevel) -> list[Division]:
        """The divisions of one level, in pack order."""
        return [d for d in self.divisions if d.level is level]

    def division(self, code: str) -> Division | None:
        """The division with this code, if any."""
        return next((d for d in self.divisions if d.code == code), None)

    def facilities_of(self, kind: FacilityKind) -> list[Facility]:
        """The facilities of one kind, in pack order."""
        return [f for f in self.facilities if f.kind is kind]

    def children(self, township_code: str) -> list[Division]:
        """The villages and communities of a township."""
        return [d for d in self.divisions if d.parent_code == township_code]

    def has_placeholders(self) -> bool:
        """Whether any division is a placeholder that real data should replace."""
        return any(
            d.quality is DataQuality.PLACEHOLDER or d.coord_quality is DataQuality.PLACEHOLDER
            for d in self.divisions
        )

    def summary(self) -> CountySummary:
        """How many townships, villages, communities and facilities the county has."""
        levels = Counter(d.level for d in self.divisions)
        return CountySummary(
            code=self.code,
            name=self.name,
            townships=levels[DivisionLevel.TOWNSHIP],
            villages=levels[DivisionLevel.VILLAGE],
            communities=levels[DivisionLevel.COMMUNITY],
            facilities=dict(sorted(Counter(f.kind.value for f in self.facilities).items())),
            divisions_by_quality=dict(
                sorted(Counter(d.quality.value for d in self.divisions).items())
            ),
            population=self.population,
        )


def check_facilities(
    facilities: list[Facility], division_codes: set[str], carrier_codes: set[str] | None = None
) -> list[RowProblem]:
    """Check a county's facilities as a whole: unique codes, known divisions and carriers."""
    problems: list[RowProblem] = []
    first_seen: dict[str, int] = {}
    for i, f in enumerate(facilities):
        if f.code in first_seen:
            problems.append(RowProblem(i, "code", f"duplicate code {f.code}", first_seen[f.code]))
        else:
            first_seen[f.code] = i
        if f.division_code and f.division_code not in division_codes:
            problems.append(RowProblem(i, "division_code", f"unknown division {f.division_code!r}"))
        if carrier_codes is not None:
            for c in f.carriers:
                if c not in carrier_codes:
                    problems.append(RowProblem(i, "carriers", f"unknown carrier {c!r}"))
    return problems
