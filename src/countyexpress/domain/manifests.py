"""Carriers' manifests: the parcels a carrier announces to the co-delivery centre."""

from __future__ import annotations

from dataclasses import dataclass

from countyexpress.domain.lockers import Size
from countyexpress.domain.privacy import mobile_number
from countyexpress.domain.scans import normalise_waybill
from countyexpress.errors import InvalidValue, said


@dataclass(frozen=True)
class Receiver:
    """Who a parcel is for: personal data, encrypted at rest and masked when shown."""

    name: str
    phone: str  # kept as the 11 digits of a mainland mobile (domain.privacy.mobile_number)
    address: str
    synthetic: bool = False  # a simulated receiver: a "100" number is accepted

    def __post_init__(self) -> None:
        if not self.name.strip():
            raise InvalidValue("receiver_name", "receiver name is empty")
        try:
            digits = mobile_number(self.phone, synthetic=self.synthetic)
        except InvalidValue as exc:
            raise said(InvalidValue, exc.msgid, "receiver_phone", **exc.params) from None
        object.__setattr__(self, "phone", digits)
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
