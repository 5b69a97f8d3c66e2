"""The web shell around the app: sessions, log-in, languages, error pages and API docs.

`install(app)` is called once by `create_app` after the API routers are included.
"""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.middleware.sessions import SessionMiddleware

from countyexpress.entrypoints.api.auth import AuthMiddleware
from countyexpress.entrypoints.api.docs import redoc_html, swagger_ui_html
from countyexpress.entrypoints.api.faults import FaultMiddleware
from countyexpress.entrypoints.api.observability import (
    Metrics,
    RequestContextMiddleware,
    configure_logging,
)
from countyexpress.entrypoints.web import (
    assessment_pages,
    audit_pages,
    auth_pages,
    centre,
    driver,
    emergency_pages,
    front_warehouse_pages,
    packaging_pages,
    pages,
    public_health_pages,
    region_pages,
    scenario_pages,
    screens,
    siting_pages,
    staff_pages,
    station,
    station_prints,
    supervision_pages,
    support_pages,
    users_pages,
    vehicle_pages,
    webhook_pages,
)
from countyexpress.entrypoints.web.i18n import LocaleMiddleware
from countyexpress.entrypoints.web.render import render
from countyexpress.errors import Forbidden, NotAuthenticated
from countyexpress.settings import Settings

SESSION_COOKIE = "ce_session"
SESSION_MAX_AGE_S = 12 * 3600
"""A working day and a bit: a station keeper logs in once a day."""


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def install(app: FastAPI, settings: Settings) -> None:
    """Add the web pages, the log-in machinery and the self-hosted API documentation."""
    configure_logging(settings.log_level)
    metrics = Metrics()

    @app.get("/metrics", include_in_schema=False)
    def prometheus_metrics() -> Response:
        """Request counts and durations by route, for Prometheus (no county data)."""
        return metrics.response()

    @app.exception_handler(NotAuthenticated)
    async def _not_authenticated(request: Request, exc: NotAuthenticated) -> Response:
        if _wants_json(request):
            return JSONResponse(
                {"detail": str(exc)}, status_code=401, headers={"WWW-Authenticate": "Bearer"}
            )
        return RedirectResponse(auth_pages.login_url(request.url.path), status_code=303)

    @app.exception_handler(Forbidden)
    async def _forbidden(request: Request, exc: Forbidden) -> Response:
        if _wants_json(request):
            return JSONResponse({"detail": str(exc)}, status_code=403)
        return render(request, "forbidden.html", {"message": str(exc)}, status_code=403)

    @app.get("/api/v1/docs", include_in_schema=False)
    def swagger_ui() -> HTMLResponse:
        return swagger_ui_html("/api/v1/openapi.json", "County Express API")

    @app.get("/api/v1/redoc", include_in_schema=False)
    def redoc() -> HTMLResponse:
        return redoc_html("/api/v1/openapi.json", "County Express API")

    app.include_router(auth_pages.router)
    app.include_router(pages.router)
    app.include_router(screens.router)
    app.include_router(region_pages.router)
    app.include_router(station.router)
    app.include_router(station_prints.router)
    app.include_router(centre.router)
    app.include_router(scenario_pages.router)
    app.include_router(front_warehouse_pages.router)
    app.include_router(siting_pages.router)
    app.include_router(audit_pages.router)
    app.include_router(supervision_pages.router)
    app.include_router(assessment_pages.router)
    app.include_router(vehicle_pages.router)
    app.include_router(webhook_pages.router)
    app.include_router(public_health_pages.router)
    app.include_router(support_pages.router)
    app.include_router(staff_pages.router)
    app.include_router(packaging_pages.router)
    app.include_router(emergency_pages.router)
    app.include_router(driver.router)
    app.include_router(users_pages.router)
    # The last added runs first: sessions, then the locale, then who is asking.
    app.add_middleware(AuthMiddleware)
    app.add_middleware(LocaleMiddleware)
    app.add_middleware(
        SessionMiddleware,
        secret_key=settings.secret_key.get_secret_value(),
        session_cookie=SESSION_COOKIE,
        max_age=SESSION_MAX_AGE_S,
        same_site="lax",
        https_only=settings.environment == "production",
    )
    app.add_middleware(FaultMiddleware)  # faults as JSON 503/500, inside the request log
    app.add_middleware(RequestContextMiddleware, metrics=metrics)  # outermost: times it all
