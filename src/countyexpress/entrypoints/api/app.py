"""The FastAPI application: API routers, web pages, health and error translation."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles
from sqlalchemy import Engine

from countyexpress import __version__
from countyexpress.adapters.db.health import write_problem
from countyexpress.bootstrap import open_read_engine
from countyexpress.domain.privacy import scrub  # a refusal never echoes a phone or an ID
from countyexpress.entrypoints.api import (
    assessment,
    audit,
    counties,
    emergency,
    intake,
    openapi,
    operations,
    packaging,
    plan,
    public_health,
    routes,
    scans,
    siting,
    staff,
    supervision,
    support,
    vehicles,
    webhooks,
)
from countyexpress.entrypoints.api.faults import (
    STORAGE_RETRY_AFTER_S,
    is_storage_fault,
    storage_reason,
)
from countyexpress.entrypoints.api.headers import SecurityHeadersMiddleware
from countyexpress.entrypoints.api.throttle import (
    LOGIN_FAILURES,
    LOGIN_FAILURES_PER_ADDRESS,
    LOGIN_WINDOW_S,
    LOOKUP_LIMIT,
    LOOKUP_WINDOW_S,
    SlidingWindow,
)
from countyexpress.entrypoints.web import shell
from countyexpress.errors import InvalidValue, NotAllowed, NotFound, TooManyRequests
from countyexpress.settings import Settings

WEB = Path(__file__).resolve().parent.parent / "web"


def create_app(settings: Settings, engine: Engine) -> FastAPI:
    """The app on a migrated `engine`."""
    app = FastAPI(
        title="County Express 县域快递平台",
        version=__version__,
        openapi_url="/api/v1/openapi.json",
        docs_url=None,
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.engine = engine
    app.state.read_engine = open_read_engine(settings, engine)  # the overview's reads
    # guessable secrets: a phone tail has 10,000 values, a password a few tries per minute
    app.state.lookups = SlidingWindow(LOOKUP_LIMIT, LOOKUP_WINDOW_S)
    app.state.login_failures = SlidingWindow(LOGIN_FAILURES, LOGIN_WINDOW_S)
    app.state.login_failures_by_address = SlidingWindow(LOGIN_FAILURES_PER_ADDRESS, LOGIN_WINDOW_S)

    @app.exception_handler(NotFound)
    async def _not_found(_: Request, exc: NotFound) -> JSONResponse:
        return JSONResponse({"detail": scrub(str(exc))}, status_code=404)

    @app.exception_handler(InvalidValue)
    async def _invalid(_: Request, exc: InvalidValue) -> JSONResponse:
        return JSONResponse({"detail": scrub(str(exc)), "field": exc.field}, status_code=422)

    @app.exception_handler(NotAllowed)
    async def _not_allowed(_: Request, exc: NotAllowed) -> JSONResponse:
        return JSONResponse({"detail": scrub(str(exc))}, status_code=409)

    @app.exception_handler(TooManyRequests)
    async def _too_many(_: Request, exc: TooManyRequests) -> JSONResponse:
        return JSONResponse(
            {"detail": str(exc)},
            status_code=429,
            headers={"Retry-After": str(exc.retry_after_s)},
        )

    @app.get("/healthz", include_in_schema=False)
    def healthz() -> JSONResponse:
        """200 while the database can be written now (a real write is tried), else 503."""
        try:
            problem = write_problem(engine)
        except Exception as exc:  # a fault of the database is the answer
            if not is_storage_fault(exc):
                raise
            problem = storage_reason(exc)
        if problem is None:
            return JSONResponse({"status": "ok"})
        return JSONResponse(
            {"status": "unhealthy", "detail": problem},
            status_code=503,
            headers={"Retry-After": str(STORAGE_RETRY_AFTER_S)},
        )

    app.include_router(counties.router)
    app.include_router(scans.router)
    app.include_router(operations.router)
    app.include_router(intake.router)
    app.include_router(plan.router)
    app.include_router(assessment.router)
    app.include_router(siting.router)
    app.include_router(routes.router)
    app.include_router(audit.router)
    app.include_router(supervision.router)
    app.include_router(public_health.router)
    app.include_router(support.router)
    app.include_router(packaging.router)
    app.include_router(vehicles.router)
    app.include_router(staff.router)
    app.include_router(emergency.router)
    app.include_router(webhooks.router)
    shell.install(app, settings)  # web pages, log-in, sessions, languages, API docs
    app.add_middleware(SecurityHeadersMiddleware, settings=settings)  # outermost: every answer
    openapi.install(app)  # the document as the app answers: security, refusals, real 422
    app.mount("/static", StaticFiles(directory=WEB / "static"), name="static")
    return app
