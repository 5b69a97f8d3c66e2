"""Faults answered as JSON and logged as one JSON line at error, never a text traceback.

A storage fault (the database cannot be written or reached now: disk I/O error, database or
disk full, read-only database, locked past the busy timeout, a PostgreSQL connection lost,
a read-only transaction, an exhausted pool) answers 503 `{"detail": …}` with Retry-After:
nothing of the request was committed, and the same request can be sent again. Any other
unexpected error answers 500 `{"detail": "internal error"}`. Either way the log gets one
line at level error with the exception's type, the driver's own message (never the SQL or
its parameters, which hold uploaded data), and the traceback as a list of frames, each
passing the personal-data scrubber like every other log field.

`FaultMiddleware` sits inside the request log (so its line carries the request id and the
request line its status) and outside everything that touches the database, the
authentication middleware included.
"""

from __future__ import annotations

import sqlite3
import traceback
from pathlib import Path

import structlog
from sqlalchemy import exc as sa_exc
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from countyexpress.entrypoints.api.observability import scrub

STORAGE_RETRY_AFTER_S = 30
"""What a client waits before sending again after a storage fault."""

_PG_STORAGE_STATES = ("08", "53", "57", "25006", "40001", "40P01")
"""SQLSTATE classes and codes of PostgreSQL that mean "not now": connection exceptions,
insufficient resources (disk full), operator intervention (shutdown), a read-only
transaction, and serialization failures or deadlocks."""

_KINDS = (
    ("disk i/o error", "disk I/O error"),
    ("database or disk is full", "database or disk is full"),
    ("no space left", "database or disk is full"),
    ("could not extend", "database or disk is full"),
    ("readonly database", "read-only database"),
    ("read-only transaction", "read-only database"),
    ("database is locked", "database is locked"),
    ("deadlock", "database is busy"),
    ("could not serialize", "database is busy"),
    ("queuepool limit", "database is busy"),
)

log = structlog.get_logger("countyexpress.faults")


def _driver_error(exc: BaseException) -> BaseException:
    """The driver's own exception under SQLAlchemy's wrapper."""
    orig = getattr(exc, "orig", None)
    return orig if isinstance(orig, BaseException) else exc


def _sqlstate(exc: BaseException) -> str:
    driver = _driver_error(exc)
    state = getattr(driver, "sqlstate", None) or getattr(driver, "pgcode", None)
    return state if isinstance(state, str) else ""


def unwrap(exc: Exception) -> Exception:
    """The one exception inside (nested) groups of one, as a task group may wrap it."""
    while isinstance(exc, ExceptionGroup) and len(exc.exceptions) == 1:
        exc = exc.exceptions[0]
    return exc


def is_storage_fault(exc: BaseException) -> bool:
    """Whether `exc` says the database cannot be written or reached now."""
    if isinstance(exc, sa_exc.OperationalError | sa_exc.TimeoutError | sqlite3.OperationalError):
        return True
    if isinstance(exc, sa_exc.DBAPIError):
        if exc.connection_invalidated:
            return True
        state = _sqlstate(exc)
        return bool(state) and state.startswith(_PG_STORAGE_STATES)
    return False


def storage_reason(exc: BaseException) -> str:
    """A short reason a client may read: a fixed phrase, never the driver's text."""
    message = str(_driver_error(exc)).lower()
    for needle, reason in _KINDS:
        if needle in message:
            return reason
    return "the database is unavailable"


def _message(exc: BaseException) -> str:
    """The driver's message for database errors (no SQL, no parameters), else the
    exception's own; scrubbed and cut short."""
    if isinstance(exc, sa_exc.StatementError):  # its str() holds the SQL and parameters
        text = str(exc.orig) if exc.orig is not None else ""
    else:
        text = str(exc)
    return scrub(text.strip().splitlines()[0] if text.strip() else "")[:200]


def traceback_frames(exc: BaseException) -> list[str]:
    """The traceback as short frames, `file:line function`, innermost last (no locals)."""
    frames = traceback.extract_tb(exc.__traceback__)[-30:]
    return [f"{_short(f.filename)}:{f.lineno} {f.name}" for f in frames]


def _short(filename: str) -> str:
    """`countyexpress/services/scans.py` for the project's files, `package/module.py` else."""
    parts = Path(filename).parts
    if "countyexpress" in parts:
        return "/".join(parts[len(parts) - 1 - parts[::-1].index("countyexpress") :])
    return "/".join(parts[-2:])


def log_fault(exc: BaseException, status: int, scope: Scope) -> None:
    """One error line for `exc`, answered with `status`."""
    route = scope.get("route")
    principal = scope.get("state", {}).get("principal")
    log.error(
        "storage fault" if status == 503 else "unexpected error",
        status=status,
        method=str(scope.get("method", "")),
        route=str(getattr(route, "path", "") or "unmatched"),
        principal=getattr(principal, "id", None),
        error=type(exc).__name__,
        driver_error=type(_driver_error(exc)).__name__,
        sqlite_error=getattr(_driver_error(exc), "sqlite_errorname", None),
        sqlstate=_sqlstate(exc) or None,
        message=_message(exc),
        traceback=traceback_frames(exc),
    )


def fault_response(exc: BaseException) -> JSONResponse:
    """503 with Retry-After for a storage fault, else 500."""
    if is_storage_fault(exc):
        return JSONResponse(
            {"detail": f"storage unavailable ({storage_reason(exc)}): nothing was saved, "
                       f"retry in {STORAGE_RETRY_AFTER_S} s"},
            status_code=503,
            headers={"Retry-After": str(STORAGE_RETRY_AFTER_S)},
        )  # fmt: skip
    return JSONResponse({"detail": "internal error"}, status_code=500)


class FaultMiddleware:
    """Answer every exception that escapes the app as JSON (503 or 500) and log it once."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, tracking_send)
        except Exception as caught:  # the last place to answer it
            exc = unwrap(caught)
            response = fault_response(exc)
            log_fault(exc, response.status_code, scope)
            if not started:
                await response(scope, receive, send)
