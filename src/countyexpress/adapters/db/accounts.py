"""Users, API keys and the audit log: rows to the domain's classes and back."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Connection, func, insert, select, update

from countyexpress.adapters.db import tables_auth as t
from countyexpress.domain.access import PREFECTURE_DIGITS, Role
from countyexpress.domain.accounts import ApiKey, AuditEntry, User

KEY_USE_RESOLUTION = dt.timedelta(minutes=1)
"""An API key's last use is written at most this often: a read with a key then needs no
write (and no write lock) while its noted use is fresh."""


def _user(r: Any) -> User:
    return User(
        id=r.id,
        username=r.username,
        display_name=r.display_name,
        role=Role(r.role),
        password_hash=r.password_hash,
        county=r.county_code,
        station=r.station_code,
        carrier=r.carrier_code,
        active=bool(r.active),
        session_version=r.session_version,
        unit=r.unit_code,
        last_login=(
            r.last_login_at.replace(tzinfo=dt.UTC)
            if r.last_login_at is not None and r.last_login_at.tzinfo is None  # SQLite
            else r.last_login_at
        ),
    )


def _key(r: Any) -> ApiKey:
    return ApiKey(
        id=r.id,
        prefix=r.prefix,
        carrier=r.carrier_code,
        county=r.county_code,
        name=r.name,
        created_at=r.created_at,
        revoked_at=r.revoked_at,
    )


class SqlAccountRepository:
    """Users, keys and audit entries on one connection."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection

    def count_users(self) -> int:
        """How many users exist."""
        return int(self.connection.scalar(select(func.count()).select_from(t.users)) or 0)

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
    ) -> User:
        """Store a new user and return it with its id."""
        result = self.connection.execute(
            insert(t.users).values(
                username=username, display_name=display_name, role=role.value,
                password_hash=password_hash, county_code=county, station_code=station,
                carrier_code=carrier, unit_code=unit, active=True, session_version=1,
                created_at=dt.datetime.now(dt.UTC),
            )
        )  # fmt: skip
        key = result.inserted_primary_key
        assert key is not None
        user = self.user(int(key[0]))
        assert user is not None
        return user

    def user(self, user_id: int) -> User | None:
        """The user with this id."""
        row = self.connection.execute(select(t.users).where(t.users.c.id == user_id)).first()
        return _user(row) if row else None

    def user_named(self, username: str) -> User | None:
        """The user with this name."""
        row = self.connection.execute(select(t.users).where(t.users.c.username == username)).first()
        return _user(row) if row else None

    def users(self) -> list[User]:
        """Every user, by name."""
        return [_user(r) for r in self.connection.execute(select(t.users).order_by("username"))]

    def set_password(self, user_id: int, password_hash: str) -> None:
        """Change a user's password and end its sessions."""
        self.connection.execute(
            update(t.users)
            .where(t.users.c.id == user_id)
            .values(password_hash=password_hash, session_version=t.users.c.session_version + 1)
        )

    def set_active(self, user_id: int, active: bool) -> None:
        """Disable a user (ending its sessions) or enable it again."""
        self.connection.execute(
            update(t.users)
            .where(t.users.c.id == user_id)
            .values(
                active=active,
                session_version=t.users.c.session_version + (0 if active else 1),
            )
        )

    def touch_login(self, user_id: int, password_hash: str | None = None) -> None:
        """Note a successful log-in (and store a stronger hash when one was made)."""
        values: dict[str, Any] = {"last_login_at": dt.datetime.now(dt.UTC)}
        if password_hash:
            values["password_hash"] = password_hash
        self.connection.execute(update(t.users).where(t.users.c.id == user_id).values(**values))

    def add_key(
        self, prefix: str, key_hash: str, carrier: str, county: str | None, name: str
    ) -> ApiKey:
        """Store a new API key's hash."""
        self.connection.execute(
            insert(t.api_keys).values(
                prefix=prefix, key_hash=key_hash, carrier_code=carrier, county_code=county,
                name=name, created_at=dt.datetime.now(dt.UTC),
            )
        )  # fmt: skip
        row = self.connection.execute(select(t.api_keys).where(t.api_keys.c.prefix == prefix)).one()
        return _key(row)

    def key_by_hash(self, key_hash: str, now: dt.datetime | None = None) -> ApiKey | None:
        """The key with this hash, noting that it was used when its last noted use is older
        than `KEY_USE_RESOLUTION` (so most requests with a key only read)."""
        row = self.connection.execute(
            select(t.api_keys).where(t.api_keys.c.key_hash == key_hash)
        ).first()
        if row is None:
            return None
        now = now or dt.datetime.now(dt.UTC)
        last = row.last_used_at
        if last is not None and last.tzinfo is None:  # SQLite: naive UTC
            last = last.replace(tzinfo=dt.UTC)
        if last is None or not now - KEY_USE_RESOLUTION < last <= now:
            self.connection.execute(
                update(t.api_keys).where(t.api_keys.c.id == row.id).values(last_used_at=now)
            )
        return _key(row)

    def keys(self) -> list[ApiKey]:
        """Every key, newest first."""
        rows = self.connection.execute(select(t.api_keys).order_by(t.api_keys.c.id.desc()))
        return [_key(r) for r in rows]

    def revoke_key(self, prefix: str) -> bool:
        """Revoke the key with this prefix; False if there is none."""
        result = self.connection.execute(
            update(t.api_keys)
            .where(t.api_keys.c.prefix == prefix, t.api_keys.c.revoked_at.is_(None))
            .values(revoked_at=dt.datetime.now(dt.UTC))
        )
        return bool(result.rowcount)

    def audit(self, entry: AuditEntry) -> None:
        """Append one entry to the audit log."""
        self.connection.execute(
            insert(t.audit_log).values(
                at=entry.at, principal_id=entry.principal_id, role=entry.role,
                action=entry.action, resource=entry.resource, county_code=entry.county,
                subject=entry.subject,
            )
        )  # fmt: skip

    def audit_entries(self, county: str | None, limit: int = 200) -> list[AuditEntry]:
        """The newest audit entries of one county (6 digits), of a prefecture's counties
        (4 digits: the codes that start with it, as `access.covers`) or of all (None)."""
        q = select(t.audit_log).order_by(t.audit_log.c.id.desc()).limit(limit)
        if county is not None and len(county) == PREFECTURE_DIGITS:
            q = q.where(t.audit_log.c.county_code.startswith(county))
        elif county is not None:
            q = q.where(t.audit_log.c.county_code == county)
        return [
            AuditEntry(
                at=r.at if r.at.tzinfo else r.at.replace(tzinfo=dt.UTC),  # SQLite: naive UTC
                principal_id=r.principal_id, role=r.role, action=r.action,
                resource=r.resource, county=r.county_code, subject=r.subject,
            )
            for r in self.connection.execute(q)
        ]  # fmt: skip
