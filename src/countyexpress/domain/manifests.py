"""Carriers' manifests: the parcels a carrier announces to the co-delivery centre."""

from __future__ import annotations

from dataclasses import dataclass

from countyexpress.domain.lockers import Size
from countyexpress.domain.privacy import phone_digits
from countyexpress.domain.scans import normalise_waybill
from countyexpress.errors import InvalidValue


@dataclass(frozen=True)
class Receiver:
    """Who a parcel is for: personal data, encrypted at rest and masked when shown."""

    name: str
    phone: str
    address: str

    def __post_init__(self) -> None:
        if not self.name.strip():
            raise InvalidValue("receiver_name", "receiver name is empty")
        if len(phone_digits(self.phone)) < 7:
            raise InvalidValue("receiver_phone", "receiver phone needs at least 7 digits")
        if not self.address.strip():
            raise InvalidValue("address", "address is empty")


@dataclass(frozen=True)
class ManifestItem:
    """One announced parcel."""

    waybill_no: str
    carrier: str
    receiver: Receiver
    weight_kg: float | None = None
    size: Size = Size.S
    cold: bool = False

    def __post_init__(self) -> None:
        normalise_waybill(self.waybill_no)
        if self.weight_kg is not None and not 0 < self.weight_kg <= 1000:
            raise InvalidValue("weight_kg", f"weight {self.weight_kg} kg is outside 0..1000")
