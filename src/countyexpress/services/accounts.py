"""Accounts: users and log-in, carriers' API keys, and the audit log of personal-data reads."""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass, replace
from typing import Protocol

from countyexpress.adapters.security import (
    hash_api_key,
    hash_password,
    needs_rehash,
    new_api_key,
    verify_password,
)
from countyexpress.domain.access import (
    PREFECTURE_DIGITS,
    Action,
    Principal,
    Resource,
    Role,
    Where,
    covers,
    require,
)
from countyexpress.domain.accounts import (
    ApiKey,
    AuditEntry,
    User,
    check_password,
    username,
)
from countyexpress.domain.county import County
from countyexpress.domain.facilities import FacilityKind
from countyexpress.domain.geography import county_code6, prefecture_code
from countyexpress.errors import (
    N_,
    Forbidden,
    InvalidValue,
    NotAllowed,
    NotAuthenticated,
    NotFound,
    said,
)
from countyexpress.services.unit_of_work import Transaction

STATION_KINDS = (FacilityKind.STATION, FacilityKind.OUTLET, FacilityKind.LOCKER)
"""Facilities a station keeper can be bound to: village stations, outlets, locker banks."""


class AccountRepository(Protocol):
    """Where users, keys and audit entries are kept."""

    def count_users(self) -> int: ...
    def add_user(
        self,
        username: str,
        display_name: str,
        role: Role,
        password_hash: str,
        county: str | None,
        station: str | None,
        carrier: str | None,
        unit: str | None = None,
    ) -> User: ...
    def user(self, user_id: int) -> User | None: ...
    def user_named(self, username: str) -> User | None: ...
    def users(self) -> list[User]: ...
    def set_password(self, user_id: int, password_hash: str) -> None: ...
    def set_active(self, user_id: int, active: bool) -> None: ...
    def touch_login(self, user_id: int, password_hash: str | None = None) -> None: ...
    def add_key(
        self, prefix: str, key_hash: str, carrier: str, county: str | None, name: str
    ) -> ApiKey: ...
    def key_by_hash(self, key_hash: str) -> ApiKey | None: ...
    def keys(self) -> list[ApiKey]: ...
    def revoke_key(self, prefix: str) -> bool: ...
    def audit(self, entry: AuditEntry) -> None: ...
    def audit_entries(self, county: str | None, limit: int = 200) -> list[AuditEntry]: ...


class CountyLookup(Protocol):
    def get(self, code: str) -> County | None: ...


class AccountsUnitOfWork(Transaction, Protocol):
    """The part of a unit of work these use cases need."""

    @property
    def accounts(self) -> AccountRepository: ...
    @property
    def counties(self) -> CountyLookup: ...


@dataclass(frozen=True)
class Session:
    """What a signed session cookie holds: the user and its session version."""

    user_id: int
    version: int


def _check_binding(
    uow: AccountsUnitOfWork,
    role: Role,
    county: str | None,
    station: str | None,
    carrier: str | None,
    unit: str | None = None,
) -> str | None:
    """The checked county code (or a regulator's 4-digit prefecture code); the station,
    carrier and unit must exist in that county."""
    prefecture = county is not None and len(county.strip()) == PREFECTURE_DIGITS
    code = (prefecture_code if prefecture else county_code6)(county) if county else None
    Principal("new", "new", role, code, station, carrier, unit)  # the domain's binding rules
    if code is None or prefecture:
        return code  # a prefecture: its counties may be loaded later
    c = uow.counties.get(code)
    if c is None:
        raise InvalidValue("county", f"county {code} is not loaded")
    if station and not any(f.code == station and f.kind in STATION_KINDS for f in c.facilities):
        raise InvalidValue("station", f"{station} is not a station, outlet or locker of {code}")
    if carrier and carrier not in {x.code for x in c.carriers}:
        raise InvalidValue("carrier", f"carrier {carrier} is not registered in {code}")
    if unit and c.plan.unit(unit) is None:
        raise InvalidValue("unit", f"{unit} is not a unit of {code}'s plan")
    return code


def create_user(
    uow: AccountsUnitOfWork,
    by: Principal,
    name: str,
    password: str,
    role: Role,
    *,
    display_name: str = "",
    county: str | None = None,
    station: str | None = None,
    carrier: str | None = None,
    unit: str | None = None,
) -> User:
    """Add a user with a hashed password; only an administrator may."""
    require(by, Action.EDIT, Resource.USER)
    name = username(name)
    check_password(password, name)
    with uow:
        code = _check_binding(uow, role, county, station, carrier, unit)
        if uow.accounts.user_named(name) is not None:
            raise said(InvalidValue, N_("User %(name)s exists already."), "username", name=name)
        user = uow.accounts.add_user(
            name,
            display_name.strip(),
            role,
            hash_password(password),
            code,
            station,
            carrier,
            unit,
        )
        uow.commit()
    return user


def create_first_admin(uow: AccountsUnitOfWork, name: str, password: str) -> User:
    """The first administrator of an empty install; refused once any user exists."""
    name = username(name)
    check_password(password, name)
    with uow:
        if uow.accounts.count_users():
            raise InvalidValue("username", "the first administrator exists already: log in")
        user = uow.accounts.add_user(
            name, "", Role.ADMIN, hash_password(password), None, None, None
        )
        uow.commit()
    return user


def has_users(uow: AccountsUnitOfWork) -> bool:
    """Whether anyone can log in yet."""
    with uow:
        return uow.accounts.count_users() > 0


def log_in(uow: AccountsUnitOfWork, name: str, password: str) -> tuple[Principal, Session]:
    """Check a user name and password; the same NotAuthenticated for either being wrong."""
    with uow:
        user = uow.accounts.user_named(name.strip().lower())
        ok = verify_password(user.password_hash if user else None, password)
        if user is None or not ok or not user.active:
            raise NotAuthenticated("wrong user name or password")
        rehash = hash_password(password) if needs_rehash(user.password_hash) else None
        uow.accounts.touch_login(user.id, rehash)
        uow.commit()
    return user.principal(), Session(user.id, user.session_version)


def principal_of_session(uow: AccountsUnitOfWork, session: Session) -> Principal | None:
    """The user of a session, unless it was disabled or its sessions were ended."""
    with uow:
        user = uow.accounts.user(session.user_id)
    if user is None or not user.active or user.session_version != session.version:
        return None
    return user.principal()


def change_password(uow: AccountsUnitOfWork, by: Principal, name: str, password: str) -> None:
    """Set a user's password (ending its sessions); only an administrator may."""
    require(by, Action.EDIT, Resource.USER)
    with uow:
        user = uow.accounts.user_named(name.strip().lower())
        if user is None:
            raise NotFound(f"no user {name}")
        check_password(password, user.username)
        uow.accounts.set_password(user.id, hash_password(password))
        uow.commit()


def _audit_user_change(uow: AccountsUnitOfWork, by: Principal, user: User, what: str) -> None:
    """Note in the audit log that `by` changed `user` (`what`: disable, enable, password)."""
    uow.accounts.audit(
        AuditEntry(
            at=dt.datetime.now(dt.UTC), principal_id=by.id, role=by.role.value,
            action=Action.EDIT.value, resource=Resource.USER.value, county=user.county,
            subject=f"user:{user.id} {what}",
        )
    )  # fmt: skip


def set_active(uow: AccountsUnitOfWork, by: Principal, name: str, active: bool) -> User:
    """Disable a user (its sessions end at once) or enable it again; only an administrator
    may, and not on themselves. Audit-logged."""
    require(by, Action.EDIT, Resource.USER)
    with uow:
        user = uow.accounts.user_named(name.strip().lower())
        if user is None:
            raise said(NotFound, N_("There is no user %(name)s."), name=name)
        if not active and by.id == f"user:{user.id}":
            raise said(NotAllowed, N_("You cannot disable your own account."))
        uow.accounts.set_active(user.id, active)
        _audit_user_change(uow, by, user, "enable" if active else "disable")
        uow.commit()
    return replace(user, active=active)


def reset_password(
    uow: AccountsUnitOfWork, by: Principal, name: str, password: str | None = None
) -> str:
    """Set a user's password to `password`, or to a new one-time password when none is
    given (returned to be shown once and handed over); the user's sessions end. Only an
    administrator may. Audit-logged (never the password)."""
    require(by, Action.EDIT, Resource.USER)
    new = password or new_one_time_password()
    with uow:
        user = uow.accounts.user_named(name.strip().lower())
        if user is None:
            raise said(NotFound, N_("There is no user %(name)s."), name=name)
        try:
            check_password(new, user.username)
        except InvalidValue as exc:
            raise said(
                InvalidValue, N_("Use at least 10 characters, not the user name."), "password"
            ) from exc
        uow.accounts.set_password(user.id, hash_password(new))
        _audit_user_change(uow, by, user, "password")
        uow.commit()
    return new


def new_one_time_password() -> str:
    """A random password of 16 characters for a reset, to be changed by its user."""
    return secrets.token_urlsafe(12)


def list_users(uow: AccountsUnitOfWork, by: Principal) -> list[User]:
    """Every user; only an administrator may see them."""
    require(by, Action.READ, Resource.USER)
    with uow:
        return uow.accounts.users()


def create_api_key(
    uow: AccountsUnitOfWork,
    by: Principal,
    carrier: str,
    *,
    county: str | None = None,
    name: str = "",
) -> tuple[str, ApiKey]:
    """A new key for a carrier's system: the key itself (shown once) and its record."""
    require(by, Action.EDIT, Resource.USER)
    with uow:
        code = _check_binding(uow, Role.CARRIER, county, None, carrier)
        key, prefix, digest = new_api_key()
        record = uow.accounts.add_key(prefix, digest, carrier, code, name.strip())
        uow.commit()
    return key, record


def revoke_api_key(uow: AccountsUnitOfWork, by: Principal, prefix: str) -> None:
    """Revoke a key by its prefix."""
    require(by, Action.EDIT, Resource.USER)
    with uow:
        if not uow.accounts.revoke_key(prefix):
            raise NotFound(f"no active key {prefix}")
        uow.commit()


def principal_of_key(uow: AccountsUnitOfWork, key: str) -> Principal | None:
    """The carrier system holding `key`, unless the key is unknown or revoked."""
    with uow:
        record = uow.accounts.key_by_hash(hash_api_key(key))
        uow.commit()
    if record is None or not record.active:
        return None
    return record.principal()


def record_personal_read(
    uow: AccountsUnitOfWork, by: Principal, county: str | None, subject: str
) -> None:
    """Note in the audit log that `by` read personal data of `subject` (e.g. a waybill number).

    Call it inside the service that reveals the data, after its `require`; `subject` must not
    itself be personal data.
    """
    entry = AuditEntry(
        at=dt.datetime.now(dt.UTC),
        principal_id=by.id,
        role=by.role.value,
        action=Action.READ.value,
        resource=Resource.PERSONAL_DATA.value,
        county=county,
        subject=subject,
    )
    with uow:
        uow.accounts.audit(entry)
        uow.commit()


def audit_log(
    uow: AccountsUnitOfWork, by: Principal, county: str | None, limit: int = 200
) -> list[AuditEntry]:
    """The newest reads of personal data, of `county` or (None) of every county the
    principal reaches: its county, its prefecture's counties (a regulator bound to 6528),
    or every county (bound to none)."""
    require(by, Action.READ, Resource.AUDIT, Where(county=county))
    with uow:
        return uow.accounts.audit_entries(county if county else by.county, limit)


@dataclass(frozen=True)
class AuditLine:
    """An audit entry with the name of who read: a user's log-in name or a key's name."""

    entry: AuditEntry
    who: str


def audit_report(
    uow: AccountsUnitOfWork, by: Principal, county: str, limit: int = 500
) -> list[AuditLine]:
    """The newest reads of a county's personal data, newest first, each with who read it
    (the log keeps ids; a user renamed or removed later shows its id)."""
    entries = audit_log(uow, by, county_code6(county), limit)
    reads = [e for e in entries if e.resource != Resource.USER.value]
    return _named(uow, reads)  # reads; an administrator's changes of users: `user_changes`


def audit_report_within(
    uow: AccountsUnitOfWork, by: Principal, within: str | None, limit: int = 500
) -> list[AuditLine]:
    """The newest reads of personal data in the counties `within` takes in — a prefecture
    (4 digits, e.g. 6528: its counties), a county (6) or every county (None) — newest
    first, each entry carrying its county; `by` reads only within its own binding."""
    if within is not None and len(within) == PREFECTURE_DIGITS:
        within = prefecture_code(within)
    elif within is not None:
        within = county_code6(within)
    if by.county is not None and not (within or "").startswith(by.county):
        raise said(Forbidden, N_("You may not read the audit log of %(code)s."),
                   code=within or "*")  # fmt: skip
    require(by, Action.READ, Resource.AUDIT, Where(county=within if within else None))
    with uow:
        entries = uow.accounts.audit_entries(within, limit)
    reads = [e for e in entries if e.resource != Resource.USER.value and e.county is not None]
    return _named(uow, [e for e in reads if covers(by.county, e.county or "")])


def _named(uow: AccountsUnitOfWork, entries: list[AuditEntry]) -> list[AuditLine]:
    with uow:
        names = {f"user:{u.id}": u.username for u in uow.accounts.users()}
        api_keys = uow.accounts.keys()
        names.update({f"key:{k.prefix}": k.name or k.carrier for k in api_keys})
    return [AuditLine(e, names.get(e.principal_id, e.principal_id)) for e in entries]


def user_changes(uow: AccountsUnitOfWork, by: Principal, limit: int = 50) -> list[AuditLine]:
    """The newest changes of users (disable, enable, password), newest first, each with who
    made it; only an administrator may see them."""
    require(by, Action.READ, Resource.USER)
    with uow:
        entries = uow.accounts.audit_entries(None, 1000)
    return _named(uow, [e for e in entries if e.resource == Resource.USER.value][:limit])
