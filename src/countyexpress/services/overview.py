"""The overview of a county: counts, the plan's targets with current values, parcels by state.

Current values of the plan's indicators come from `services.indicators.current_values` once
the planning work supplies it (a mapping of indicator name to value); until then each target
shows no value rather than a guess.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from countyexpress.domain.access import Action, Principal, Resource, Where, allowed, require
from countyexpress.domain.county import County, CountySummary
from countyexpress.domain.facilities import FacilityKind
from countyexpress.domain.geography import DivisionLevel
from countyexpress.domain.plan import Target
from countyexpress.services import counties
from countyexpress.services.unit_of_work import UnitOfWork


@dataclass(frozen=True)
class TargetRow:
    """A target of the plan beside its current value (None: not computed yet)."""

    target: Target
    current: float | None

    @property
    def met(self) -> bool | None:
        """Whether the current value reaches the target; None without a value."""
        return None if self.current is None else self.current >= self.target.value


@dataclass(frozen=True)
class Overview:
    """What the overview page shows."""

    county: County
    summary: CountySummary
    targets: list[TargetRow]
    villages_with_station: int
    parcels_by_state: dict[str, int] | None  # None: the principal may not see parcel counts


def _indicator_source() -> Callable[[UnitOfWork, str], Mapping[str, float]] | None:
    try:
        module: Any = importlib.import_module("countyexpress.services.indicators")
    except ModuleNotFoundError:
        return None
    source = getattr(module, "current_values", None)
    return source if callable(source) else None


def _parcels_by_state(uow: UnitOfWork, code: str) -> dict[str, int]:
    try:
        module: Any = importlib.import_module("countyexpress.services.scans")
    except ModuleNotFoundError:
        return {}
    counts: dict[str, int] = module.counts_by_state(uow, code)
    return counts


def overview(uow: UnitOfWork, by: Principal, code: str) -> Overview:
    """A county's overview, as far as `by` may read it."""
    county = counties.get_county(uow, code)
    require(by, Action.READ, Resource.COUNTY, Where(county=county.code))
    source = _indicator_source()
    values: Mapping[str, float] = source(uow, county.code) if source else {}
    stations = {f.division_code for f in county.facilities_of(FacilityKind.STATION)}
    villages = county.divisions_at(DivisionLevel.VILLAGE)
    parcels = (
        _parcels_by_state(uow, county.code)
        if allowed(by, Action.READ, Resource.PARCEL, Where(county=county.code))
        else None
    )
    return Overview(
        county=county,
        summary=county.summary(),
        targets=[TargetRow(t, values.get(t.indicator)) for t in county.plan.targets],
        villages_with_station=sum(1 for v in villages if v.code in stations),
        parcels_by_state=parcels,
    )
