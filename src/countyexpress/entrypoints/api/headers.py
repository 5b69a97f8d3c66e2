"""Security headers on every answer: a Content-Security-Policy, no framing, no sniffing.

The policy names no outside host: every page's scripts, styles, fonts and images are the
app's own (htmx, Leaflet, uPlot, Swagger UI and ReDoc are vendored under /static). Scripts
come only from /static — no inline script, no event-handler attribute, no eval — so an
injected `<script>` or `onerror=` does not run. Styles also allow 'unsafe-inline': ReDoc and
Swagger UI put their styles in `<style>` elements at run time, Leaflet and uPlot set `style`
attributes, and a few templates use `style=` for a bar's width; a style cannot run code.
Images allow `data:` and `blob:` (Leaflet's and Swagger UI's icons, chart exports), and the
tile server's origin when one is configured (`map_tile_url`); workers `blob:` (ReDoc's
search). Framing is refused twice: `frame-ancestors 'none'` and `X-Frame-Options: DENY`.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from countyexpress.settings import Settings


def tile_source(url: str) -> str | None:
    """The CSP source of a tile URL template's origin: `https://t{s}.tianditu.gov.cn/…` is
    `https://*.tianditu.gov.cn` (a subdomain placeholder widens to a wildcard)."""
    if not url.strip():
        return None
    parts = urlsplit(url.strip())
    host = parts.hostname or ""
    if parts.scheme not in ("http", "https") or not host:
        return None
    if "{" in host:
        host = "*." + host.split(".", 1)[1] if "." in host else ""
        if not host or "{" in host:
            return None
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{host}{port}"


def content_security_policy(settings: Settings) -> str:
    """The policy for every answer of this app."""
    images = ["'self'", "data:", "blob:"]
    tiles = tile_source(settings.map_tile_url)
    if tiles:
        images.append(tiles)
    directives = {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": images,
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "worker-src": ["'self'", "blob:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
    return "; ".join(f"{name} {' '.join(values)}" for name, values in directives.items())


class SecurityHeadersMiddleware:
    """Add the security headers to every HTTP answer that does not set them itself."""

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.headers = {
            "Content-Security-Policy": content_security_policy(settings),
            "X-Frame-Options": "DENY",
            "X-Content-Type-Options": "nosniff",
            "Referrer-Policy": "strict-origin-when-cross-origin",
        }

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in self.headers.items():
                    if name not in headers:
                        headers[name] = value
            await send(message)

        await self.app(scope, receive, with_headers)
