"""A county's operating rules as data: tariff, screening routes, stations, lockers, and the
time window of device uploads."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from countyexpress.domain.lockers import LockerFees
from countyexpress.domain.scans import ScanWindow
from countyexpress.domain.shelves import HandoverPolicy, ShelfLayout
from countyexpress.errors import InvalidValue


@dataclass(frozen=True)
class Tariff:
    """Per-parcel co-delivery fees each carrier pays the centre (CNY)."""

    default_per_parcel: Decimal = Decimal("0.80")
    per_parcel: Mapping[str, Decimal] = field(default_factory=dict)
    free_kg: float = 3.0
    per_kg_over: Decimal = Decimal("0.20")

    def __post_init__(self) -> None:
        if self.default_per_parcel < 0 or self.per_kg_over < 0:
            raise InvalidValue("tariff", "fees cannot be negative")
        if any(v < 0 for v in self.per_parcel.values()):
            raise InvalidValue("tariff.per_parcel", "fees cannot be negative")

    def fee(self, carrier: str, weight_kg: float | None) -> Decimal:
        """The fee for one parcel: the carrier's rate plus the weight over the free allowance."""
        base = self.per_parcel.get(carrier, self.default_per_parcel)
        over = max(0.0, (weight_kg or 0.0) - self.free_kg)
        return (base + self.per_kg_over * Decimal(str(round(over, 3)))).quantize(Decimal("0.01"))


@dataclass(frozen=True)
class ScreeningPlace:
    """Where an outbound parcel must be X-ray screened (task 11)."""

    facility: str
    in_county: bool
    reason: str


@dataclass(frozen=True)
class ScreeningRules:
    """Screen once: at the prefecture sorting centre, or at the carrier's county-town office
    for carriers whose parcels bypass it. Township outlets and village stations never screen."""

    sorting_center: str = ""
    bypass_offices: Mapping[str, str] = field(default_factory=dict)  # carrier -> facility

    def place_for(self, carrier: str) -> ScreeningPlace:
        """Where this carrier's outbound parcels are screened."""
        office = self.bypass_offices.get(carrier)
        if office:
            reason = f"{carrier} bypasses the prefecture sorting centre: screen at {office}"
            return ScreeningPlace(office, True, reason)
        return ScreeningPlace(
            self.sorting_center, False, "screened once at the prefecture sorting centre"
        )


@dataclass(frozen=True)
class OperatingRules:
    """Everything operations read from the county pack's `[operations]` section."""

    tariff: Tariff = field(default_factory=Tariff)
    screening: ScreeningRules = field(default_factory=ScreeningRules)
    return_after_days: int = 7
    shelves: ShelfLayout = field(default_factory=ShelfLayout)
    handover: HandoverPolicy = field(default_factory=HandoverPolicy)
    locker_fees: LockerFees = field(default_factory=LockerFees)
    scan_window: ScanWindow = field(default_factory=ScanWindow)
    stuck_after_hours: int = 48  # parcel ageing: in one state at one place longer is stuck

    def __post_init__(self) -> None:
        if not 1 <= self.return_after_days <= 90:
            raise InvalidValue("return_after_days", "must be between 1 and 90 days")
        if not 1 <= self.stuck_after_hours <= 24 * 90:
            raise InvalidValue("stuck_after_hours", "must be between 1 and 2160 hours")
