"""Scan events: every change of a parcel, as the device saw it."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from countyexpress.errors import InvalidValue

_WAYBILL = re.compile(r"[A-Z0-9]{6,32}")
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


class ScanKind(StrEnum):
    """What happened to a parcel at a scan."""

    COLLECT = "collect"  # 揽收 taken in from a sender
    INSPECT = "inspect"  # 验视 contents inspected
    SCREEN = "screen"  # 过机安检 X-ray screened
    ARRIVE = "arrive"  # 到件 arrived at a facility
    SORT = "sort"  # 分拣 sorted to a route bag
    DEPART = "depart"  # 发出/派件 left on a vehicle
    STORE = "store"  # 入库上架或入柜 shelved at a station or put in a locker
    PICKUP = "pickup"  # 取件/签收 handed to the receiver
    RETURN = "return"  # 退回 sent back
    EXCEPTION = "exception"  # 问题件 a problem reported


def normalise_waybill(number: str) -> str:
    """A waybill number upper-cased without spaces; InvalidValue if it cannot be one."""
    if _WAYBILL.fullmatch(number):  # the common case: a scanner sends it clean
        return number
    text = re.sub(r"[\s-]", "", number).upper()
    if not _WAYBILL.fullmatch(text):
        raise InvalidValue(
            "waybill_no", f"waybill number {number!r} must be 6-32 letters or digits"
        )
    return text


@dataclass(frozen=True, slots=True)
class ScanEvent:
    """One scan, identified by the UUID its device made; `at` is the device's clock."""

    event_id: str
    waybill_no: str
    carrier: str
    kind: ScanKind
    facility: str
    at: datetime
    actor: str = ""
    payload: Mapping[str, Any] = field(default_factory=dict)
    _texts: tuple[str, str] | None = field(default=None, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not _UUID.fullmatch(self.event_id):
            raise InvalidValue(
                "event_id", f"event_id {self.event_id!r} is not a UUID (8-4-4-4-12 hex, lower case)"
            )
        if self.at.tzinfo is None or self.at.utcoffset() is None:
            raise InvalidValue(
                "at", "the time needs its UTC offset, e.g. 2026-11-28T09:30:00+08:00"
            )
        if not self.facility.strip():
            raise InvalidValue("facility", "facility is empty")
        if not self.carrier.strip():
            raise InvalidValue("carrier", "carrier is empty")

    def texts(self) -> tuple[str, str]:
        """The time as ISO 8601 and the payload as canonical JSON (sorted keys, compact; ""
        when there is none), made once: the ledger stores both and digests them."""
        texts = self._texts
        if texts is None:
            payload = ""
            if self.payload:
                payload = json.dumps(
                    self.payload, sort_keys=True, ensure_ascii=False, separators=(",", ":")
                )
            texts = (self.at.isoformat(), payload)
            object.__setattr__(self, "_texts", texts)  # a cache: the event stays as it was
        return texts

    def fingerprint(self) -> str:
        """A digest of the event's content: the same id with another digest is a conflict."""
        at_text, payload = self.texts()
        text = "\x1f".join(
            (self.waybill_no, self.carrier, self.kind.value, self.facility, at_text, self.actor)
        )
        if payload:
            text += "\x1f" + payload
        return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]
