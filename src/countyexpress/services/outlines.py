"""The outlines the county map draws: the county's boundary (the pack's own, else a boundary
data set's) and each township's label and area."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from countyexpress.domain.access import Action, Principal, Resource, Where, require
from countyexpress.domain.county import County
from countyexpress.domain.outlines import Outline, TownshipArea, township_areas
from countyexpress.services import counties
from countyexpress.services.unit_of_work import UnitOfWork

__all__ = ["OUTLINES_DOCUMENT", "BoundarySource", "MapOutlines", "map_outlines"]

OUTLINES_DOCUMENT = "outlines"
"""The pack document (`outlines.geojson`) holding a pack's own outlines, by division code."""


class BoundarySource(Protocol):
    """Boundaries from outside the pack (adapters.outlines.CnmapsBoundaries)."""

    def county(self, adcode: str) -> Outline | None: ...
    def from_pack(self, content: dict[str, Any]) -> dict[str, Outline]: ...


@dataclass(frozen=True)
class MapOutlines:
    """The county's outline (None: neither the pack nor the data set has one) and its
    townships' labels and areas."""

    county: Outline | None
    townships: tuple[TownshipArea, ...]


def map_outlines(
    uow: UnitOfWork, by: Principal, county: County, boundaries: BoundarySource
) -> MapOutlines:
    """The outlines of `county` as far as `by` may read the county: the pack's own win."""
    require(by, Action.READ, Resource.COUNTY, Where(county=county.code))
    with uow:
        stored = counties.pack_document(uow, county.code, OUTLINES_DOCUMENT)
    own = boundaries.from_pack(stored) if stored else {}
    outline = own.get(county.code) or boundaries.county(county.code)
    return MapOutlines(outline, tuple(township_areas(county, own)))
