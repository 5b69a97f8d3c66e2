"""The API's documentation pages (Swagger UI and ReDoc), self-hosted and without inline
script, so that they run under the app's Content-Security-Policy."""

from __future__ import annotations

from html import escape

from fastapi.responses import HTMLResponse

VENDOR = "/static/vendor"


def swagger_ui_html(openapi_url: str, title: str) -> HTMLResponse:
    """Swagger UI, started by /static/swagger-init.js from the element's data-url."""
    return HTMLResponse(f"""<!doctype html>
<html>
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(title)}</title>
<link rel="stylesheet" href="{VENDOR}/swagger-ui/swagger-ui.css">
<link rel="icon" href="{VENDOR}/swagger-ui/favicon-32x32.png">
</head>
<body>
<div id="swagger-ui" data-url="{escape(openapi_url)}"></div>
<script src="{VENDOR}/swagger-ui/swagger-ui-bundle.js"></script>
<script src="/static/swagger-init.js"></script>
</body>
</html>
""")


def redoc_html(openapi_url: str, title: str) -> HTMLResponse:
    """ReDoc, reading the document named by its element's spec-url."""
    return HTMLResponse(f"""<!doctype html>
<html>
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(title)}</title>
<link rel="icon" href="{VENDOR}/swagger-ui/favicon-32x32.png">
</head>
<body>
<redoc spec-url="{escape(openapi_url)}"></redoc>
<script src="{VENDOR}/redoc/redoc.standalone.js"></script>
</body>
</html>
""")
