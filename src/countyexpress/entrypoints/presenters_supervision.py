"""Supervision records, credit standings and filing clocks as plain JSON (CLI and API)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from countyexpress.domain.supervision.clocks import Clock
from countyexpress.domain.supervision.credit import Standing
from countyexpress.domain.supervision.filings import OutletFilingClock
from countyexpress.domain.supervision.licences import LicenceStanding
from countyexpress.domain.supervision.quality import CarrierMonth
from countyexpress.domain.supervision.records import Record


def standing_json(s: Standing) -> dict[str, Any]:
    """A subject's standing as the `credit show --json` answer."""
    return {
        "subject": str(s.subject),
        "on": s.on.isoformat(),
        "score": s.score,
        "level": s.level,
        "blacklisted": s.blacklisted,
        "blacklist": [
            {
                "listed_on": e.start.isoformat(),
                "reason": e.reason,
                "repairable_from": e.repairable_from.isoformat(),
                "rectified_on": e.rectified.isoformat() if e.rectified else None,
                "removed_on": e.end.isoformat() if e.end else None,
                "active": e.active(s.on),
            }
            for e in s.blacklist
        ],
        "events": [
            {"type": e.type, "on": e.on.isoformat(), "note": e.note, "ref": e.ref}
            for e in s.counted
        ],
    }


def record_json(number: int, r: Record, today: dt.date) -> dict[str, Any]:
    """A record with its clocks as seen on `today`."""
    return {
        "id": number,
        "kind": r.kind.name,
        "subject": str(r.subject),
        "state": r.state,
        "facts": dict(r.facts),
        "clocks": [
            {
                "rule": c.rule,
                "started": c.started.isoformat(),
                "due": c.due.isoformat(),
                "stopped": c.stopped.isoformat() if c.stopped else None,
                "state": c.state(today).value,
            }
            for c in r.clocks.values()
        ],
        "trail": [
            {"verb": s.verb, "on": s.on.isoformat(), "by": s.by, "state": s.state, "note": s.note}
            for s in r.trail
        ],
        "next": r.kind.verbs_from(r.state),
    }


def clock_json(c: OutletFilingClock, today: dt.date) -> dict[str, Any]:
    """An outlet's filing clock as seen on `today`."""
    return {
        "outlet": c.outlet,
        "name": c.name,
        "carriers": list(c.carriers),
        "opened": c.clock.started.isoformat(),
        "due": c.clock.due.isoformat(),
        "filed_on": c.clock.stopped.isoformat() if c.clock.stopped else None,
        "filed_by": c.filed_by,
        "state": c.state(today).value,
        "days_left": c.clock.days_left(today),
    }


def quality_json(r: CarrierMonth) -> dict[str, Any]:
    """A carrier's month (or township of it) as JSON."""
    return {
        "carrier": r.carrier,
        "month": r.month,
        "township": r.township or None,
        "parcels": r.parcels,
        "delivered": r.delivered,
        "on_time": r.on_time,
        "late": r.late,
        "waiting": r.waiting,
        "on_time_rate": r.on_time_rate,
        "loss_or_damage": r.loss_or_damage,
        "loss_per_10k": r.loss_per_10k,
        "complaints": r.complaints,
        "complaints_per_million": r.complaints_per_million,
        "upheld": r.upheld,
        "upheld_per_million": r.upheld_per_million,
        "unconsented": r.unconsented,
        "false_signoffs": r.false_signoffs,
        "by_level": r.by_level,
    }


def _clock(c: Clock | None, today: dt.date) -> dict[str, Any] | None:
    if c is None:
        return None
    stopped = c.stopped.isoformat() if c.stopped else None
    return {"due": c.due.isoformat(), "stopped": stopped, "state": c.state(today).value}


def licence_json(lic: LicenceStanding, today: dt.date) -> dict[str, Any]:
    """A licence with its expiry, renewal and annual report clocks on `today`."""
    return {
        **record_json(lic.id, lic.record, today),
        "number": lic.number,
        "carrier": lic.carrier,
        "expires": lic.expires.isoformat(),
        "renewal": _clock(lic.renewal, today),
        "annual_report": _clock(lic.annual, today),
    }
