"""Users, carriers' API keys and the audit log of reads of personal data."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from countyexpress.domain.access import Principal, Role
from countyexpress.errors import InvalidValue

USERNAME = re.compile(r"[a-z0-9][a-z0-9._-]{1,39}")
MIN_PASSWORD_LENGTH = 10


def username(value: str) -> str:
    """A checked user name: 2-40 lower-case letters, digits, dots, dashes, underscores."""
    v = value.strip().lower()
    if not USERNAME.fullmatch(v):
        raise InvalidValue("username", "use 2-40 lower-case letters, digits, '.', '-' or '_'")
    return v


def check_password(password: str, name: str) -> None:
    """Refuse a password that is short or is the user name."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidValue(
            "password", f"a password needs at least {MIN_PASSWORD_LENGTH} characters"
        )
    if password.strip().lower() == name.lower():
        raise InvalidValue("password", "a password may not be the user name")


@dataclass(frozen=True)
class User:
    """A person who logs in; `session_version` changes to end every session of the user."""

    id: int
    username: str
    display_name: str
    role: Role
    password_hash: str
    county: str | None = None
    station: str | None = None
    carrier: str | None = None
    active: bool = True
    session_version: int = 1
    unit: str | None = None  # a regulator's unit of the plan (牵头/配合单位), by code
    last_login: dt.datetime | None = None  # the last log-in, UTC

    def principal(self) -> Principal:
        """The user acting on the platform."""
        return Principal(
            id=f"user:{self.id}",
            name=self.display_name or self.username,
            role=self.role,
            county=self.county,
            station=self.station,
            carrier=self.carrier,
            unit=self.unit,
        )


@dataclass(frozen=True)
class ApiKey:
    """A carrier system's key; only its hash is stored, `prefix` names it in lists."""

    id: int
    prefix: str
    carrier: str
    county: str | None
    name: str
    created_at: dt.datetime
    revoked_at: dt.datetime | None = None

    @property
    def active(self) -> bool:
        """Not revoked."""
        return self.revoked_at is None

    def principal(self) -> Principal:
        """The carrier's system acting on the platform."""
        return Principal(
            id=f"key:{self.prefix}",
            name=self.name or self.carrier,
            role=Role.CARRIER,
            county=self.county,
            carrier=self.carrier,
        )


@dataclass(frozen=True)
class AuditEntry:
    """One read of personal data: who, when, what (a reference such as a waybill number)."""

    at: dt.datetime
    principal_id: str
    role: str
    action: str
    resource: str
    county: str | None
    subject: str
