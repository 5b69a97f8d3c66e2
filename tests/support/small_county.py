"""A small named county for the indicator and coverage tests: 2 communities and 3 villages."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from countyexpress.domain.county import County
from countyexpress.domain.facilities import (
    Facility,
    FacilityKind,
    FacilityStatus,
    FiveHaves,
    LockerCompartments,
    OutletFiling,
)
from countyexpress.domain.geography import Coordinates, DataQuality, Division, DivisionLevel
from countyexpress.domain.plan import CountyPlan, PlanTask, Standards, StandardValue, Target, Unit

TOWNSHIP = "990101100000"
C1, C2 = "990101100001", "990101100002"  # communities of 12,000 and 2,500 residents
V1, V2, V3 = "990101100201", "990101100202", "990101100203"  # villages; V3 a placeholder
VILLAGES = (V1, V2, V3)

AT = {
    TOWNSHIP: Coordinates(0.0, 0.0),
    C1: Coordinates(0.0, 0.0),
    C2: Coordinates(0.0, 0.01),
    V1: Coordinates(0.0, 0.1),
    V2: Coordinates(0.0, 0.2),
    V3: Coordinates(0.0, 0.3),
}
"""On the equator, 0.01° of longitude ≈ 1.112 km."""

ALL_HAVES = FiveHaves(True, True, True, True, True)
FILED = OutletFiling("BA-1", None, None, True, True, True, True, True)


def outlet(
    code: str, division: str = C1, status: FacilityStatus = FacilityStatus.OPEN, filed: bool = True
) -> Facility:
    """An outlet in `division`, filed completely unless `filed` is False."""
    filing = FILED if filed else OutletFiling(has_storage=True)
    return Facility(code, code, FacilityKind.OUTLET, AT[division], division, status=status,
                    filing=filing)  # fmt: skip


def station(
    code: str,
    village: str = V1,
    status: FacilityStatus = FacilityStatus.OPEN,
    haves: FiveHaves = ALL_HAVES,
) -> Facility:
    """A village station with all five haves unless told otherwise."""
    return Facility(code, code, FacilityKind.STATION, AT[village], village, status=status,
                    five_haves=haves)  # fmt: skip


def locker(code: str, division: str = C1, status: FacilityStatus = FacilityStatus.OPEN) -> Facility:
    """A locker bank of 10 small compartments."""
    return Facility(code, code, FacilityKind.LOCKER, AT[division], division, status=status,
                    compartments=LockerCompartments(small=10))  # fmt: skip


def small_county(
    facilities: Iterable[Facility] = (),
    targets: Iterable[Target] = (),
    *,
    populations: tuple[int | None, int | None] = (12_000, 2_500),
    standards: Mapping[str, StandardValue] | None = None,
    five_haves: tuple[str, ...] = ("staff", "premises", "shelves", "device", "sign"),
) -> County:
    """A county of 2 communities (12,000 and 2,500 residents) and 3 villages (one a placeholder)."""
    p1, p2 = populations
    divisions = [
        Division(TOWNSHIP, "一号镇", DivisionLevel.TOWNSHIP, "990101", location=AT[TOWNSHIP]),
        Division(C1, "一号社区", DivisionLevel.COMMUNITY, TOWNSHIP, p1, AT[C1]),
        Division(C2, "二号社区", DivisionLevel.COMMUNITY, TOWNSHIP, p2, AT[C2]),
        Division(V1, "一号村", DivisionLevel.VILLAGE, TOWNSHIP, 800, AT[V1]),
        Division(V2, "二号村", DivisionLevel.VILLAGE, TOWNSHIP, 600, AT[V2]),
        Division(V3, "未知村", DivisionLevel.VILLAGE, TOWNSHIP, 400, AT[V3],
                 quality=DataQuality.PLACEHOLDER, coord_quality=DataQuality.PLACEHOLDER),
    ]  # fmt: skip
    plan = CountyPlan(
        title="测试方案",
        units=(Unit("commerce", "县商工局"), Unit("post", "邮政公司"), Unit("drc", "县发改委")),
        tasks=tuple(
            PlanTask(n, f"任务{n}", lead=("commerce",), cooperating=("post", "drc"))
            for n in (2, 3, 4, 5)
        ),
        targets=tuple(targets),
        standards=Standards(five_haves=five_haves, extra=dict(standards or {})),
    )
    return County("990101", "测试县", plan=plan, divisions=divisions, facilities=list(facilities))
