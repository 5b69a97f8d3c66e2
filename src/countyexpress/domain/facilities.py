"""Facilities of the delivery network and the carriers that use them."""

from __future__ import annotations

import re
from dataclasses import dataclass, fields
from datetime import date, timedelta
from enum import StrEnum

from countyexpress.domain.geography import Coordinates, DataQuality
from countyexpress.errors import InvalidValue

FILING_DAYS_AFTER_OPENING = 20
"""An outlet files within 20 days of opening (快递末端网点备案暂行规定, 2018)."""

_CARRIER_CODE = re.compile(r"[a-z][a-z0-9_]{1,19}")


class FacilityKind(StrEnum):
    """What a facility is."""

    CENTER = "center"  # 共配中心 county co-delivery centre
    SORTING_CENTER = "sorting_center"  # 分拨中心 prefecture sorting centre
    OUTLET = "outlet"  # 末端网点 urban last-mile outlet
    LOCKER = "locker"  # 智能快件箱 smart-locker bank
    STATION = "station"  # 村级寄递物流综合服务站 village station
    COLD_STORAGE = "cold_storage"  # 冷库
    PRECOOLING = "precooling"  # 预冷站
    CARRIER_OFFICE = "carrier_office"  # 快递企业县城营业部 a carrier's county-town office


class FacilityStatus(StrEnum):
    """Where a facility is in its life."""

    PLANNED = "planned"
    OPEN = "open"
    CLOSED = "closed"


@dataclass(frozen=True)
class OutletFiling:
    """An outlet's filing record (备案) and the equipment the filing rules ask for."""

    filing_no: str = ""
    opened_on: date | None = None
    filed_on: date | None = None
    has_storage: bool = False
    has_communications: bool = False
    has_shelves: bool = False
    has_cctv: bool = False
    has_carrier_sign: bool = False

    def __post_init__(self) -> None:
        if (
            self.opened_on
            and self.filed_on
            and self.filed_on < self.opened_on - timedelta(days=365)
        ):
            raise InvalidValue("filed_on", "filed more than a year before the outlet opened")

    def missing(self) -> list[str]:
        """What the filing still lacks, by field name."""
        lacking = [
            f.name for f in fields(self) if f.name.startswith("has_") and not getattr(self, f.name)
        ]
        if not self.filing_no:
            lacking.insert(0, "filing_no")
        return lacking

    @property
    def is_complete(self) -> bool:
        """Filed, with storage, communications, shelves, CCTV and the carrier's sign."""
        return not self.missing()

    def filing_due(self) -> date | None:
        """The last day to file: 20 days after opening."""
        if self.opened_on is None:
            return None
        return self.opened_on + timedelta(days=FILING_DAYS_AFTER_OPENING)

    def is_overdue(self, today: date) -> bool:
        """Unfiled past the deadline on `today`."""
        due = self.filing_due()
        return due is not None and not self.filing_no and today > due


@dataclass(frozen=True)
class FiveHaves:
    """The five haves of a village station (五有): staff, premises, shelves, device, sign."""

    staff: bool = False
    premises: bool = False
    shelves: bool = False
    device: bool = False
    sign: bool = False

    def missing(self) -> list[str]:
        """The haves this station lacks."""
        return [f.name for f in fields(self) if not getattr(self, f.name)]

    @property
    def met(self) -> bool:
        """Whether the station has all five."""
        return not self.missing()


@dataclass(frozen=True)
class LockerCompartments:
    """How many small, medium and large compartments a locker bank has."""

    small: int = 0
    medium: int = 0
    large: int = 0

    def __post_init__(self) -> None:
        for f in fields(self):
            if getattr(self, f.name) < 0:
                raise InvalidValue(f"compartments_{f.name[0]}", "cannot be negative")
        if self.total == 0:
            raise InvalidValue("compartments_s", "a locker bank needs at least one compartment")

    @property
    def total(self) -> int:
        """All compartments."""
        return self.small + self.medium + self.large


@dataclass(frozen=True)
class ColdStore:
    """Capacity and temperature of a cold-storage or pre-cooling site (task 7)."""

    capacity_t: float | None = None
    min_temp_c: float | None = None

    def __post_init__(self) -> None:
        if self.capacity_t is not None and self.capacity_t <= 0:
            raise InvalidValue("capacity_t", f"capacity {self.capacity_t} t must be positive")
        if self.min_temp_c is not None and not -60 <= self.min_temp_c <= 20:
            raise InvalidValue("min_temp_c", f"{self.min_temp_c} °C is outside -60..20")


_REQUIRED_PART: dict[FacilityKind, str] = {
    FacilityKind.OUTLET: "filing",
    FacilityKind.STATION: "five_haves",
    FacilityKind.LOCKER: "compartments",
    FacilityKind.COLD_STORAGE: "cold",
    FacilityKind.PRECOOLING: "cold",
}


@dataclass(frozen=True)
class Facility:
    """A place in the network, with the part its kind needs (filing, five haves …)."""

    code: str
    name: str
    kind: FacilityKind
    location: Coordinates | None = None
    division_code: str = ""
    operator: str = ""
    status: FacilityStatus = FacilityStatus.OPEN
    quality: DataQuality = DataQuality.VERIFIED
    carriers: tuple[str, ...] = ()
    filing: OutletFiling | None = None
    five_haves: FiveHaves | None = None
    compartments: LockerCompartments | None = None
    cold: ColdStore | None = None
    note: str = ""

    def __post_init__(self) -> None:
        if not self.code.strip():
            raise InvalidValue("code", "code is empty")
        if not self.name.strip():
            raise InvalidValue("name", "name is empty")
        for c in self.carriers:
            if not _CARRIER_CODE.fullmatch(c):
                raise InvalidValue("carriers", f"carrier code {c!r} is not a lower-case code")
        required = _REQUIRED_PART.get(self.kind)
        for part in ("filing", "five_haves", "compartments", "cold"):
            present = getattr(self, part) is not None
            if part == required and not present:
                raise InvalidValue(part, f"a {self.kind} needs its {part}")
            if part != required and present:
                raise InvalidValue(part, f"a {self.kind} has no {part}")

    @property
    def is_operating(self) -> bool:
        """Open for business today."""
        return self.status is FacilityStatus.OPEN


@dataclass(frozen=True)
class Carrier:
    """An express or postal brand (快递品牌); `note` in the county's language, `note_en`
    its English."""

    code: str
    name: str
    name_en: str = ""
    note: str = ""
    note_en: str = ""

    def __post_init__(self) -> None:
        if not _CARRIER_CODE.fullmatch(self.code):
            raise InvalidValue("code", f"carrier code {self.code!r} must be lower-case letters")
        if not self.name.strip():
            raise InvalidValue("name", "name is empty")
