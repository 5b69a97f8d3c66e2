"""The station app without a signal: the service worker, the web app manifest, and the
upload of the scans a phone queued offline (see docs/offline.md).

`/sw.js` is served from the root so that its scope is the whole site; the list of assets it
precaches is written into it here, each with a hash of its content, so that a changed asset
is fetched again (and a changed list makes the browser install the new worker).
"""

from __future__ import annotations

import base64
import functools
import hashlib
import json
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Body, Request
from fastapi.responses import JSONResponse, Response

from countyexpress.adapters.vault import Vault
from countyexpress.domain import offline_check
from countyexpress.entrypoints.api.auth import CsrfDep, PrincipalDep
from countyexpress.entrypoints.api.deps import SettingsDep, UowDep
from countyexpress.entrypoints.api.handovers import client_of
from countyexpress.entrypoints.web.i18n import gettext_for, reason_of
from countyexpress.entrypoints.web.labels import HANDOVER_LABELS
from countyexpress.services import station_desk, station_offline

router = APIRouter(include_in_schema=False)
STATIC = Path(__file__).resolve().parent / "static"
PRECACHED = (
    "app.css", "forms.js", "pwa.js", "offline-queue.js", "station-offline.js", "lookup.js",
    "map.js", "vendor/htmx/htmx.min.js", "vendor/leaflet/leaflet.js",
    "vendor/leaflet/leaflet.css", "icons/station-192.png", "icons/station-512.png",
)  # fmt: skip
"""The assets of the station, driver and look-up screens, under /static/."""
APP_NAME = "县域快递·站点"


FONTS = ("*.woff2", "*.woff", "*.ttf")
"""Web fonts anywhere under /static/ (a page's text must not lose its glyphs offline)."""


def precached() -> list[str]:
    """The assets to precache, under /static/: `PRECACHED`, the style sheets beside app.css
    and every web font."""
    found = {p.relative_to(STATIC).as_posix() for f in FONTS for p in STATIC.rglob(f)}
    found |= {p.name for p in STATIC.glob("*.css")}
    return [*PRECACHED, *sorted(found - set(PRECACHED))]


@functools.cache
def service_worker() -> str:
    """sw.js with its precache list (url and content hash of each asset) written in."""
    entries = [
        {"url": f"/static/{name}", "revision": hashlib.sha256((STATIC / name).read_bytes())
         .hexdigest()[:16]}
        for name in precached()
    ]  # fmt: skip
    text = (STATIC / "sw.js").read_text(encoding="utf-8")
    return text.replace("self.__WB_MANIFEST", json.dumps(entries, separators=(",", ":")))


@router.get("/sw.js")
def sw_js() -> Response:
    """The service worker, for the whole site (its scope is /)."""
    return Response(
        service_worker(),
        media_type="text/javascript",
        headers={"Service-Worker-Allowed": "/", "Cache-Control": "no-cache"},
    )


@router.get("/manifest.webmanifest")
def manifest() -> JSONResponse:
    """The web app manifest: installed, the app opens on the keeper's station screen."""
    icons = [
        {"src": f"/static/icons/station-{size}.png", "sizes": f"{size}x{size}",
         "type": "image/png", "purpose": "any maskable"}
        for size in (192, 512)
    ]  # fmt: skip
    body = {
        "name": APP_NAME, "short_name": APP_NAME, "lang": "zh-CN", "start_url": "/station",
        "scope": "/", "display": "standalone", "background_color": "#ffffff",
        "theme_color": "#0b5d3b", "icons": icons,
    }  # fmt: skip
    return JSONResponse(body, media_type="application/manifest+json")


@router.post("/counties/{code}/stations/{facility}/offline-scans", dependencies=[CsrfDep])
def upload_offline_scans(
    code: str,
    facility: str,
    request: Request,
    uow: UowDep,
    by: PrincipalDep,
    settings: SettingsDep,
    scans: Annotated[list[dict[str, Any]], Body(embed=True)],
) -> JSONResponse:
    """The scans a phone queued without a signal, each as {event_id, waybill, occurred_at};
    the answer for each in order: stored (shelf and pickup code), duplicate, or refused
    with the reason in the reader's language."""
    station_desk.check_desk(uow, by, code, facility)
    vault = Vault(settings.data_key_bytes())
    done = station_offline.upload_scans(uow, vault, code, facility, scans, actor=by.id, by=by)
    said = gettext_for(request.state.locale)
    results = [
        {
            "event_id": u.event_id, "waybill": u.waybill_no, "outcome": u.outcome.value,
            "shelf": u.shelf, "pickup_code": u.pickup_code,
            "reason": reason_of(u.error, said) if u.error is not None else "",
        }
        for u in done
    ]  # fmt: skip
    return JSONResponse({"results": results})


@router.get("/counties/{code}/stations/{facility}/offline-shelf")
def offline_shelf(
    code: str, facility: str, uow: UowDep, by: PrincipalDep, settings: SettingsDep
) -> JSONResponse:
    """The waiting parcels for the station's phone to keep: waybill, code, shelf, and a
    salted PBKDF2 hash of code and phone tail to check a hand-over against offline."""
    vault = Vault(settings.data_key_bytes())
    kept = station_offline.device_shelf(uow, vault, by, code, facility)
    parcels = [
        {
            "waybill": k.waybill_no, "pickup_code": k.pickup_code, "shelf": k.shelf,
            "stored_at": k.stored_at.isoformat(), "salt": base64.b64encode(k.salt).decode(),
            "check": base64.b64encode(k.check).decode(),
        }
        for k in kept
    ]  # fmt: skip
    body = {"iterations": offline_check.ITERATIONS, "parcels": parcels}
    return JSONResponse(body, headers={"Cache-Control": "no-store"})


@router.post("/counties/{code}/stations/{facility}/offline-handovers", dependencies=[CsrfDep])
def upload_offline_handovers(
    code: str,
    facility: str,
    request: Request,
    uow: UowDep,
    by: PrincipalDep,
    settings: SettingsDep,
    handovers: Annotated[list[dict[str, Any]], Body(embed=True)],
) -> JSONResponse:
    """The hand-overs a phone made offline, each {waybill, pickup, tail, occurred_at},
    checked again; the answer for each: ok, duplicate, or the refusal (wrong, locked …)."""
    station_desk.check_desk(uow, by, code, facility)
    vault = Vault(settings.data_key_bytes())
    client = client_of(request, by)
    done = station_offline.upload_handovers(
        uow, vault, code, facility, handovers, by.id, by, client
    )
    said = gettext_for(request.state.locale)
    results = []
    for c in done:
        reason = reason_of(c.error, said) if c.error is not None else ""
        if not reason and c.outcome not in ("ok", "duplicate"):
            reason = said(HANDOVER_LABELS.get(c.outcome, "Not handed over"))
        results.append({"waybill": c.waybill_no, "outcome": c.outcome, "reason": reason})
    return JSONResponse({"results": results})
