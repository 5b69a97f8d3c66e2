"""Green packaging (plan task 17; 邮件快件包装管理办法, GB 43352-2023): what a carrier's
monthly packaging report counts, the packaging facts of one parcel at intake, and the rules
(the plan's tape width, the prohibited bags, the national yearly targets) they are read by.

A report row counts one carrier's month at one outlet (or the carrier's whole county when
it names none): parcels, how many were sealed with slim tape (≤ the plan's width), carried
an electronic waybill, went out in their original package (not re-boxed), travelled in
reusable packaging or in a prohibited bag (non-degradable plastic, woven); transit bags and
how many of them are reusable; reusable boxes in use and cartons reused at the outlet.
Parcel facts recorded at intake aggregate into the same counts (`aggregate`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields, replace
from enum import StrEnum

from countyexpress.domain.periods import parse_month
from countyexpress.domain.plan import Target
from countyexpress.errors import InvalidValue, PackProblem

__all__ = [
    "COUNTS",
    "OPTIONAL_COLUMNS",
    "PROHIBITED_BAGS",
    "REQUIRED_COLUMNS",
    "BagType",
    "Counts",
    "Filler",
    "IntakeFact",
    "PackagingReport",
    "PackagingRules",
    "ParcelPackaging",
    "TakenIn",
    "aggregate",
    "from_intake",
    "read_report_rows",
]


class BagType(StrEnum):
    """What a parcel is packed in (a closed list; the last two are prohibited)."""

    ORIGINAL = "original"  # 原包装: the goods' own package, not re-boxed
    CARTON = "carton"  # 纸箱
    PAPER_BAG = "paper_bag"  # 纸袋
    REUSABLE = "reusable"  # 循环箱/循环袋
    DEGRADABLE_BAG = "degradable_bag"  # 可降解塑料袋
    NON_DEGRADABLE_BAG = "non_degradable_bag"  # 不可降解塑料袋 (prohibited)
    WOVEN_BAG = "woven_bag"  # 一次性塑料编织袋 (prohibited)


PROHIBITED_BAGS = frozenset({BagType.NON_DEGRADABLE_BAG, BagType.WOVEN_BAG})
"""The bags the plan (task 17) and 邮件快件包装管理办法 forbid."""


class Filler(StrEnum):
    """What fills the space around the goods."""

    NONE = "none"
    PAPER = "paper"
    AIR_CUSHION = "air_cushion"
    DEGRADABLE = "degradable"
    FOAM = "foam"
    OTHER = "other"


@dataclass(frozen=True)
class Counts:
    """A month's packaging counts (all whole numbers ≥ 0; the parcel shares ≤ parcels,
    reusable transit bags ≤ transit bags)."""

    parcels: int = 0
    slim_tape: int = 0  # sealed with tape ≤ the plan's width, or with no tape
    e_waybill: int = 0  # 电子运单
    not_reboxed: int = 0  # 原装直发: shipped in the original package
    reusable_packaging: int = 0  # in a reusable box or bag
    non_degradable_bags: int = 0  # in a prohibited bag (non-degradable plastic or woven)
    transit_bags: int = 0  # 中转袋 used
    reusable_transit_bags: int = 0  # 循环中转袋 among them
    reusable_boxes_in_use: int = 0  # 循环箱 in use at the month's end
    cartons_reused: int = 0  # 回收复用的纸箱

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise InvalidValue(f.name, f"{f.name} must be a whole number of 0 or more")
        for name in SHARES_OF_PARCELS:
            if getattr(self, name) > self.parcels:
                raise InvalidValue(name, f"{name} {getattr(self, name)} is more than the "
                                   f"{self.parcels} parcels")  # fmt: skip
        if self.reusable_transit_bags > self.transit_bags:
            raise InvalidValue("reusable_transit_bags", f"reusable_transit_bags "
                               f"{self.reusable_transit_bags} is more than the "
                               f"{self.transit_bags} transit_bags")  # fmt: skip

    def __add__(self, other: Counts) -> Counts:
        return Counts(**{f.name: getattr(self, f.name) + getattr(other, f.name)
                         for f in fields(self)})  # fmt: skip


COUNTS = tuple(f.name for f in fields(Counts))
SHARES_OF_PARCELS = ("slim_tape", "e_waybill", "not_reboxed", "reusable_packaging",
                     "non_degradable_bags")  # fmt: skip


@dataclass(frozen=True)
class PackagingReport:
    """One carrier's month at one outlet (`outlet` empty: the carrier's whole county)."""

    carrier: str
    month: str  # YYYY-MM
    counts: Counts
    outlet: str = ""
    source: str = "report"  # "report": a carrier's; "intake": added up from intake records

    def __post_init__(self) -> None:
        if not self.carrier.strip():
            raise InvalidValue("carrier", "a report names its carrier")
        year, month = parse_month(self.month)
        object.__setattr__(self, "month", f"{year:04d}-{month:02d}")

    @property
    def key(self) -> tuple[str, str, str]:
        """What a later report of the same carrier, outlet and month replaces."""
        return self.carrier, self.outlet, self.month

    @property
    def year(self) -> int:
        return int(self.month[:4])


@dataclass(frozen=True)
class ParcelPackaging:
    """One parcel's packaging as recorded at intake."""

    bag_type: BagType
    tape_width_mm: float | None = None  # None: no tape
    filler: Filler = Filler.NONE
    e_waybill: bool = True
    reboxed: bool = False

    def __post_init__(self) -> None:
        if self.tape_width_mm is not None and not 0 < self.tape_width_mm <= 200:
            raise InvalidValue("tape_width_mm", "the tape width must be above 0 and at most 200 mm")

    def slim_tape(self, max_width_mm: float) -> bool:
        """Sealed with no tape or with tape no wider than `max_width_mm`."""
        return self.tape_width_mm is None or self.tape_width_mm <= max_width_mm

    def prohibited(self) -> bool:
        return self.bag_type in PROHIBITED_BAGS


def aggregate(parcels: Iterable[ParcelPackaging], max_tape_mm: float) -> Counts:
    """The counts that the parcels' intake facts add up to (transit bags, boxes in use and
    cartons reused are not facts of a parcel: 0)."""
    n = slim = ewb = orig = reuse = bad = 0
    for p in parcels:
        n += 1
        slim += p.slim_tape(max_tape_mm)
        ewb += p.e_waybill
        orig += not p.reboxed
        reuse += p.bag_type is BagType.REUSABLE
        bad += p.prohibited()
    return Counts(parcels=n, slim_tape=slim, e_waybill=ewb, not_reboxed=orig,
                  reusable_packaging=reuse, non_degradable_bags=bad)  # fmt: skip


IntakeFact = tuple[str, str, str, ParcelPackaging]
"""A parcel's packaging as stored: carrier, outlet (the intake facility), month, the facts."""
TakenIn = tuple[str, str, str, dt.datetime, ParcelPackaging]
"""A parcel's packaging to store: waybill, carrier, facility, when taken in, the facts."""


def from_intake(
    facts: Iterable[IntakeFact],
    reports: Sequence[PackagingReport],
    max_tape_mm: float,
) -> list[PackagingReport]:
    """Reports added up from intake facts (carrier, outlet, month, packaging) for each
    carrier, outlet and month that no carrier's report covers: a report, where there is
    one, counts the same parcels and wins."""
    covered = {r.key for r in reports}
    groups: dict[tuple[str, str, str], list[ParcelPackaging]] = {}
    for carrier, outlet, month, p in facts:
        if (carrier, outlet, month) not in covered:
            groups.setdefault((carrier, outlet, month), []).append(p)
    return [PackagingReport(c, m, aggregate(ps, max_tape_mm), o, "intake")
            for (c, o, m), ps in sorted(groups.items())]  # fmt: skip


@dataclass(frozen=True)
class PackagingRules:
    """A county's packaging rules: the plan's tape width (pack county.toml), the prohibited
    bags and the yearly targets (pack packaging.toml) with their quality and source."""

    tape_width_max_mm: float = 45
    prohibited: frozenset[BagType] = PROHIBITED_BAGS
    targets: tuple[Target, ...] = ()
    no_target: Mapping[str, str] = field(default_factory=dict)
    """Why an indicator has no target (a national figure that no county can be held to)."""
    source: str = ""

    def __post_init__(self) -> None:
        if not 0 < self.tape_width_max_mm <= 200:
            raise InvalidValue("tape_width_max_mm", "must be above 0 and at most 200")

    def with_tape(self, width: float) -> PackagingRules:
        return replace(self, tape_width_max_mm=width)


REQUIRED_COLUMNS = ("carrier", "month", "parcels")
OPTIONAL_COLUMNS = ("outlet", *(c for c in COUNTS if c != "parcels"))


def _count(row: Mapping[str, str], name: str) -> int:
    raw = (row.get(name) or "").strip().replace(",", "")
    if not raw:
        if name in REQUIRED_COLUMNS:
            raise InvalidValue(name, f"{name} is empty")
        return 0
    try:
        value = float(raw)
    except ValueError:
        raise InvalidValue(name, f"{name} {raw[:20]!r} is not a number") from None
    if not value.is_integer() or value < 0:
        raise InvalidValue(name, f"{name} {raw[:20]} is not a whole number of 0 or more")
    return int(value)


def read_report_rows(
    rows: Sequence[tuple[int, Mapping[str, str]]], file_name: str
) -> tuple[list[tuple[int, PackagingReport]], list[PackProblem]]:
    """Reports from a file's rows (line, cells by column) with their lines, every problem
    located by file, line and field; the same carrier, outlet and month twice is refused."""
    reports: list[tuple[int, PackagingReport]] = []
    problems: list[PackProblem] = []
    seen: dict[tuple[str, str, str], int] = {}
    for line, row in rows:
        try:
            counts: dict[str, int] = {}
            for name in COUNTS:
                counts[name] = _count(row, name)
            month = (row.get("month") or "").strip()[:7]
            if not month:
                raise InvalidValue("month", "month is empty")
            report = PackagingReport(
                carrier=(row.get("carrier") or "").strip().lower(),
                month=month,
                counts=Counts(**counts),
                outlet=(row.get("outlet") or "").strip(),
            )
        except InvalidValue as exc:
            problems.append(PackProblem(file_name, line, exc.field, exc.reason))
            continue
        if report.key in seen:
            problems.append(PackProblem(file_name, line, "month", f"{report.carrier} "
                            f"{report.outlet or '(county)'} {report.month} is reported twice "
                            f"(line {seen[report.key]})"))  # fmt: skip
            continue
        seen[report.key] = line
        reports.append((line, report))
    return reports, problems


def month_of(day: dt.date) -> str:
    """The YYYY-MM of a county day."""
    return f"{day.year:04d}-{day.month:02d}"
