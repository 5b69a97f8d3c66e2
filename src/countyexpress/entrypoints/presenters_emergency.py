"""Emergency teams, resources and events as plain rows, for the command line, the API and
the screen (nothing personal: a team's people are staff numbers, shown only to those who
may edit the registry)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from countyexpress.domain.emergency import Resource, Team
from countyexpress.services.emergency import EventView

__all__ = ["event_row", "resource_row", "team_row"]


def team_row(t: Team, people: bool = True) -> dict[str, Any]:
    """A team as shown; without `people` its staff numbers are left out (counted only)."""
    row: dict[str, Any] = {"code": t.code, "name": t.name, "size": t.size}
    if people:
        row |= {"leader": t.leader, "members": list(t.members)}
    return row | {
        "vehicles": list(t.vehicles), "equipment": list(t.equipment),
        "availability": t.availability.value,
    }  # fmt: skip


def resource_row(r: Resource) -> dict[str, Any]:
    """A resource as shown."""
    return {
        "id": r.id, "kind": r.kind.value, "name": r.name, "quantity": r.quantity,
        "unit": r.unit, "location": r.location, "availability": r.availability.value,
    }  # fmt: skip


def event_row(e: EventView, now: dt.datetime | None = None) -> dict[str, Any]:
    """An event as shown, with the minutes left to report it (negative: overdue)."""
    return {
        "id": e.id, "grade": e.grade, "subject": e.subject, "state": e.state,
        "summary": e.summary, "occurred_at": e.occurred_at.isoformat(),
        "report_due_at": e.report_due_at.isoformat(),
        "reported_at": e.reported_at.isoformat() if e.reported_at else None,
        "reported_in_time": e.reported_in_time,
        "minutes_left": e.minutes_left(now or dt.datetime.now(dt.UTC)),
        "verbs": list(e.verbs),
    }  # fmt: skip
