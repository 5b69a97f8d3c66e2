"""Scan events: every change of a parcel, as the device saw it."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from countyexpress.domain.privacy import MASK, scrub
from countyexpress.errors import InvalidValue

_WAYBILL = re.compile(r"[A-Z0-9]{6,32}")
CANONICAL_TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\+\d\d:\d\d|-(?!00:00)\d\d:\d\d)")
"""An ISO 8601 time exactly as `datetime.isoformat()` writes a whole second with its UTC
offset (not "-00:00", which it writes "+00:00"), e.g. 2026-11-28T09:30:00+08:00."""
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
        if self.at.utcoffset() is None:  # naive, or a zone that does not say
            raise InvalidValue(
                "at", "the time needs its UTC offset, e.g. 2026-11-28T09:30:00+08:00"
            )
        if not self.facility.strip():
            raise InvalidValue("facility", "facility is empty")
        if not self.carrier.strip():
            raise InvalidValue("carrier", "carrier is empty")

    def given_time_text(self, text: str) -> ScanEvent:
        """This event, told that `text` is its time as `at.isoformat()` writes it (an upload's
        own text, in the canonical form `CANONICAL_TIME`), so that it is not formatted again."""
        if self._texts is None and not self.payload and CANONICAL_TIME.fullmatch(text):
            object.__setattr__(self, "_texts", (text, ""))
        return self

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
            (self.waybill_no, self.carrier, self.kind._value_, self.facility, at_text, self.actor)
        )
        if payload:
            text += "\x1f" + payload
        return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


@dataclass(frozen=True)
class ScanWindow:
    """How far from now a device's clock may put a scan it uploads (the pack's
    `[operations.scan_window]`): handhelds upload offline scans days late, never from the
    future beyond a few minutes of clock skew. The platform's own services record their
    events directly and are not held to it."""

    days_back: int = 30
    minutes_ahead: int = 10

    def __post_init__(self) -> None:
        if not 1 <= self.days_back <= 366:
            raise InvalidValue("scan_window.days_back", "must be between 1 and 366 days")
        if not 0 <= self.minutes_ahead <= 24 * 60:
            raise InvalidValue("scan_window.minutes_ahead", "must be between 0 and 1440 minutes")

    def refusal(self, at: datetime, now: datetime) -> str | None:
        """Why `at` (aware) is not accepted from a device at `now`, or None when it is."""
        if at < now - timedelta(days=self.days_back):
            return (
                f"at {at.isoformat()} is more than {self.days_back} days ago: "
                "scans older than that are not taken from devices"
            )
        if at > now + timedelta(minutes=self.minutes_ahead):
            return (
                f"at {at.isoformat()} is in the future (more than {self.minutes_ahead} "
                "minutes ahead of the server's clock): check the device's clock"
            )
        return None


PERSONAL_FIELDS = frozenset(
    {
        "phone", "mobile", "tel", "telephone", "contact", "contact_phone",
        "receiver_phone", "sender_phone", "signer_phone",
        "id_number", "id_no", "id_card", "idcard", "receiver_id_number", "sender_id_number",
        "name", "receiver_name", "sender_name", "signer_name", "contact_name",
        "address", "receiver_address", "sender_address",
        "signer", "receiver", "sender", "recipient", "consignee",
    }
)  # fmt: skip
"""Payload keys (at any depth; compared lower-case, "-" read as "_") whose values are
personal data: they are kept out of the ledger, encrypted in a table the purge empties. A
value already masked (a text with `*`, as "马*" or "*******5678") is no personal data and
stays, scrubbed like any text."""

PERSONAL_MARK = "[encrypted]"
"""What the ledger keeps in place of a personal payload value."""


@dataclass(frozen=True)
class Redacted:
    """An uploaded actor and payload as the ledger may keep them, and the personal values
    taken out of the payload: JSON of each value by its JSON Pointer (RFC 6901) path."""

    actor: str
    payload: dict[str, Any]
    personal: dict[str, str]


def _pointer(path: tuple[str, ...]) -> str:
    return "".join("/" + p.replace("~", "~0").replace("/", "~1") for p in path)


def _blank_or_masked(value: Any) -> bool:
    if value in (None, "", [], {}, PERSONAL_MARK):
        return True
    return isinstance(value, str) and MASK in value


def _is_personal(key: str) -> bool:
    return key.strip().lower().replace("-", "_") in PERSONAL_FIELDS


def redact(actor: str, payload: Mapping[str, Any]) -> Redacted:
    """The actor and every string (and number) of the payload scrubbed of phone and ID
    numbers; values under personal keys (`PERSONAL_FIELDS`) replaced by `PERSONAL_MARK`."""
    personal: dict[str, str] = {}

    def clean(value: Any, path: tuple[str, ...]) -> Any:
        if isinstance(value, Mapping):
            out: dict[str, Any] = {}
            for k, v in value.items():
                key = scrub(str(k))
                if _is_personal(key) and not _blank_or_masked(v):
                    personal[_pointer((*path, key))] = json.dumps(
                        v, sort_keys=True, ensure_ascii=False, separators=(",", ":")
                    )
                    out[key] = PERSONAL_MARK
                else:
                    out[key] = clean(v, (*path, key))
            return out
        if isinstance(value, list | tuple):
            return [clean(v, (*path, str(n))) for n, v in enumerate(value)]
        if isinstance(value, str):
            return scrub(value)
        if isinstance(value, int | float) and not isinstance(value, bool):
            text = str(value)
            return value if scrub(text) == text else scrub(text)
        return value

    return Redacted(scrub(actor), clean(payload, ()), personal)
