"""Who is asking: session cookies for people, API keys for carriers' systems, CSRF tokens.

`AuthMiddleware` finds the principal of every request and puts it in
`request.state.principal`; it refuses an anonymous request to any `/api/` path that is not
public (401), so a new router is closed by default. Routes take `PrincipalDep` and hand the
principal to the services, which decide what it may do.
"""

from __future__ import annotations

import hmac
import secrets
from typing import Annotated, Any

from fastapi import Depends, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from countyexpress.adapters.db.uow import SqlUnitOfWork
from countyexpress.domain.access import Principal, reaches
from countyexpress.errors import Forbidden, NotAuthenticated
from countyexpress.services import accounts

PUBLIC_API_PATHS = frozenset(
    {
        "/api/v1/openapi.json",
        "/api/v1/docs",
        "/api/v1/redoc",
        "/api/v1/parcels/lookup",  # the public lookup: waybill number + phone tail
    }
)
"""The only /api/ paths an anonymous caller may use; they hold no county data."""

STATIC_PREFIX = "/static/"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
API_KEY_HEADER = "x-api-key"


def csrf_token(session: dict[str, Any]) -> str:
    """The session's CSRF token, made on first use."""
    token = session.get("csrf")
    if not isinstance(token, str) or len(token) < 32:
        token = secrets.token_urlsafe(32)
        session["csrf"] = token
    return token


def csrf_ok(session: dict[str, Any], given: str | None) -> bool:
    """Whether `given` is the session's CSRF token."""
    token = session.get("csrf")
    return bool(token and given) and hmac.compare_digest(str(token), str(given))


def _api_key(headers: dict[str, str]) -> str | None:
    if headers.get(API_KEY_HEADER):
        return headers[API_KEY_HEADER].strip()
    auth = headers.get("authorization", "")
    if auth.lower().startswith("bearer "):
        return auth[7:].strip()
    return None


def _resolve(engine: Any, key: str | None, session: dict[str, Any]) -> tuple[Principal | None, str]:
    """The principal and how it was found: "key", "session" or ""."""
    if key is not None:
        return accounts.principal_of_key(SqlUnitOfWork(engine), key), "key"
    uid, version = session.get("uid"), session.get("ver")
    if isinstance(uid, int) and isinstance(version, int):
        principal = accounts.principal_of_session(
            SqlUnitOfWork(engine), accounts.Session(uid, version)
        )
        if principal is None:
            session.pop("uid", None)
            session.pop("ver", None)
        return principal, "session" if principal else ""
    return None, ""


class AuthMiddleware:
    """Authenticate every HTTP request; refuse anonymous ones to non-public /api/ paths."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if scope["path"].startswith(STATIC_PREFIX):  # public assets: no database lookup
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        session: dict[str, Any] = scope.get("session", {})
        key = _api_key({k.lower(): v for k, v in request.headers.items()})
        principal, via = await run_in_threadpool(_resolve, request.app.state.engine, key, session)
        state = scope.setdefault("state", {})
        state["principal"] = principal
        state["auth_via"] = via
        if via != "key":
            state["csrf_token"] = csrf_token(session)
        path: str = scope["path"]
        if path.startswith("/api/") and path not in PUBLIC_API_PATHS:
            if principal is None:
                reason = "the API key is not valid" if key else "log in or send an API key"
                await _json(401, reason, {"WWW-Authenticate": "Bearer"})(scope, receive, send)
                return
            unsafe = via == "session" and request.method not in SAFE_METHODS
            if unsafe and not csrf_ok(session, request.headers.get(CSRF_HEADER)):
                await _json(403, "missing or wrong X-CSRF-Token header")(scope, receive, send)
                return
        await self.app(scope, receive, send)


def _json(status: int, detail: str, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"detail": detail}, status_code=status, headers=headers)


def current_principal(request: Request) -> Principal | None:
    """The request's principal, if anyone is logged in or sent a valid key."""
    principal: Principal | None = getattr(request.state, "principal", None)
    return principal


def require_principal(request: Request) -> Principal:
    """The request's principal; NotAuthenticated (401, or the log-in page) if none, and
    Forbidden before anything is looked up when the path names a county it cannot act in
    (so the answer is the same whether that county is loaded or not)."""
    principal = current_principal(request)
    if principal is None:
        raise NotAuthenticated("log in first")
    county = request.path_params.get("code")
    if isinstance(county, str) and not reaches(principal, county):
        raise Forbidden(f"a {principal.role.value} of county {principal.county} acts only there")
    return principal


async def require_csrf(request: Request) -> None:
    """Refuse a form post whose CSRF token is missing or wrong (API keys need none)."""
    if request.method in SAFE_METHODS or getattr(request.state, "auth_via", "") == "key":
        return
    given = request.headers.get(CSRF_HEADER)
    if given is None:
        form = await request.form()
        value = form.get(CSRF_FIELD)
        given = value if isinstance(value, str) else None
    if not csrf_ok(request.session, given):
        raise Forbidden("the form has expired or did not come from this site: reload and retry")


PrincipalDep = Annotated[Principal, Depends(require_principal)]
OptionalPrincipalDep = Annotated[Principal | None, Depends(current_principal)]
CsrfDep = Depends(require_csrf)
