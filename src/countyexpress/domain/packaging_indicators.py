"""Green packaging indicators of the plan (task 17, led by the county commerce bureau 商工局):
slim-tape, not-re-boxed, e-waybill, reusable transit bag and prohibited bag shares, reusable
boxes in use and cartons reused, for a year, with parts by carrier, outlet and month.

They read one input, `packaging` — a `PackagingSnapshot` of the year's reports and the
county's packaging rules — and say `no_data` without reports for the year. Targets are the
national yearly targets of the pack's `packaging.toml` (the latest year up to the one asked);
the pack's own plan targets come first where it sets any.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from countyexpress.domain.county import County
from countyexpress.domain.indicators import (
    Direction,
    Indicator,
    Inputs,
    Measurement,
    Part,
    register,
    select_target,
    status_of,
)
from countyexpress.domain.packaging import Counts, PackagingReport, PackagingRules
from countyexpress.errors import N_, Said

__all__ = ["INPUT", "PACKAGING_INDICATORS", "PackagingSnapshot", "breakdown", "ratio"]

INPUT = "packaging"
LEVELS = ("carrier", "outlet", "month")


@dataclass(frozen=True)
class PackagingSnapshot:
    """The county's packaging reports of `year` and its packaging rules."""

    year: int
    reports: Sequence[PackagingReport]
    rules: PackagingRules


# name -> (numerator, denominator) of a share; None denominator: a count
_SHARES: dict[str, tuple[str, str]] = {
    "slim_tape_share": ("slim_tape", "parcels"),
    "not_reboxed_share": ("not_reboxed", "parcels"),
    "e_waybill_share": ("e_waybill", "parcels"),
    "reusable_transit_bag_share": ("reusable_transit_bags", "transit_bags"),
    "prohibited_bag_share": ("non_degradable_bags", "parcels"),
}
_NONE_REPORTED = {  # a share's denominator -> why it has no value
    "parcels": N_("no parcels reported for %(year)s"),
    "transit_bags": N_("no transit bags reported for %(year)s"),
}


def ratio(name: str, counts: Counts) -> float | None:
    """An indicator's value from summed counts (None: nothing to divide by)."""
    if name in _SHARES:
        top, bottom = _SHARES[name]
        under = getattr(counts, bottom)
        return getattr(counts, top) / under if under else None
    return float(getattr(counts, name))


def _boxes_in_use(reports: Sequence[PackagingReport]) -> int:
    """Reusable boxes in use: each carrier and outlet's latest month of the year, summed."""
    latest: dict[tuple[str, str], PackagingReport] = {}
    for r in reports:
        key = (r.carrier, r.outlet)
        if key not in latest or r.month > latest[key].month:
            latest[key] = r
    return sum(r.counts.reusable_boxes_in_use for r in latest.values())


def _value(name: str, reports: Sequence[PackagingReport]) -> float | None:
    if name == "reusable_boxes_in_use":
        return float(_boxes_in_use(reports))
    return ratio(name, sum((r.counts for r in reports), Counts()))


def breakdown(
    name: str, reports: Sequence[PackagingReport], level: str
) -> dict[str, tuple[float | None, Counts]]:
    """The indicator's value for each carrier, outlet or month, with its summed counts."""
    groups: dict[str, list[PackagingReport]] = {}
    for r in reports:
        key = {"carrier": r.carrier, "outlet": r.outlet or "-", "month": r.month}[level]
        groups.setdefault(key, []).append(r)
    return {key: (_value(name, rs), sum((r.counts for r in rs), Counts()))
            for key, rs in sorted(groups.items())}  # fmt: skip


def _measure(
    name: str, direction: Direction, implied: float | None = None
) -> Callable[[County, Inputs], Measurement]:
    def compute(_: County, inputs: Inputs) -> Measurement:
        snap = inputs[INPUT]
        assert isinstance(snap, PackagingSnapshot)
        target = select_target(
            [t for t in snap.rules.targets if t.year <= snap.year], name, snap.year
        )
        if not snap.reports:
            no_reports = Said(N_("no packaging reports for %(year)s"), year=snap.year)
            return Measurement(None, note=no_reports, target=target)
        required = target.value if target is not None else implied
        parts = []
        for level in LEVELS:
            for key, (value, counts) in breakdown(name, snap.reports, level).items():
                shown = {"parcels": counts.parcels}
                if name in _SHARES:
                    top, bottom = _SHARES[name]
                    shown = {top: getattr(counts, top), bottom: getattr(counts, bottom)}
                parts.append(Part(key, key, level, value, required,
                                  status_of(value, required, direction), shown))  # fmt: skip
        total = sum((r.counts for r in snap.reports), Counts())
        value = _value(name, snap.reports)
        detail: dict[str, str | int | float | bool | None] = {
            "reports": len(snap.reports),
            "months": len({r.month for r in snap.reports}),
            "parcels": total.parcels,
        }
        if name in _SHARES:
            top, bottom = _SHARES[name]
            detail |= {top: getattr(total, top), bottom: getattr(total, bottom)}
        note = snap.rules.no_target.get(name, "") if target is None else ""
        if value is None:
            note = Said(_NONE_REPORTED[_SHARES[name][1]], year=snap.year)
        return Measurement(value, tuple(parts), detail, note, target)

    return compute


_LEAD = "Lead: county commerce bureau (商工局), with ecology and DRC. "
_TARGETS = " Target: the national yearly target of the pack's packaging.toml (see its quality "
_TARGETS += "and source), the latest year up to the one asked."

PACKAGING_INDICATORS = (
    Indicator(
        "slim_tape_share", 17, "share", _measure("slim_tape_share", Direction.HIGHER_IS_BETTER),
        title="瘦身胶带封装比例", title_en="Slim tape (≤ 45 mm)",
        rule=_LEAD + "parcels sealed with tape no wider than the plan's tape_width_max_mm "
        "(45 mm) or with none / parcels reported." + _TARGETS,
        needs=(INPUT,),
    ),
    Indicator(
        "not_reboxed_share", 17, "share",
        _measure("not_reboxed_share", Direction.HIGHER_IS_BETTER),
        title="电商快件不再二次包装比例", title_en="Shipped in original package (not re-boxed)",
        rule=_LEAD + "parcels shipped in their original package / parcels reported." + _TARGETS,
        needs=(INPUT,),
    ),
    Indicator(
        "e_waybill_share", 17, "share", _measure("e_waybill_share", Direction.HIGHER_IS_BETTER),
        title="电子运单使用率", title_en="Electronic waybills",
        rule=_LEAD + "parcels with an electronic waybill / parcels reported." + _TARGETS,
        needs=(INPUT,),
    ),
    Indicator(
        "reusable_transit_bag_share", 17, "share",
        _measure("reusable_transit_bag_share", Direction.HIGHER_IS_BETTER),
        title="循环中转袋使用率", title_en="Reusable transit bags",
        rule=_LEAD + "reusable transit bags / transit bags reported." + _TARGETS,
        needs=(INPUT,),
    ),
    Indicator(
        "prohibited_bag_share", 17, "share",
        _measure("prohibited_bag_share", Direction.LOWER_IS_BETTER, implied=0.0),
        title="不可降解塑料袋和编织袋使用比例", title_en="Prohibited bags (non-degradable, woven)",
        rule=_LEAD + "parcels in a non-degradable plastic bag or a woven bag / parcels "
        "reported. The plan forbids them: implied target 0.",
        direction=Direction.LOWER_IS_BETTER, needs=(INPUT,), implied_target=0.0,
    ),
    Indicator(
        "reusable_boxes_in_use", 17, "boxes",
        _measure("reusable_boxes_in_use", Direction.HIGHER_IS_BETTER),
        title="循环快递箱投放量", title_en="Reusable boxes in use",
        rule=_LEAD + "reusable boxes in use in each carrier's and outlet's latest month of the "
        "year, summed. No target: the national figure (10 million in 2022) is the country's, "
        "not a county's.",
        needs=(INPUT,),
    ),
    Indicator(
        "cartons_reused", 17, "cartons",
        _measure("cartons_reused", Direction.HIGHER_IS_BETTER),
        title="回收复用瓦楞纸箱", title_en="Cartons reused",
        rule=_LEAD + "cartons reused at outlets and stations in the year. No target: the "
        "national figure (700 million in 2022) is the country's, not a county's.",
        needs=(INPUT,),
    ),
)  # fmt: skip
"""Task 17's indicators, in the order a screen shows them."""

register(*PACKAGING_INDICATORS)
