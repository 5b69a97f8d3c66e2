"""Indicators of public health and delivery mode (plan tasks 15-16, section 2.7).

They read the input `public_health` (services.public_health.snapshot): the year's level
changes and measure logs, and the year's final deliveries from the scan ledger.

A delivery is *contactless* when the receiver took the parcel out of a smart locker: its
取件 scan (the first pickup of the waybill) was made at a locker bank (`method` locker, or
the scan's facility is a locker). A station's hand-over (pickup code and phone tail) and a
door delivery signed by a person both meet the receiver hand to hand; the ledger records
no unsigned door drop, so there is no third kind to count.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from countyexpress.domain.county import County
from countyexpress.domain.facilities import FacilityKind
from countyexpress.domain.indicators import (
    Direction,
    Indicator,
    Inputs,
    Measurement,
    Part,
    register,
)
from countyexpress.domain.public_health import (
    FacilityCheck,
    HealthRules,
    LevelChange,
    MeasureLog,
    facility_days,
    township_of,
)
from countyexpress.errors import N_, Said

__all__ = [
    "INPUT",
    "PUBLIC_HEALTH_INDICATORS",
    "ContactlessTally",
    "Delivery",
    "HealthSnapshot",
    "contactless_tally",
    "is_contactless",
]

INPUT = "public_health"


@dataclass(frozen=True)
class Delivery:
    """A parcel's final delivery as the ledger has it: its first 取件 scan."""

    waybill_no: str
    day: dt.date  # the county day of the scan
    facility: str
    method: str = ""


def is_contactless(delivery: Delivery, kind: FacilityKind | None) -> bool:
    """Whether the receiver took the parcel from a locker (no hand-to-hand meeting)."""
    return delivery.method == "locker" or kind is FacilityKind.LOCKER


@dataclass(frozen=True)
class ContactlessTally:
    """Final deliveries and contactless ones, by month ("2022-05") and township code
    ("" for a facility outside the county's divisions)."""

    contactless: Mapping[tuple[str, str], int]
    total: Mapping[tuple[str, str], int]

    def share(self, month: str | None = None, township: str | None = None) -> float | None:
        """The contactless share of the deliveries of a month and/or township (all if None)."""

        def keep(key: tuple[str, str]) -> bool:
            return (month is None or key[0] == month) and (township is None or key[1] == township)

        total = sum(n for k, n in self.total.items() if keep(k))
        done = sum(n for k, n in self.contactless.items() if keep(k))
        return done / total if total else None


def contactless_tally(county: County, deliveries: Sequence[Delivery]) -> ContactlessTally:
    """Count the deliveries and the contactless ones by county month and township."""
    facilities = {f.code: f for f in county.facilities}
    contactless: Counter[tuple[str, str]] = Counter()
    total: Counter[tuple[str, str]] = Counter()
    for d in deliveries:
        f = facilities.get(d.facility)
        key = (d.day.strftime("%Y-%m"), (township_of(county, f) if f is not None else None) or "")
        total[key] += 1
        if is_contactless(d, f.kind if f is not None else None):
            contactless[key] += 1
    return ContactlessTally(dict(contactless), dict(total))


@dataclass(frozen=True)
class HealthSnapshot:
    """What the public health indicators read: the year's data as of `today`."""

    today: dt.date
    year: int
    rules: HealthRules
    changes: Sequence[LevelChange]
    logs: Mapping[tuple[str, dt.date], MeasureLog]
    deliveries: Sequence[Delivery]

    @property
    def last_day(self) -> dt.date:
        """The last day counted: the year's end, or today in the current year."""
        return min(dt.date(self.year, 12, 31), self.today)


def _snapshot(inputs: Inputs) -> HealthSnapshot:
    snap = inputs[INPUT]
    assert isinstance(snap, HealthSnapshot)
    return snap


def _checks(county: County, snap: HealthSnapshot) -> list[FacilityCheck]:
    first = dt.date(snap.year, 1, 1)
    return facility_days(county, snap.rules, snap.changes, snap.logs, first, snap.last_day)


def _township_parts(
    county: County, rows: Mapping[str, tuple[int, int]], detail_names: tuple[str, str]
) -> tuple[Part, ...]:
    parts = []
    for code, (num, den) in sorted(rows.items()):
        division = county.division(code)
        name = division.name if division is not None else code or "—"
        value = num / den if den else None
        detail = {detail_names[0]: num, detail_names[1]: den}
        parts.append(Part(code, name, "township", value, detail=detail))
    return tuple(parts)


def measure_compliance(county: County, inputs: Inputs) -> Measurement:
    """Required measures logged as done / measures required, over the facility-days of the
    year on which a level required any."""
    snap = _snapshot(inputs)
    checks = _checks(county, snap)
    if not checks:
        return Measurement(
            None, note=Said(N_("no risk level required measures in %(year)s"), year=snap.year)
        )
    by_township: dict[str, tuple[int, int]] = {}
    for c in checks:
        done, required = by_township.get(c.township_code, (0, 0))
        by_township[c.township_code] = (done + c.done_required, required + len(c.required))
    done = sum(c.done_required for c in checks)
    required = sum(len(c.required) for c in checks)
    return Measurement(
        done / required,
        parts=_township_parts(county, by_township, ("done", "required")),
        detail={"done": done, "required": required, "facility_days": len(checks)},
    )


def logged_share(county: County, inputs: Inputs) -> Measurement:
    """Facility-days with a measure log / facility-days on which a level required measures."""
    snap = _snapshot(inputs)
    checks = _checks(county, snap)
    if not checks:
        return Measurement(
            None, note=Said(N_("no risk level required measures in %(year)s"), year=snap.year)
        )
    logged = sum(c.logged for c in checks)
    return Measurement(
        logged / len(checks), detail={"logged": logged, "facility_days": len(checks)}
    )


def contactless_share(county: County, inputs: Inputs) -> Measurement:
    """Final deliveries of the year taken from a locker / final deliveries of the year."""
    snap = _snapshot(inputs)
    tally = contactless_tally(county, snap.deliveries)
    value = tally.share()
    if value is None:
        return Measurement(
            None, note=Said(N_("no deliveries in the ledger in %(year)s"), year=snap.year)
        )
    townships: dict[str, tuple[int, int]] = {}
    months: dict[str, tuple[int, int]] = {}
    for key, n in tally.total.items():
        k = tally.contactless.get(key, 0)
        for acc, at in ((townships, key[1]), (months, key[0])):
            a, b = acc.get(at, (0, 0))
            acc[at] = (a + k, b + n)
    detail: dict[str, int | float | None] = {
        "contactless": sum(tally.contactless.values()),
        "deliveries": sum(tally.total.values()),
    }
    for month, (k, n) in sorted(months.items()):
        detail[month] = round(k / n, 4)
    return Measurement(
        value,
        parts=_township_parts(county, townships, ("contactless", "deliveries")),
        detail=detail,
    )


PUBLIC_HEALTH_INDICATORS = (
    Indicator(
        "health_measure_compliance_rate", 15, "share", measure_compliance,
        Direction.HIGHER_IS_BETTER,
        title="防疫措施落实率", title_en="Prevention measures done as required",
        rule="required measures logged as done / measures required, over the year's "
        "facility-days (staffed outlets, stations, centre, carrier offices) on which their "
        "township's risk level required any (health.toml, an estimate); the plan sets no "
        "figure, each level's measures are due daily: implied 100%; "
        "lead 商工局, cooperating 卫健委",
        needs=(INPUT,), implied_target=1.0,
    ),
    Indicator(
        "health_facility_days_logged_share", 15, "share", logged_share,
        Direction.HIGHER_IS_BETTER,
        title="防疫日志填报率", title_en="Facility-days with a measure log",
        rule="facility-days with a daily measure log / facility-days on which a risk level "
        "required measures; no target in the pack (the plan sets none): "
        "lead 商工局, cooperating 卫健委",
        needs=(INPUT,),
    ),
    Indicator(
        "contactless_delivery_share", 16, "share", contactless_share,
        Direction.HIGHER_IS_BETTER,
        title="无接触配送占比", title_en="Contactless delivery share",
        rule="final deliveries of the year (a waybill's first 取件 scan in the ledger) "
        "taken by the receiver from a smart locker / all final deliveries, by township of "
        "the scanning facility and by month; station hand-overs and signed door deliveries "
        "are not contactless; no target in the pack (the plan sets none): "
        "lead 商工局, cooperating 卫健委",
        needs=(INPUT,),
    ),
)  # fmt: skip
"""Tasks 15 and 16's indicators (docs/health.md)."""

register(*PUBLIC_HEALTH_INDICATORS)
