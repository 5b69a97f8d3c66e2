"""Log-in, log-out and the first administrator of an empty install."""

from __future__ import annotations

import math
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from countyexpress.domain.access import Principal, Role
from countyexpress.entrypoints.api.auth import CsrfDep
from countyexpress.entrypoints.api.deps import UowDep
from countyexpress.entrypoints.api.throttle import SlidingWindow
from countyexpress.entrypoints.web.i18n import gettext_for
from countyexpress.entrypoints.web.render import render
from countyexpress.errors import InvalidValue, NotAuthenticated
from countyexpress.services import accounts

router = APIRouter(include_in_schema=False)
LOOPBACK = frozenset({"127.0.0.1", "::1", "localhost", "testclient"})


def safe_next(target: str | None) -> str:
    """Only a path on this site: never an absolute URL that leads elsewhere."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


def landing(by: Principal) -> str:
    """Where a role's day starts: a station keeper on their station, a centre operator on
    the centre, a driver on today's run, a regulator of a county on its overview, a regulator of a
    prefecture or of every county on the region screen; anyone else on the first page."""
    if by.role is Role.STATION_KEEPER and by.county and by.station:
        return f"/counties/{by.county}/stations/{by.station}"
    if by.role is Role.CENTRE_OPERATOR and by.county:
        return f"/counties/{by.county}/centre"
    if by.role is Role.DRIVER and by.county:
        return f"/counties/{by.county}/driver"
    if by.role is Role.REGULATOR and by.prefecture:
        return "/region"
    if by.role is Role.REGULATOR and by.county:
        return f"/counties/{by.county}/overview"
    if by.role is Role.REGULATOR:
        return "/region"
    return "/"


def login_url(path: str) -> str:
    """The log-in page that comes back to `path`."""
    return "/login?next=" + quote(safe_next(path), safe="/")


def _from_this_machine(request: Request) -> bool:
    """A request from this machine to a non-production install (production: use the CLI)."""
    settings = request.app.state.settings
    local = request.client is not None and request.client.host in LOOPBACK
    return local and settings.environment != "production"


@router.get("/login")
def login_page(request: Request, uow: UowDep, next: str = "/") -> Response:
    """The log-in form; on an empty install, the way to create the first administrator."""
    if not accounts.has_users(uow):
        return RedirectResponse("/setup", status_code=303)
    return render(request, "login.html", {"next": safe_next(next), "error": ""})


@router.post("/login", dependencies=[CsrfDep])
def login(
    request: Request,
    uow: UowDep,
    username: Annotated[str, Form()],
    password: Annotated[str, Form()],
    next: Annotated[str, Form()] = "/",
) -> Response:
    """Check the password and start a session; a few failures in a row make the user name
    (from this address) and the address wait."""
    _ = gettext_for(request.state.locale)
    address = request.client.host if request.client else "unknown"
    per_name: SlidingWindow = request.app.state.login_failures
    per_address: SlidingWindow = request.app.state.login_failures_by_address
    name_key = f"{username.strip().lower()}|{address}"
    wait = max(per_name.retry_after(name_key), per_address.retry_after(address))
    if wait:
        error = _("Too many failed log-ins: try again in %(minutes)d min.") % {
            "minutes": math.ceil(wait / 60)
        }
        ctx = {"next": safe_next(next), "error": error, "username": username}
        response = render(request, "login.html", ctx, status_code=429)
        response.headers["Retry-After"] = str(wait)
        return response
    try:
        principal, session = accounts.log_in(uow, username, password)
    except NotAuthenticated:
        per_name.record(name_key)
        per_address.record(address)
        ctx = {"next": safe_next(next), "error": _("Wrong user name or password."),
               "username": username}  # fmt: skip
        return render(request, "login.html", ctx, status_code=401)
    per_name.forget(name_key)
    csrf = request.session.get("csrf")
    request.session.clear()  # a new session on log-in: no fixation
    request.session.update(uid=session.user_id, ver=session.version)
    if csrf:
        request.session["csrf"] = csrf
    target = safe_next(next)
    return RedirectResponse(landing(principal) if target == "/" else target, status_code=303)


@router.post("/logout", dependencies=[CsrfDep])
def logout(request: Request) -> Response:
    """End the session."""
    request.session.clear()
    return RedirectResponse("/login", status_code=303)


@router.get("/setup")
def setup_page(request: Request, uow: UowDep) -> Response:
    """Create the first administrator: only while nobody exists, only from this machine."""
    if accounts.has_users(uow):
        return RedirectResponse("/login", status_code=303)
    return render(request, "setup.html", {"error": "", "local": _from_this_machine(request)})


@router.post("/setup", dependencies=[CsrfDep])
def setup(
    request: Request,
    uow: UowDep,
    username: Annotated[str, Form()],
    password: Annotated[str, Form()],
) -> Response:
    """Store the first administrator and log it in."""
    if accounts.has_users(uow) or not _from_this_machine(request):
        return RedirectResponse("/login", status_code=303)
    _ = gettext_for(request.state.locale)
    try:
        user = accounts.create_first_admin(uow, username, password)
    except InvalidValue as exc:
        messages = {
            "username": _("Use 2-40 lower-case letters, digits, '.', '-' or '_'."),
            "password": _("Use at least 10 characters, not the user name."),
        }
        ctx = {"error": messages.get(exc.field, str(exc)), "local": True, "username": username}
        return render(request, "setup.html", ctx, status_code=422)
    request.session.update(uid=user.id, ver=user.session_version)
    return RedirectResponse("/", status_code=303)
