"""Role × endpoint: every route of the app, asked by every role, answers as the rules say.

The routes are read from the app itself, so a router added later is checked at once: a
route missing from MATRIX fails `test_every_route_is_in_the_matrix` until its row is added.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from countyexpress import bootstrap
from countyexpress.entrypoints.api.app import create_app
from countyexpress.services import counties as county_service
from countyexpress.settings import Settings
from packs import FIXTURES
from support.web import PEOPLE, Someone, add_key, add_user, csrf_of, log_in

ANON = "anonymous"
FOREIGN = "foreign_regulator"  # a regulator of another county
CARRIER = "carrier"
ROLES = (ANON, *PEOPLE, CARRIER, FOREIGN)
STAFF = tuple(r for r in ROLES if r != ANON)

OK, DENY = "ok", "deny"


def row(ok: tuple[str, ...]) -> dict[str, str]:
    """The expectation of every role: OK for those listed, DENY for the others."""
    return {r: OK if r in ok else DENY for r in ROLES}


PUBLIC = row(ROLES)
LOGGED_IN = row(STAFF)
HESHUO_READERS = row(tuple(r for r in STAFF if r != FOREIGN))
HESHUO_REGISTRY_EDITORS = row(("regulator", "admin"))
PARCEL_READERS = HESHUO_READERS  # each reads only its scope: station, carrier (service-level)
STATION_DESK = row(("centre_operator", "station_keeper", "driver"))  # the keeper's own station
CENTRE_DESK = row(("centre_operator", "driver"))
SCANNERS = row(("centre_operator", "station_keeper", "driver", CARRIER))
ROUTE_READERS = row(("regulator", "centre_operator", "driver", "admin"))

MATRIX: dict[str, dict[str, str]] = {
    "GET /healthz": PUBLIC,
    "GET /metrics": PUBLIC,
    "GET /api/v1/openapi.json": PUBLIC,
    "GET /api/v1/docs": PUBLIC,
    "GET /api/v1/redoc": PUBLIC,
    "GET /login": PUBLIC,
    "POST /login": PUBLIC,
    "GET /setup": PUBLIC,
    "POST /setup": PUBLIC,
    "POST /logout": PUBLIC,
    "GET /": LOGGED_IN,
    "GET /api/v1/counties": LOGGED_IN,
    "GET /api/v1/counties/{code}": HESHUO_READERS,
    "GET /api/v1/counties/{code}/divisions": HESHUO_READERS,
    "GET /api/v1/counties/{code}/facilities": HESHUO_READERS,
    "GET /counties/{code}": HESHUO_READERS,
    "GET /counties/{code}/overview": HESHUO_READERS,
    "GET /counties/{code}/map": HESHUO_READERS,
    "GET /counties/{code}/facilities": HESHUO_READERS,
    "GET /counties/{code}/carriers": HESHUO_READERS,
    "GET /counties/{code}/siting": row(("regulator", "centre_operator", "admin")),
    "POST /counties/{code}/siting": row(("regulator", "admin")),
    "GET /counties/{code}/siting/compare": row(("regulator", "centre_operator", "admin")),
    "GET /counties/{code}/siting/compare.xlsx": row(("regulator", "centre_operator", "admin")),
    "GET /counties/{code}/scenarios": row(("regulator", "centre_operator", "admin")),
    "POST /counties/{code}/scenarios": row(("regulator", "admin")),
    "POST /counties/{code}/scenarios/quick": row(("regulator", "admin")),
    "GET /counties/{code}/scenarios/{run_id}": row(("regulator", "centre_operator", "admin")),
    "GET /counties/{code}/scenarios/{run_id}/progress": row(
        ("regulator", "centre_operator", "admin")
    ),
    "GET /counties/{code}/scenarios/{run_id}/comparison.xlsx": row(
        ("regulator", "centre_operator", "admin")
    ),
    "GET /counties/{code}/facilities.xlsx": row(("regulator", "centre_operator", "admin")),
    "GET /counties/{code}/carriers.xlsx": HESHUO_REGISTRY_EDITORS,
    "POST /counties/{code}/facilities/import": HESHUO_REGISTRY_EDITORS,
    "GET /lookup": PUBLIC,
    "GET /station": row(("station_keeper",)),
    "GET /counties/{code}/stations/{facility}": STATION_DESK,
    "GET /counties/{code}/stations/{facility}/shelf": STATION_DESK,
    "POST /counties/{code}/stations/{facility}/inbound": STATION_DESK,
    "POST /counties/{code}/stations/{facility}/handover": STATION_DESK,
    "POST /counties/{code}/stations/{facility}/intake": STATION_DESK,
    "GET /counties/{code}/centre": HESHUO_READERS,  # leads on to the centre's screen
    "GET /counties/{code}/centre/{centre_code}": CENTRE_DESK,
    "GET /counties/{code}/centre/{centre_code}/panels": CENTRE_DESK,
    "POST /counties/{code}/centre/{centre_code}/inbound": CENTRE_DESK,
    "POST /counties/{code}/centre/{centre_code}/dispatch": CENTRE_DESK,
    "POST /counties/{code}/centre/{centre_code}/resolve": CENTRE_DESK,
    "POST /api/v1/scans": SCANNERS,
    "GET /api/v1/parcels/{waybill_no}": PARCEL_READERS,
    "POST /api/v1/parcels/lookup": PUBLIC,
    "POST /api/v1/counties/{code}/routes": row(("centre_operator",)),
    "GET /api/v1/counties/{code}/routes/{plan_id}/progress": ROUTE_READERS,
    "GET /api/v1/routes/{plan_id}": ROUTE_READERS,
    "GET /api/v1/routes/{plan_id}.geojson": ROUTE_READERS,
    "GET /api/v1/routes/{plan_id}/sheet.pdf": ROUTE_READERS,
    "GET /api/v1/counties/{code}/parcels/{waybill_no}/receiver": row(
        ("centre_operator", "station_keeper", CARRIER)
    ),
    "GET /api/v1/counties/{code}/audit": row(("regulator", "admin")),
    "GET /counties/{code}/audit": row(("regulator", "admin")),
    "GET /counties/{code}/driver": ROUTE_READERS,
    "POST /counties/{code}/driver/door": row(("centre_operator", "driver")),
    "POST /api/v1/manifests": SCANNERS,
    "POST /api/v1/centre/{centre_code}/inbound": SCANNERS,
    "POST /api/v1/centre/{centre_code}/dispatch": SCANNERS,
    "POST /api/v1/stations/{facility}/inbound": SCANNERS,
    "POST /api/v1/stations/{facility}/handover": SCANNERS,
    "POST /api/v1/lockers/{locker}/deposit": SCANNERS,
    "POST /api/v1/consents": SCANNERS,
    "GET /api/v1/counties/{code}/statements/{carrier}/{month}.xlsx": row(
        ("regulator", "centre_operator", "driver", CARRIER, "admin")
    ),
    "POST /api/v1/intake": SCANNERS,
    "POST /api/v1/intake/{waybill_no}/screen": SCANNERS,
    "POST /api/v1/intake/{waybill_no}/depart": SCANNERS,
    "GET /api/v1/counties/{code}/kpis": HESHUO_READERS,
    "GET /api/v1/counties/{code}/coverage": HESHUO_READERS,
    "POST /api/v1/counties/{code}/siting": row(("regulator", "admin")),
    "GET /api/v1/counties/{code}/scenarios": row(("regulator", "centre_operator", "admin")),
    "GET /api/v1/counties/{code}/scenarios/compare": row(("regulator", "centre_operator", "admin")),
}
"""What each role gets from each route. OK: neither 401 nor 403 (a 404 or 422 for the sample
values is fine); DENY: 401, 403 or 404, or for a page the way to the log-in form."""

SAMPLES = {
    "code": "652828",
    "waybill_no": "ZT0000000001",
    "facility": "HS-STA-01",
    "centre_code": "HS-CENTER",
    "locker": "HS-LCK-01",
    "carrier": "zto",
    "month": "2026-11",
    "plan_id": "RP-652828-20261128-000000",
    "run_id": "SR-652828-20261128000000-000000",
}
"""Values for path parameters; a new parameter name needs a sample here."""

PENDING: dict[tuple[str, str], str] = {}
"""Cells known to be wrong until a service checks its principal: reported as xfail while they
answer wrong. Remove an entry once its service checks the principal (issue 3 is doing so)."""

LAST = {"POST /logout"}  # ends the session: asked after every other route


def routes(app: FastAPI) -> list[tuple[str, str]]:
    """(method, path) of every route of the app, included routers too."""
    try:
        from fastapi.routing import iter_route_contexts

        found = [(c.methods, c.path) for c in iter_route_contexts(app.routes)]
    except ImportError:  # FastAPI before lazily included routers
        found = [(getattr(r, "methods", None), getattr(r, "path", "")) for r in app.routes]
    out = []
    for methods, path in found:
        if methods is None:  # a mount (static files)
            continue
        out.extend((m, path) for m in sorted(methods) if m != "HEAD")
    return sorted(set(out), key=lambda mp: (f"{mp[0]} {mp[1]}" in LAST, mp[1], mp[0]))


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[FastAPI, dict[str, Any]]]:
    """Heshuo and the test county loaded, a user of each role, a carrier's key."""
    tmp: Path = tmp_path_factory.mktemp("matrix")
    settings = Settings(database_url=f"sqlite:///{tmp / 'm.db'}")
    engine = bootstrap.open_engine(settings)
    for source in ("heshuo", str(FIXTURES / "testcounty")):
        county_service.load_county(
            bootstrap.uow_factory(engine)(), bootstrap.read_pack_source(source)
        )
    for who in PEOPLE.values():
        add_user(engine, who)
    add_user(engine, Someone("foreign", PEOPLE["regulator"].role, "990101"))
    creds: dict[str, Any] = {
        **{role: who.name for role, who in PEOPLE.items()},
        FOREIGN: "foreign",
        CARRIER: add_key(engine),
    }
    yield create_app(settings, engine), creds
    engine.dispose()


def _client(app: FastAPI, role: str, creds: dict[str, Any]) -> tuple[TestClient, dict[str, str]]:
    client = TestClient(app, follow_redirects=False)
    if role == ANON:  # a visitor's session has a CSRF token too
        return client, {"X-CSRF-Token": csrf_of(client.get("/login").text)}
    if role == CARRIER:
        return client, {"X-API-Key": creds[CARRIER]}
    log_in(client, creds[role])
    return client, {"X-CSRF-Token": csrf_of(client.get("/login").text)}


def test_every_route_is_in_the_matrix(world: tuple[FastAPI, dict[str, Any]]) -> None:
    """A route nobody has classified fails here, naming the row to add."""
    app, _ = world
    missing = [f"{m} {p}" for m, p in routes(app) if f"{m} {p}" not in MATRIX]
    assert missing == [], (
        "add these routes to MATRIX in tests/e2e/test_access_matrix.py, saying which roles "
        f"may use them: {missing}"
    )
    stale = sorted(set(MATRIX) - {f"{m} {p}" for m, p in routes(app)})
    assert stale == [], f"MATRIX lists routes the app no longer has: {stale}"


def _denied(status: int, location: str, role: str, path: str) -> bool:
    if status in (401, 403, 404):
        return True
    return role == ANON and not path.startswith("/api/") and location.startswith("/login")


@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_what_the_matrix_says(
    world: tuple[FastAPI, dict[str, Any]], role: str
) -> None:
    """Allowed cells answer neither 401 nor 403; forbidden cells answer 401, 403 or 404."""
    app, creds = world
    client, headers = _client(app, role, creds)
    wrong: list[str] = []
    pending: list[str] = []
    for method, path in routes(app):
        key = f"{method} {path}"
        if key not in MATRIX:
            continue
        url = path.format(**SAMPLES)
        r = client.request(method, url, headers=headers, json=[] if method == "POST" else None)
        location = r.headers.get("location", "")
        denied = _denied(r.status_code, location, role, path)
        bad = (MATRIX[key][role] == OK and r.status_code in (401, 403)) or (
            MATRIX[key][role] == DENY and not denied
        )
        if (key, role) in PENDING:
            if bad:
                pending.append(f"{key}: {PENDING[key, role]}")
        elif bad:
            wrong.append(f"{key}: expected {MATRIX[key][role]}, got {r.status_code} {location}")
    assert wrong == [], f"{role}: {wrong}"
    if pending:
        pytest.xfail("; ".join(pending))


def test_a_station_keeper_cannot_work_another_stations_screen(
    world: tuple[FastAPI, dict[str, Any]],
) -> None:
    """HS-STA-01's keeper asking for HS-STA-02's shelf, or scanning there, is refused."""
    app, creds = world
    client, headers = _client(app, "station_keeper", creds)
    other = "/counties/652828/stations/HS-STA-02"
    assert client.get(other).status_code == 403
    assert client.get(f"{other}/shelf").status_code == 403
    r = client.post(f"{other}/inbound", data={"waybill": "ZT0000000001"}, headers=headers)
    assert r.status_code == 403
    assert client.get("/counties/652828/stations/HS-STA-01").status_code == 200
