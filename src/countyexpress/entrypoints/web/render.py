"""Render a page on the common layout: navigation, language, user, CSRF token, credits."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from countyexpress.adapters.db.uow import SqlUnitOfWork
from countyexpress.domain.access import Action, Resource, Role, Where, allowed
from countyexpress.domain.county import County
from countyexpress.entrypoints.web import i18n, labels
from countyexpress.services import simulation

templates = Jinja2Templates(directory=Path(__file__).resolve().parent / "templates")
i18n.install(templates.env)
templates.env.globals.update(labels.ALL)


def credits_of(county: County | None, locale: str = i18n.DEFAULT_LOCALE) -> list[Any]:
    """The sources whose licence asks for credit (CC-BY and the like) on every page, each
    named in the reader's language."""
    if county is None:
        return []
    return [
        replace(s, name=i18n.in_language(locale, s.name, s.name_en))
        for s in county.sources
        if s.licence.upper().startswith("CC")
    ]


def _simulated_banner(request: Request, county: County | None) -> str:
    """The "simulated data" banner when the county holds simulated parcels, else ""."""
    engine = getattr(request.app.state, "engine", None)
    if county is None or engine is None:
        return ""
    return simulation.BANNER if simulation.is_simulated(SqlUnitOfWork(engine), county.code) else ""


def render(
    request: Request,
    name: str,
    context: dict[str, Any] | None = None,
    *,
    county: County | None = None,
    active: str = "",
    status_code: int = 200,
) -> HTMLResponse:
    """`name` rendered in the layout; `county` fills the navigation and the footer credits."""
    principal = getattr(request.state, "principal", None)
    nav = (
        [(key, href.format(code=county.code), label) for key, href, label in labels.NAV]
        if county
        else []
    )
    if (
        county
        and principal is not None
        and allowed(principal, Action.READ, Resource.PLANNING, Where(county=county.code))
    ):  # 选址 after the map
        at = next((i + 1 for i, item in enumerate(nav) if item[0] == "map"), len(nav))
        nav.insert(at, ("siting", f"/counties/{county.code}/siting", labels.SITING_NAV))
        nav.insert(
            at + 1, ("scenarios", f"/counties/{county.code}/scenarios", labels.SCENARIOS_NAV)
        )
        nav.insert(
            at + 2,
            (
                "front_warehouse",
                f"/counties/{county.code}/front-warehouse",
                labels.FRONT_WAREHOUSE_NAV,
            ),
        )
    if (
        county
        and principal is not None
        and allowed(principal, Action.READ, Resource.SUPERVISION, Where(county=county.code))
    ):  # 监管 for those who supervise, before the audit log
        nav.append(("supervision", f"/counties/{county.code}/supervision", labels.SUPERVISION_NAV))
    if (
        county
        and principal is not None
        and principal.carrier is None
        and allowed(principal, Action.READ, Resource.VEHICLE, Where(county=county.code))
    ):  # 车辆 next to 监管, for those who read the whole registry
        nav.append(("vehicles", f"/counties/{county.code}/vehicles", labels.VEHICLES_NAV))
    if (
        county
        and principal is not None
        and allowed(
            principal,
            Action.READ,
            Resource.HEALTH,
            Where(county=county.code, station=principal.station),
        )
    ):  # 卫生防疫 for those who set levels or log measures
        nav.append(("health", f"/counties/{county.code}/health", labels.HEALTH_NAV))
    if (
        county
        and principal is not None
        and allowed(principal, Action.EDIT, Resource.WEBHOOK, Where(county=county.code))
    ):  # 回调 before the audit log, for those who replay dead letters
        nav.append(("webhooks", f"/counties/{county.code}/webhooks", labels.WEBHOOKS_NAV))
    if (
        county
        and principal is not None
        and allowed(principal, Action.READ, Resource.AUDIT, Where(county=county.code))
    ):  # 审计日志 last
        nav.append(("audit", f"/counties/{county.code}/audit", labels.AUDIT_NAV))
    if (
        county
        and principal is not None
        and allowed(principal, Action.READ, Resource.ROUTE, Where(county=county.code))
        and allowed(principal, Action.SCAN, Resource.PARCEL, Where(county=county.code))
    ):  # 司机 for those who drive the runs (and the centre that sends them)
        nav.insert(0, ("driver", f"/counties/{county.code}/driver", labels.DRIVER_NAV))
    if (
        county
        and principal is not None
        and allowed(principal, Action.SCAN, Resource.PARCEL, Where(county=county.code))
    ):
        nav.insert(0, ("centre", f"/counties/{county.code}/centre", labels.CENTRE_NAV))
    if (
        county
        and principal is not None
        and principal.role in (Role.REGULATOR, Role.ADMIN)
        and (principal.county is None or principal.prefecture)
    ):  # 地区 first, for those who read more than one county
        nav.insert(0, ("region", "/region", labels.REGION_NAV))
    if county and principal is not None and principal.station and principal.county == county.code:
        nav.insert(
            0,
            (
                "station",
                f"/counties/{county.code}/stations/{principal.station}",
                labels.STATION_NAV,
            ),
        )
    ctx: dict[str, Any] = {
        "principal": principal,
        "csrf_token": getattr(request.state, "csrf_token", ""),
        "nav_county": county.code if county else "",
        "nav_items": nav,
        "active": active,
        "credits": credits_of(county, i18n.locale_of(request)),
        "county": county,
        "simulated_banner": _simulated_banner(request, county),
    }
    ctx.update(context or {})
    return templates.TemplateResponse(request, name, ctx, status_code=status_code)
