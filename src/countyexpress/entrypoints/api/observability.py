"""Operations: structured logs with a request id and no personal data, Prometheus metrics.

Every request gets an id (the caller's `X-Request-ID` when it is sane, else a new one), sent
back in the response and bound to every log line written while the request runs. One log
line per request says method, route, status, time and who asked (a principal id such as
`user:3`, never a name). Every string in a log line passes `domain.privacy.scrub`, which
masks mobile numbers and resident ID numbers; query strings and bodies are never logged.
"""

from __future__ import annotations

import logging
import re
import sys
import time
import uuid
from collections.abc import MutableMapping
from typing import Any

import structlog
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)
from starlette.datastructures import MutableHeaders
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

try:
    from countyexpress.domain.privacy import scrub as _scrub
except ImportError:  # pragma: no cover - the privacy module is part of the parcel work
    _MOBILE = re.compile(r"(?<![0-9A-Za-z])1[3-9][0-9]{9}(?![0-9A-Za-z])")
    _ID = re.compile(r"(?<![0-9A-Za-z])[0-9]{17}[0-9Xx](?![0-9A-Za-z])")

    def _scrub(text: str) -> str:
        text = _ID.sub(lambda m: m.group()[0] + "*" * 16 + m.group()[-1], text)
        return _MOBILE.sub(lambda m: "*" * 7 + m.group()[-4:], text)


REQUEST_ID_HEADER = "x-request-id"
_SANE_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")
log = structlog.get_logger("countyexpress.http")


def scrub(text: str) -> str:
    """`text` with mobile numbers and resident ID numbers masked."""
    return _scrub(text)


def scrub_personal_data(_logger: Any, _name: str, event: MutableMapping[str, Any]) -> Any:
    """A structlog processor: mask personal data in every string value of a log line."""
    for key, value in list(event.items()):
        if isinstance(value, str):
            event[key] = scrub(value)
        elif isinstance(value, list | tuple):
            event[key] = [scrub(v) if isinstance(v, str) else v for v in value]
    return event


def _stderr_logger(*_args: Any) -> structlog.WriteLogger:
    """A logger on the standard error of the moment (so tests and redirections see it)."""
    return structlog.WriteLogger(sys.stderr)


def configure_logging(level: str = "INFO") -> None:
    """JSON log lines on standard error, personal data masked."""
    numeric = logging.getLevelName(level.upper())
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            structlog.processors.format_exc_info,
            scrub_personal_data,
            structlog.processors.JSONRenderer(ensure_ascii=False),
        ],
        wrapper_class=structlog.make_filtering_bound_logger(
            numeric if isinstance(numeric, int) else logging.INFO
        ),
        logger_factory=_stderr_logger,
        cache_logger_on_first_use=False,
    )


class Metrics:
    """The app's own Prometheus registry: requests by route and status, and their durations."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "countyexpress_http_requests_total",
            "HTTP requests by method, route template and status code",
            ["method", "route", "status"],
            registry=self.registry,
        )
        self.duration = Histogram(
            "countyexpress_http_request_duration_seconds",
            "Time to answer an HTTP request, by method and route template",
            ["method", "route"],
            registry=self.registry,
        )

    def response(self) -> Response:
        """The text exposition format for a scraper."""
        return Response(generate_latest(self.registry), media_type=CONTENT_TYPE_LATEST)


def _route_of(scope: Scope) -> str:
    """The matched route's template (bounded label values), never the raw path."""
    route = scope.get("route")
    path = getattr(route, "path", None) or getattr(route, "path_format", None)
    if path:
        return str(path)
    if str(scope.get("path", "")).startswith("/static/"):
        return "/static"
    return "unmatched"


class RequestContextMiddleware:
    """Request id, one log line per request, and the request metrics."""

    def __init__(self, app: ASGIApp, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        given = (
            dict(scope.get("headers") or []).get(REQUEST_ID_HEADER.encode(), b"").decode("latin-1")
        )
        request_id = given if _SANE_ID.fullmatch(given) else uuid.uuid4().hex
        scope.setdefault("state", {})["request_id"] = request_id
        status = 500
        started = time.perf_counter()

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
                MutableHeaders(scope=message).append("X-Request-ID", request_id)
            await send(message)

        with structlog.contextvars.bound_contextvars(request_id=request_id):
            try:
                await self.app(scope, receive, send_with_id)
            finally:
                elapsed = time.perf_counter() - started
                route = _route_of(scope)
                method = str(scope.get("method", ""))
                self.metrics.requests.labels(method, route, str(status)).inc()
                self.metrics.duration.labels(method, route).observe(elapsed)
                principal = scope.get("state", {}).get("principal")
                log.info(
                    "request",
                    method=method,
                    route=route,
                    status=status,
                    ms=round(elapsed * 1000, 1),
                    principal=getattr(principal, "id", None),
                    role=getattr(getattr(principal, "role", None), "value", None),
                )
