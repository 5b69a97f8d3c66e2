"""Public shapes of domain results, shared by the CLI's JSON and the API."""

from __future__ import annotations

from typing import Any

from countyexpress.services import scans as service


def parcel_json(view: service.ParcelView) -> dict[str, Any]:
    """The public shape of a parcel: state, place, anomalies, history (no payloads)."""
    s = view.status
    return {
        "waybill_no": s.waybill_no,
        "county_code": view.county_code,
        "carrier": view.carrier,
        "state": s.state.value,
        "place": s.place,
        "last_at": s.last_at.isoformat() if s.last_at else None,
        "open_exception": s.open_exception,
        "anomalies": [
            {"event_id": a.event_id, "kind": a.kind.value, "reason": a.reason} for a in s.anomalies
        ],
        "events": [
            {
                "event_id": e.event_id,
                "kind": e.kind.value,
                "facility": e.facility,
                "at": e.at.isoformat(),
                "received_at": view.received_at[e.event_id].isoformat()
                if e.event_id in view.received_at
                else None,
                "actor": e.actor,
            }
            for e in s.events
        ],
    }
