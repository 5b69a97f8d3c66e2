"""No public secrets: a session cookie signed with any string of the source is refused."""

from __future__ import annotations

import ast
import base64
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from itsdangerous import TimestampSigner

import countyexpress
from countyexpress import bootstrap
from countyexpress.adapters.db.uow import SqlUnitOfWork
from countyexpress.entrypoints.api.app import create_app
from countyexpress.entrypoints.web.shell import SESSION_COOKIE
from countyexpress.services import counties as service
from countyexpress.settings import Settings
from support.web import HESHUO, PEOPLE, add_user, log_in

AUDIT = f"/api/v1/counties/{HESHUO}/audit"  # the regulator's and the administrator's only


def _source_strings() -> set[str]:
    """Every string literal in the package's Python source."""
    found: set[str] = set()
    for path in Path(countyexpress.__file__).parent.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                found.add(node.value)
    return found


def _cookie(secret: str, session: dict[str, object]) -> str:
    """A session cookie as Starlette's SessionMiddleware makes it, signed with `secret`."""
    data = base64.b64encode(json.dumps(session).encode("utf-8"))
    return TimestampSigner(secret).sign(data).decode("utf-8")


@pytest.fixture
def app_settings(tmp_path: Path) -> Iterator[tuple[TestClient, Settings, dict[str, object]]]:
    """The real app with defaults (a fresh data folder), an administrator and their session."""
    settings = Settings(data_dir=tmp_path / "data")
    engine = bootstrap.open_engine(settings)
    service.load_county(bootstrap.uow_factory(engine)(), bootstrap.read_pack_source("heshuo"))
    add_user(engine, PEOPLE["admin"])
    with SqlUnitOfWork(engine) as uow:
        admin = uow.accounts.user_named("admin")
    assert admin is not None
    with TestClient(create_app(settings, engine)) as client:
        yield client, settings, {"uid": admin.id, "ver": admin.session_version}
    engine.dispose()


def test_a_cookie_signed_with_any_string_of_the_source_is_refused_as_the_administrator(
    app_settings: tuple[TestClient, Settings, dict[str, object]],
) -> None:
    """Forged with each of the ~4,000 source strings: 401; signed with the install's key: 200."""
    client, settings, admin_session = app_settings
    genuine = _cookie(settings.secret_key.get_secret_value(), admin_session)
    assert client.get(AUDIT, headers={"cookie": f"{SESSION_COOKIE}={genuine}"}).status_code == 200
    strings = _source_strings()
    assert "development-only-secret" not in strings
    accepted = []
    for literal in strings - {""}:
        forged = _cookie(literal, admin_session)
        r = client.get(AUDIT, headers={"cookie": f"{SESSION_COOKIE}={forged}"})
        if r.status_code != 401:
            accepted.append((literal, r.status_code))
    assert accepted == []
    assert len(strings) > 1000  # the scan did read the source


def test_the_old_development_secret_no_longer_opens_a_session(
    app_settings: tuple[TestClient, Settings, dict[str, object]],
) -> None:
    """The constant every development install used to share is just another wrong key."""
    client, _, admin_session = app_settings
    forged = _cookie("development-only-secret", admin_session)
    assert client.get(AUDIT, headers={"cookie": f"{SESSION_COOKIE}={forged}"}).status_code == 401


def test_the_generated_secret_signs_the_sessions_of_a_real_log_in(
    app_settings: tuple[TestClient, Settings, dict[str, object]],
) -> None:
    """The cookie a log-in sets verifies with the data folder's own key, and with no other."""
    client, settings, _ = app_settings
    log_in(client, "admin")
    cookie = client.cookies[SESSION_COOKIE]
    assert TimestampSigner(settings.secret_key.get_secret_value()).validate(cookie)
    assert not TimestampSigner("development-only-secret").validate(cookie)
