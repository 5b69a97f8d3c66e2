"""Emergency support (issue 14, task 13): teams, resources and events (docs/emergency.md).

Teams and resources are a registry of their own (`uow.emergency`); a team's people must be in
the staff registry and its vehicles in the vehicle registry when it is added. Events are
supervision records of kind `emergency_event`, stepped through services.supervision; their
moments (occurred, reported) are kept as facts in UTC so the 24-hour report clock is read to
the minute (`ClockRule.due_at`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from countyexpress.adapters.packs.emergency import emergency_rules_for
from countyexpress.domain.access import Action, Principal, Resource, Where
from countyexpress.domain.county_time import COUNTY_ZONE, county_date
from countyexpress.domain.emergency import (
    EmergencyRules,
    EmergencySnapshot,
    Team,
    check_team,
    kind_of,
)
from countyexpress.domain.emergency import Resource as Stock
from countyexpress.domain.geography import county_code6
from countyexpress.domain.privacy import scrub
from countyexpress.domain.supervision.kinds import EMERGENCY_EVENT, EMERGENCY_GRADES
from countyexpress.domain.supervision.records import Record, Subject
from countyexpress.errors import N_, InvalidValue, NotFound, said
from countyexpress.services import counties, supervision
from countyexpress.services.authz import check, may
from countyexpress.services.unit_of_work import UnitOfWork

__all__ = [
    "EVENT_VERBS",
    "REPORT_CLOCK",
    "EventView",
    "add_resource",
    "add_team",
    "county_moment",
    "event_from_row",
    "event_record",
    "events",
    "open_event",
    "resources",
    "rules",
    "sees_people",
    "snapshot",
    "step_event",
    "team",
    "teams",
]

REPORT_CLOCK = "emergency.report"
EVENT_VERBS = ("report", "respond", "close")
_MOMENTS = {"report": "reported_at", "respond": "responded_at", "close": "closed_at"}


def _check(by: Principal | None, action: Action, code: str) -> None:
    check(by, action, Resource.EMERGENCY, Where(code))


def sees_people(by: Principal | None, county: str) -> bool:
    """Whether `by` sees the staff numbers of a team (those who may edit the registry)."""
    return may(by, Action.EDIT, Resource.EMERGENCY, Where(county_code6(county)))


def rules(uow: UnitOfWork, county: str) -> EmergencyRules:
    """The county's emergency figures: its pack's `emergency.toml` as stored at load (else
    the Heshuo pack's defaults, marked so in the notes)."""
    code = county_code6(county)
    with uow:
        return _rules(uow, code)


def _rules(uow: UnitOfWork, code: str) -> EmergencyRules:
    return emergency_rules_for(code, counties.pack_document(uow, code, "emergency"))


# teams and resources ---------------------------------------------------------------------


def add_team(uow: UnitOfWork, county: str, team: Team, by: Principal | None = None) -> Team:
    """Add or replace a team; InvalidValue names a person or vehicle not registered."""
    code = county_code6(county)
    _check(by, Action.EDIT, code)
    with uow:
        if uow.counties.get(code) is None:
            raise NotFound(f"county {code} is not loaded")
        staff = {m.staff_no for m in uow.staff.members(code)}
        vehicles = {v.unified_no for v in uow.vehicles.fleet(code)}
        check_team(team, staff, vehicles)
        uow.emergency.put_team(code, team, dt.datetime.now(dt.UTC))
        uow.commit()
    return team


def teams(uow: UnitOfWork, county: str, by: Principal | None = None) -> list[Team]:
    """The county's teams by code."""
    code = county_code6(county)
    _check(by, Action.READ, code)
    with uow:
        return uow.emergency.teams(code)


def team(uow: UnitOfWork, county: str, team_code: str, by: Principal | None = None) -> Team:
    """One team; NotFound when the county has none with that code."""
    code = county_code6(county)
    _check(by, Action.READ, code)
    with uow:
        found = uow.emergency.team(code, team_code)
    if found is None:
        raise NotFound(f"no emergency team {team_code} in county {code}")
    return found


def add_resource(
    uow: UnitOfWork, county: str, resource: Stock, by: Principal | None = None
) -> Stock:
    """Store a resource held at one of the county's facilities; its stored form."""
    code = county_code6(county)
    _check(by, Action.EDIT, code)
    with uow:
        c = uow.counties.get(code)
        if c is None:
            raise NotFound(f"county {code} is not loaded")
        if resource.location not in {f.code for f in c.facilities}:
            where = f"{resource.location} is not a facility of county {code}"
            raise InvalidValue("location", where)
        number = uow.emergency.add_resource(code, resource, dt.datetime.now(dt.UTC))
        uow.commit()
    return Stock(
        resource.kind, resource.name, resource.quantity, resource.unit, resource.location,
        resource.availability, number,
    )  # fmt: skip


def resources(
    uow: UnitOfWork, county: str, kind: str | None = None, by: Principal | None = None
) -> list[Stock]:
    """The county's resources (of `kind`)."""
    code = county_code6(county)
    _check(by, Action.READ, code)
    wanted = None if kind is None else kind_of(kind)
    with uow:
        found = uow.emergency.resources(code)
    return [r for r in found if wanted is None or r.kind is wanted]


# events ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class EventView:
    """An emergency event as shown: grade, moments and the report clock to the minute."""

    id: int
    subject: str
    grade: str
    state: str
    summary: str
    occurred_at: dt.datetime
    report_due_at: dt.datetime
    reported_at: dt.datetime | None
    verbs: tuple[str, ...]

    @property
    def reported_in_time(self) -> bool | None:
        """Whether the report met the clock (None: not reported)."""
        return None if self.reported_at is None else self.reported_at <= self.report_due_at

    def minutes_left(self, now: dt.datetime) -> int | None:
        """Minutes until the report is due (negative: overdue); None once reported."""
        if self.reported_at is not None:
            return None
        return int((self.report_due_at - now).total_seconds() // 60)


def _moment(name: str, value: dt.datetime) -> dt.datetime:
    if value.tzinfo is None:
        raise InvalidValue(name, "a moment needs its time zone (e.g. 2026-12-06T08:30+08:00)")
    if value > dt.datetime.now(dt.UTC) + dt.timedelta(minutes=5):
        raise said(InvalidValue, N_("%(at)s is in the future: record what happened"), name,
                   at=value.isoformat())  # fmt: skip
    return value.astimezone(dt.UTC)


def _grade(grade: str) -> str:
    g = grade.strip().upper()
    if g not in EMERGENCY_GRADES:
        raise said(InvalidValue, N_("%(grade)s is not a grade (I, II, III or IV)"), "grade",
                   grade=repr(grade))  # fmt: skip
    return g


def _view(uow: UnitOfWork, code: str, number: int, rec: Record) -> EventView:
    rule = supervision.rules_of(uow, code).clocks[REPORT_CLOCK]
    occurred = dt.datetime.fromisoformat(rec.facts["occurred_at"])
    reported = rec.facts.get("reported_at")
    return EventView(
        number, str(rec.subject), rec.facts.get("grade", ""), rec.state,
        rec.facts.get("summary", ""), occurred, rule.due_at(occurred),
        dt.datetime.fromisoformat(reported) if reported else None,
        tuple(v for v in rec.kind.verbs_from(rec.state) if v in EVENT_VERBS),
    )  # fmt: skip


def event_record(
    uow: UnitOfWork,
    county: str,
    grade: str,
    subject: str,
    occurred_at: dt.datetime,
    summary: str,
    by: str,
) -> Record:
    """Inside an open unit of work: a new event record, checked (also for the xlsx import)."""
    occurred = _moment("occurred_at", occurred_at)
    facts = {
        "grade": _grade(grade),
        "occurred_at": occurred.isoformat(),
        "summary": scrub(summary.strip())[:500],
    }
    r = supervision.rules_of(uow, county)
    return Record.open(
        EMERGENCY_EVENT, Subject.parse(subject), county_date(occurred), by, r.clocks, r.calendar,
        facts,
    )  # fmt: skip


def county_moment(field_name: str, text: str) -> dt.datetime:
    """A moment typed in a form or a spreadsheet; without its zone, the county's time."""
    if not text.strip():
        raise InvalidValue(field_name, "the moment is missing")
    try:
        moment = dt.datetime.fromisoformat(text.strip())
    except ValueError:
        raise InvalidValue(field_name, f"{text!r} is not a moment (2026-12-06 08:30)") from None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=COUNTY_ZONE)


def event_from_row(uow: UnitOfWork, county: str, row: Mapping[str, str], by: str) -> Record:
    """Inside an open unit of work: an event of an imported row (subject, grade, occurred_at,
    summary); a moment without a zone is the county's time (a spreadsheet keeps none)."""
    moment = county_moment("occurred_at", row.get("occurred_at", ""))
    return event_record(uow, county, row.get("grade", ""), row.get("subject", ""), moment,
                        row.get("summary", ""), by)  # fmt: skip


def open_event(
    uow: UnitOfWork,
    county: str,
    grade: str,
    subject: str,
    occurred_at: dt.datetime,
    summary: str = "",
    by: Principal | None = None,
) -> EventView:
    """Record an emergency event that occurred at `occurred_at`; its report clock starts."""
    code = county_code6(county)
    _check(by, Action.EDIT, code)
    with uow:
        if uow.counties.get(code) is None:
            raise NotFound(f"county {code} is not loaded")
        rec = event_record(uow, code, grade, subject, occurred_at, summary,
                           "local" if by is None else by.name)  # fmt: skip
        number = uow.supervision.add(code, rec, None)
        view = _view(uow, code, number, rec)
        uow.commit()
    return view


def step_event(
    uow: UnitOfWork,
    county: str,
    event_id: int,
    verb: str,
    at: dt.datetime | None = None,
    note: str = "",
    by: Principal | None = None,
) -> EventView:
    """Report, respond to or close event `event_id` at `at` (now); NotAllowed when its state
    does not allow the verb."""
    code = county_code6(county)
    _check(by, Action.EDIT, code)
    if verb not in EVENT_VERBS:
        raise InvalidValue("verb", f"{verb!r} is not one of: {', '.join(EVENT_VERBS)}")
    moment = _moment("at", at or dt.datetime.now(dt.UTC))
    with uow:
        stored = uow.supervision.get(code, event_id)
    if stored is None or stored.record.kind.name != EMERGENCY_EVENT.name:
        raise NotFound(f"no emergency event {event_id} in county {code}")
    occurred = dt.datetime.fromisoformat(stored.record.facts["occurred_at"])
    if moment < occurred:
        raise said(InvalidValue, N_("%(at)s is before the event occurred"), "at",
                   at=moment.isoformat())  # fmt: skip
    done = supervision.act(
        uow, code, event_id, verb, county_date(moment), note,
        {_MOMENTS[verb]: moment.isoformat()}, by=by,
    )  # fmt: skip
    with uow:
        return _view(uow, code, event_id, done.record)


def events(uow: UnitOfWork, county: str, by: Principal | None = None) -> list[EventView]:
    """The county's emergency events, latest first."""
    code = county_code6(county)
    _check(by, Action.READ, code)
    with uow:
        found = uow.supervision.find(code, kind=EMERGENCY_EVENT.name)
        out = [_view(uow, code, s.id, s.record) for s in found]
    return sorted(out, key=lambda e: e.occurred_at, reverse=True)


# indicators ------------------------------------------------------------------------------


def snapshot(uow: UnitOfWork, county_code: str, today: dt.date) -> EmergencySnapshot:
    """What task 13's registry indicators read (no principal: the caller checked the read)."""
    code = county_code6(county_code)
    with uow:
        return EmergencySnapshot(
            today,
            _rules(uow, code),
            uow.emergency.teams(code),
            uow.emergency.resources(code),
            frozenset(m.staff_no for m in uow.staff.members(code)),
            uow.emergency.route_orders(code),
        )
