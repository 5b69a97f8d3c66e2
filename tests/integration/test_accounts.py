"""Users, passwords, sessions and API keys in a real database."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, select

from countyexpress.adapters.db import tables_auth
from countyexpress.adapters.db.uow import SqlUnitOfWork
from countyexpress.bootstrap import read_pack_source
from countyexpress.domain.access import SYSTEM, Principal, Role
from countyexpress.errors import Forbidden, InvalidValue, NotAuthenticated
from countyexpress.services import accounts
from countyexpress.services import counties as county_service

PASSWORD = "a long test password"


@pytest.fixture
def uow(engine: Engine) -> SqlUnitOfWork:
    county_service.load_county(SqlUnitOfWork(engine), read_pack_source("heshuo"))
    return SqlUnitOfWork(engine)


def test_a_password_is_stored_as_an_argon2_hash(uow: SqlUnitOfWork, engine: Engine) -> None:
    """The database never holds the password itself."""
    accounts.create_user(uow, SYSTEM, "Reg", PASSWORD, Role.REGULATOR, county="652828")
    with engine.connect() as conn:
        stored = conn.execute(select(tables_auth.users.c.password_hash)).scalar_one()
    assert stored.startswith("$argon2id$") and PASSWORD not in stored


def test_log_in_checks_the_password_and_names_no_cause(uow: SqlUnitOfWork) -> None:
    """Right password: the user's principal; wrong password or unknown user: one message."""
    accounts.create_user(uow, SYSTEM, "keeper", PASSWORD, Role.STATION_KEEPER,
                         county="652828", station="HS-STA-01")  # fmt: skip
    principal, session = accounts.log_in(uow, "KEEPER", PASSWORD)
    assert (principal.role, principal.station) == (Role.STATION_KEEPER, "HS-STA-01")
    assert accounts.principal_of_session(uow, session) == principal
    for name, password in (("keeper", "wrong password!"), ("nobody", PASSWORD)):
        with pytest.raises(NotAuthenticated, match="wrong user name or password"):
            accounts.log_in(uow, name, password)


def test_a_new_password_ends_the_users_sessions(uow: SqlUnitOfWork) -> None:
    """The session version moves on; an old cookie no longer names anyone."""
    accounts.create_user(uow, SYSTEM, "reg", PASSWORD, Role.REGULATOR, county="652828")
    _, session = accounts.log_in(uow, "reg", PASSWORD)
    accounts.change_password(uow, SYSTEM, "reg", "another long password")
    assert accounts.principal_of_session(uow, session) is None


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"role": Role.STATION_KEEPER, "county": "652828", "station": "NO-SUCH"}, "station"),
        ({"role": Role.STATION_KEEPER, "county": "652828", "station": "HS-CENTER"}, "station"),
        ({"role": Role.CARRIER, "county": "652828", "carrier": "nosuch"}, "carrier"),
        ({"role": Role.REGULATOR, "county": "990101"}, "county"),
    ],
)
def test_a_user_is_bound_to_things_that_exist(
    uow: SqlUnitOfWork, kwargs: dict[str, object], field: str
) -> None:
    """A keeper's station must be a station, outlet or locker of the county; and so on."""
    binding = dict(kwargs)
    role = binding.pop("role")
    with pytest.raises(InvalidValue) as info:
        accounts.create_user(uow, SYSTEM, "someone", PASSWORD, role, **binding)  # type: ignore[arg-type]
    assert info.value.field == field


def test_only_an_administrator_adds_users(uow: SqlUnitOfWork) -> None:
    """A regulator cannot make itself colleagues."""
    reg = Principal("u", "reg", Role.REGULATOR, county="652828")
    with pytest.raises(Forbidden):
        accounts.create_user(uow, reg, "friend", PASSWORD, Role.ADMIN)


def test_an_api_key_is_shown_once_stored_hashed_and_can_be_revoked(
    uow: SqlUnitOfWork, engine: Engine
) -> None:
    """The key names its carrier; after revocation it names no one."""
    key, record = accounts.create_api_key(uow, SYSTEM, "zto", county="652828")
    with engine.connect() as conn:
        stored = conn.execute(select(tables_auth.api_keys.c.key_hash)).scalar_one()
    assert key not in stored and len(stored) == 64
    principal = accounts.principal_of_key(uow, key)
    assert principal is not None and (principal.role, principal.carrier) == (Role.CARRIER, "zto")
    assert accounts.principal_of_key(uow, key + "x") is None
    accounts.revoke_api_key(uow, SYSTEM, record.prefix)
    assert accounts.principal_of_key(uow, key) is None


def test_the_first_administrator_can_be_made_only_once(uow: SqlUnitOfWork) -> None:
    """The set-up page's use case refuses once anyone exists."""
    accounts.create_first_admin(uow, "admin", PASSWORD)
    with pytest.raises(InvalidValue, match="exists already"):
        accounts.create_first_admin(uow, "admin2", PASSWORD)


def test_reads_of_personal_data_are_audited(uow: SqlUnitOfWork) -> None:
    """Who read which parcel's personal data, newest first, for the county's regulator."""
    keeper = Principal("user:9", "k", Role.STATION_KEEPER, county="652828", station="HS-STA-01")
    accounts.record_personal_read(uow, keeper, "652828", "ZT0000000001")
    reg = Principal("u", "reg", Role.REGULATOR, county="652828")
    entries = accounts.audit_log(uow, reg, "652828")
    assert [(e.principal_id, e.subject) for e in entries] == [("user:9", "ZT0000000001")]
    with pytest.raises(Forbidden):
        accounts.audit_log(uow, keeper, "652828")
