"""Who may do what: roles, principals and the permission rules as data.

A principal is a person or a carrier's system acting on the platform. Its role says which
actions it may take on which resources (`RULES`), and its binding — a county, a station, a
carrier — says where: a station keeper sees only its station's parcels, a carrier's system
only its carrier's. Services call `require` before they do or show anything; routes do not
repeat these checks.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from countyexpress.errors import Forbidden, InvalidValue

__all__ = [
    "PREFECTURE_DIGITS",
    "RULES",
    "SYSTEM",
    "Action",
    "Grant",
    "Principal",
    "Resource",
    "Role",
    "Scope",
    "Where",
    "allowed",
    "covers",
    "reaches",
    "require",
    "scope_of",
]


class Role(StrEnum):
    """What a principal is on the platform."""

    REGULATOR = "regulator"  # 监管人员: reads everything of its county, edits registries
    CENTRE_OPERATOR = "centre_operator"  # 共配中心操作员: inbound, sort, dispatch
    STATION_KEEPER = "station_keeper"  # 站点管理员: one station's parcels
    DRIVER = "driver"  # 驾驶员: route sheet, scans along the route
    CARRIER = "carrier"  # 快递企业系统: an API key of one carrier
    ADMIN = "admin"  # 管理员: users, keys and the registries


class Action(StrEnum):
    """What a principal does to a resource."""

    READ = "read"
    EDIT = "edit"  # create, change or remove
    IMPORT = "import"
    EXPORT = "export"
    SCAN = "scan"  # append scan events: inbound, sort, dispatch, hand-over …


class Resource(StrEnum):
    """What a principal acts on."""

    COUNTY = "county"  # a county's divisions, plan, targets and indicators
    FACILITY = "facility"  # the facilities registry
    CARRIER = "carrier"  # the carriers registry
    PARCEL = "parcel"  # parcels and their scan events, personal data masked
    PERSONAL_DATA = "personal_data"  # a parcel's receiver, phone, address, ID unmasked
    ROUTE = "route"  # routes and route sheets
    PLANNING = "planning"  # siting, forecasts, scenarios
    USER = "user"  # users and API keys
    AUDIT = "audit"  # the log of reads of personal data
    SUPERVISION = "supervision"  # filings, inspections, complaints, credit and the blacklist
    PACKAGING = "packaging"  # carriers' green packaging reports and indicators (task 17)
    HEALTH = "health"  # township risk levels (edit) and daily measure logs (scan), tasks 15-16
    EMERGENCY = "emergency"  # emergency teams, resources and events (task 13)
    VEHICLE = "vehicle"  # the vehicle registry (task 18): a carrier's key reads its own
    STAFF = "staff"  # couriers and handlers (tasks 19-20), masked; a carrier's key: its own
    WEBHOOK = "webhook"  # carriers' webhooks and their dead letters (issue 12)


class Scope(StrEnum):
    """How far a grant reaches."""

    ALL = "all"  # every county
    COUNTY = "county"  # the principal's county (every county when it has none)
    STATION = "station"  # the principal's station
    CARRIER = "carrier"  # the principal's carrier


@dataclass(frozen=True)
class Grant:
    """Some actions on one resource, within a scope."""

    actions: frozenset[Action]
    scope: Scope


def _g(scope: Scope, *actions: Action) -> Grant:
    return Grant(frozenset(actions), scope)


_R, _E, _I, _X, _S = Action.READ, Action.EDIT, Action.IMPORT, Action.EXPORT, Action.SCAN
_COUNTY = Scope.COUNTY

RULES: Mapping[Role, Mapping[Resource, Grant]] = {
    Role.REGULATOR: {
        Resource.COUNTY: _g(_COUNTY, _R, _X),
        Resource.FACILITY: _g(_COUNTY, _R, _E, _I, _X),
        Resource.CARRIER: _g(_COUNTY, _R, _E, _I, _X),
        Resource.PARCEL: _g(_COUNTY, _R, _X),
        Resource.ROUTE: _g(_COUNTY, _R),
        Resource.PLANNING: _g(_COUNTY, _R, _E),
        Resource.AUDIT: _g(_COUNTY, _R),
        Resource.PACKAGING: _g(_COUNTY, _R, _I),
        Resource.SUPERVISION: _g(_COUNTY, _R, _E, _I, _X),
        Resource.EMERGENCY: _g(_COUNTY, _R, _E, _I, _X),
        Resource.VEHICLE: _g(_COUNTY, _R, _E, _I, _X),
        Resource.STAFF: _g(_COUNTY, _R, _E, _I, _X),
        Resource.HEALTH: _g(_COUNTY, _R, _E, _S),
        Resource.WEBHOOK: _g(_COUNTY, _R, _E),  # sees them, replays dead letters
    },
    Role.CENTRE_OPERATOR: {
        Resource.COUNTY: _g(_COUNTY, _R),
        Resource.FACILITY: _g(_COUNTY, _R, _X),
        Resource.CARRIER: _g(_COUNTY, _R),
        Resource.PARCEL: _g(_COUNTY, _R, _S),
        Resource.PERSONAL_DATA: _g(_COUNTY, _R),
        Resource.ROUTE: _g(_COUNTY, _R, _E),
        Resource.PLANNING: _g(_COUNTY, _R),
        Resource.VEHICLE: _g(_COUNTY, _R),  # plans with it; the numbering is the regulator's
        Resource.EMERGENCY: _g(_COUNTY, _R),  # teams without their people, resources, events
        Resource.HEALTH: _g(_COUNTY, _R, _S),  # logs the centre's measures
    },
    Role.STATION_KEEPER: {
        Resource.EMERGENCY: _g(_COUNTY, _R),
        Resource.COUNTY: _g(_COUNTY, _R),
        Resource.FACILITY: _g(_COUNTY, _R),
        Resource.CARRIER: _g(_COUNTY, _R),
        Resource.PARCEL: _g(Scope.STATION, _R, _S),
        Resource.PERSONAL_DATA: _g(Scope.STATION, _R),
        Resource.HEALTH: _g(Scope.STATION, _R, _S),  # its own station's measure log
    },
    Role.DRIVER: {
        Resource.EMERGENCY: _g(_COUNTY, _R),
        Resource.COUNTY: _g(_COUNTY, _R),
        Resource.FACILITY: _g(_COUNTY, _R),
        Resource.CARRIER: _g(_COUNTY, _R),
        Resource.PARCEL: _g(_COUNTY, _R, _S),
        Resource.ROUTE: _g(_COUNTY, _R),
    },
    Role.CARRIER: {
        Resource.EMERGENCY: _g(_COUNTY, _R),
        Resource.COUNTY: _g(_COUNTY, _R),
        Resource.FACILITY: _g(_COUNTY, _R),
        Resource.CARRIER: _g(Scope.CARRIER, _R),
        Resource.PARCEL: _g(Scope.CARRIER, _R, _S),
        Resource.PERSONAL_DATA: _g(Scope.CARRIER, _R),
        Resource.SUPERVISION: _g(Scope.CARRIER, _R, _E),  # its own filings and credit
        Resource.PACKAGING: _g(Scope.CARRIER, _I),  # uploads its own packaging reports
        Resource.VEHICLE: _g(Scope.CARRIER, _R),  # its own vehicles
        Resource.STAFF: _g(Scope.CARRIER, _R),  # its own staff, masked
        Resource.WEBHOOK: _g(Scope.CARRIER, _R, _E),  # registers its own webhooks
    },
    Role.ADMIN: {
        Resource.COUNTY: _g(Scope.ALL, _R, _E, _X),
        Resource.FACILITY: _g(Scope.ALL, _R, _E, _I, _X),
        Resource.CARRIER: _g(Scope.ALL, _R, _E, _I, _X),
        Resource.PARCEL: _g(Scope.ALL, _R),
        Resource.ROUTE: _g(Scope.ALL, _R),
        Resource.PLANNING: _g(Scope.ALL, _R, _E),
        Resource.USER: _g(Scope.ALL, _R, _E),
        Resource.AUDIT: _g(Scope.ALL, _R),
        Resource.PACKAGING: _g(Scope.ALL, _R, _I),
        Resource.SUPERVISION: _g(Scope.ALL, _R, _E, _I, _X),
        Resource.EMERGENCY: _g(Scope.ALL, _R, _E, _I, _X),
        Resource.VEHICLE: _g(Scope.ALL, _R, _E, _I, _X),
        Resource.STAFF: _g(Scope.ALL, _R, _E, _I, _X),
        Resource.HEALTH: _g(Scope.ALL, _R, _E, _S),
        Resource.WEBHOOK: _g(Scope.ALL, _R, _E),
    },
}
"""Which role may do which action on which resource, and how far. Personal data is read only
by those who hand parcels over or deliver them; a regulator and an administrator see it
masked."""


PREFECTURE_DIGITS = 4
"""A prefecture's code (州/地区, e.g. 6528 Bayingolin) is the first 4 digits of its counties'."""


def covers(bound: str | None, county: str) -> bool:
    """Whether a binding — None (every county), a prefecture (4 digits) or a county (6) —
    takes in `county`: a prefecture takes in the counties whose code starts with it."""
    if bound is None:
        return True
    code = county.strip()
    if len(bound) == PREFECTURE_DIGITS:
        return code.startswith(bound)
    return code == bound


@dataclass(frozen=True)
class Principal:
    """Who acts: a user or a carrier's API key, bound to a county, a station or a carrier."""

    id: str
    name: str
    role: Role
    # None: every county (administrators, region-wide regulators); 4 digits: a prefecture's
    # counties (州/地区, a regulator's only: 6528 reaches 652801…652899)
    county: str | None = None
    station: str | None = None  # a station keeper's facility code
    carrier: str | None = None  # a carrier integration's carrier code
    unit: str | None = None  # a regulator working for one unit of the plan (its code)

    def __post_init__(self) -> None:
        if self.role is Role.STATION_KEEPER and not (self.station and self.county):
            raise InvalidValue("station", "a station keeper is bound to a county and a station")
        if self.role is Role.CARRIER and not self.carrier:
            raise InvalidValue("carrier", "a carrier integration is bound to a carrier")
        if self.role in (Role.CENTRE_OPERATOR, Role.DRIVER) and not self.county:
            raise InvalidValue("county", f"a {self.role.value} is bound to a county")
        if self.station and self.role is not Role.STATION_KEEPER:
            raise InvalidValue("station", "only a station keeper is bound to a station")
        if self.carrier and self.role is not Role.CARRIER:
            raise InvalidValue("carrier", "only a carrier integration is bound to a carrier")
        if self.unit and not (self.role is Role.REGULATOR and self.county):
            raise InvalidValue("unit", "only a regulator of a county is bound to a unit")
        if self.county is not None and len(self.county) == PREFECTURE_DIGITS:
            if self.role is not Role.REGULATOR:
                raise InvalidValue("county", "only a regulator is bound to a prefecture")
            if self.unit:
                raise InvalidValue("unit", "only a regulator of a county is bound to a unit")

    @property
    def prefecture(self) -> str | None:
        """The 4-digit prefecture a regulator is bound to (None: bound to a county or none)."""
        bound = self.county
        return bound if bound is not None and len(bound) == PREFECTURE_DIGITS else None


SYSTEM = Principal(id="system", name="system", role=Role.ADMIN)
"""The local operator at the command line: trusted like an administrator."""


@dataclass(frozen=True)
class Where:
    """Where the thing acted on belongs: its county, station and carrier, as far as known."""

    county: str | None = None
    station: str | None = None
    carrier: str | None = None


def _within(p: Principal, scope: Scope, where: Where) -> bool:
    in_county = where.county is None or covers(p.county, where.county)
    if scope is Scope.ALL:
        return True
    if scope is Scope.COUNTY:
        return in_county
    if scope is Scope.STATION:
        return in_county and where.station is not None and where.station == p.station
    return in_county and where.carrier is not None and where.carrier == p.carrier


def allowed(p: Principal, action: Action, resource: Resource, where: Where = Where()) -> bool:
    """Whether `p` may take `action` on `resource` at `where`."""
    grant = RULES.get(p.role, {}).get(resource)
    return grant is not None and action in grant.actions and _within(p, grant.scope, where)


def require(p: Principal, action: Action, resource: Resource, where: Where = Where()) -> None:
    """Raise Forbidden unless `p` may take `action` on `resource` at `where`."""
    if not allowed(p, action, resource, where):
        raise Forbidden(
            f"a {p.role.value} may not {action.value} this {resource.value.replace('_', ' ')}"
        )


def scope_of(p: Principal, action: Action, resource: Resource) -> Scope | None:
    """How far `p` may take `action` on `resource` (None: not at all), to filter lists."""
    grant = RULES.get(p.role, {}).get(resource)
    return grant.scope if grant is not None and action in grant.actions else None


def reaches(p: Principal, county: str) -> bool:
    """Whether any grant of `p` could act in `county`: a principal bound to a county acts
    in no other (every scope but ALL keeps to it), so a request naming another county can be
    refused before anything of it is looked up — whether it is loaded or not. A regulator
    bound to a prefecture acts in its counties, and no other."""
    if covers(p.county, county):
        return True
    return any(g.scope is Scope.ALL for g in RULES.get(p.role, {}).values())
