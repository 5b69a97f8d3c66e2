"""/api/v1/counties/{code}/emergency/… (issue 14, task 13): support teams, resources and
events graded I–IV with their 24-hour report clock.

Regulators and administrators add and step; the county's other users read — a team's people
(staff numbers) only for those who may edit. The services check each call
(`Resource.EMERGENCY`).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from fastapi import APIRouter
from pydantic import BaseModel, Field

from countyexpress.domain.emergency import Availability, Resource, ResourceKind, Team
from countyexpress.entrypoints.api.auth import PrincipalDep
from countyexpress.entrypoints.api.deps import RowId, UowDep
from countyexpress.entrypoints.api.guards import RedactedValidationRoute
from countyexpress.entrypoints.presenters_emergency import event_row, resource_row, team_row
from countyexpress.services import emergency as service

router = APIRouter(
    prefix="/api/v1/counties", tags=["emergency"], route_class=RedactedValidationRoute
)

Code = Annotated[str, Field(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9][A-Za-z0-9_-]*$")]
StaffNo = Annotated[str, Field(min_length=1, max_length=32)]
Number = Annotated[str, Field(min_length=1, max_length=40)]
Item = Annotated[str, Field(min_length=1, max_length=100)]


class TeamCreate(BaseModel):
    """An emergency-rescue support team (应急救援保障队伍): people by staff number."""

    code: Code
    name: str = Field(min_length=1, max_length=100)
    leader: StaffNo
    members: list[StaffNo] = Field(default=[], max_length=500)
    vehicles: list[Number] = Field(default=[], max_length=200)
    equipment: list[Item] = Field(default=[], max_length=200)
    availability: Availability = Availability.STANDBY


class TeamPublic(BaseModel):
    """A team; `leader` and `members` only for those who may edit the registry."""

    code: str
    name: str
    size: int
    leader: str | None = None
    members: list[str] | None = None
    vehicles: list[str]
    equipment: list[str]
    availability: str


class TeamsPublic(BaseModel):
    """The county's teams and the pack's least size of a team."""

    min_size: int
    teams: list[TeamPublic]


class ResourceCreate(BaseModel):
    """A stock of materials, communications, funds or vehicles held at a facility."""

    kind: ResourceKind
    name: str = Field(min_length=1, max_length=100)
    quantity: float = Field(ge=0, le=1e12)
    unit: str = Field(min_length=1, max_length=20)
    location: Code
    availability: Availability = Availability.ON_DUTY


class ResourcePublic(BaseModel):
    """A resource as stored."""

    id: int
    kind: str
    name: str
    quantity: float
    unit: str
    location: str
    availability: str


class EventCreate(BaseModel):
    """An emergency event that occurred (a moment with its zone)."""

    grade: Literal["I", "II", "III", "IV"]
    subject: str = Field(pattern=r"^(carrier|outlet|station|locker|person|vehicle):[^:\s]{1,60}$")
    occurred_at: dt.datetime
    summary: str = Field(default="", max_length=500)


class EventStepCreate(BaseModel):
    """Report, respond to or close an event at `at` (default now)."""

    verb: Literal["report", "respond", "close"]
    at: dt.datetime | None = None
    note: str = Field(default="", max_length=500)


class EventPublic(BaseModel):
    """An event with its report clock to the minute (negative minutes: overdue)."""

    id: int
    grade: str
    subject: str
    state: str
    summary: str
    occurred_at: str
    report_due_at: str
    reported_at: str | None
    reported_in_time: bool | None
    minutes_left: int | None
    verbs: list[str]


@router.get("/{code}/emergency/teams", response_model=TeamsPublic)
def get_teams(code: str, uow: UowDep, by: PrincipalDep) -> TeamsPublic:
    """The county's teams: size, vehicles, equipment, availability."""
    found = service.teams(uow, code, by=by)
    people = service.sees_people(by, code)
    return TeamsPublic(
        min_size=service.rules(uow, code).min_team_size,
        teams=[TeamPublic.model_validate(team_row(t, people)) for t in found],
    )


@router.post("/{code}/emergency/teams", response_model=TeamPublic, status_code=201)
def post_team(code: str, body: TeamCreate, uow: UowDep, by: PrincipalDep) -> TeamPublic:
    """Add a team (or replace the one with its code); 422 names a person or vehicle that is
    not in the registries."""
    team = Team(body.code, body.name, body.leader, tuple(body.members), tuple(body.vehicles),
                tuple(body.equipment), body.availability)  # fmt: skip
    return TeamPublic.model_validate(team_row(service.add_team(uow, code, team, by=by)))


@router.get("/{code}/emergency/resources", response_model=list[ResourcePublic])
def get_resources(
    code: str, uow: UowDep, by: PrincipalDep, kind: ResourceKind | None = None
) -> list[ResourcePublic]:
    """The county's resources (of a kind)."""
    found = service.resources(uow, code, kind.value if kind else None, by=by)
    return [ResourcePublic.model_validate(resource_row(r)) for r in found]


@router.post("/{code}/emergency/resources", response_model=ResourcePublic, status_code=201)
def post_resource(code: str, body: ResourceCreate, uow: UowDep, by: PrincipalDep) -> ResourcePublic:
    """Add a resource held at one of the county's facilities."""
    r = Resource(body.kind, body.name, body.quantity, body.unit, body.location, body.availability)
    return ResourcePublic.model_validate(resource_row(service.add_resource(uow, code, r, by=by)))


@router.get("/{code}/emergency/events", response_model=list[EventPublic])
def get_events(code: str, uow: UowDep, by: PrincipalDep) -> list[EventPublic]:
    """The county's events, latest first, with the report deadline."""
    return [EventPublic.model_validate(event_row(e)) for e in service.events(uow, code, by=by)]


@router.post("/{code}/emergency/events", response_model=EventPublic, status_code=201)
def post_event(code: str, body: EventCreate, uow: UowDep, by: PrincipalDep) -> EventPublic:
    """Record an event; its report is due within the pack's emergency.report hours."""
    view = service.open_event(uow, code, body.grade, body.subject, body.occurred_at,
                              body.summary, by=by)  # fmt: skip
    return EventPublic.model_validate(event_row(view))


@router.post("/{code}/emergency/events/{event_id}/steps", response_model=EventPublic)
def post_event_step(
    code: str, event_id: RowId, body: EventStepCreate, uow: UowDep, by: PrincipalDep
) -> EventPublic:
    """Report (stops the clock), respond to or close an event; 409 when its state does not
    allow the step."""
    view = service.step_event(uow, code, event_id, body.verb, body.at, body.note, by=by)
    return EventPublic.model_validate(event_row(view))
