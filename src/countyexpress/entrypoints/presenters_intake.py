"""Public shapes of outbound intake results, shared by the CLI's JSON and the API.

Sender ID numbers and names appear only masked.
"""

from __future__ import annotations

from typing import Any

from countyexpress.services import intake as service

__all__ = ["movement_json", "receipt_json"]


def receipt_json(r: service.IntakeReceipt) -> dict[str, Any]:
    """The public shape of an intake: masked sender, contents, screening place, state."""
    return {
        "accepted": True,
        "county_code": r.county_code,
        "waybill_no": r.waybill_no,
        "carrier": r.carrier,
        "facility": r.facility,
        "sender": {
            "id_type": r.id_type,
            "id_number": r.id_number_masked,
            "name": r.sender_name_masked,
        },
        "category": r.category,
        "screening": {
            "facility": r.screening.facility,
            "in_county": r.screening.in_county,
            "reason": r.screening.reason,
        },
        "state": r.status.state.value,
    }


def movement_json(m: service.Movement) -> dict[str, Any]:
    """The public shape of a screening or a departure."""
    return {
        "accepted": True,
        "county_code": m.county_code,
        "waybill_no": m.waybill_no,
        "carrier": m.carrier,
        "kind": m.kind.value,
        "facility": m.facility,
        "security_mark": m.security_mark,
        "note": m.note,
        "state": m.status.state.value,
        "place": m.status.place,
    }
