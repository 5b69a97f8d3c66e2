"""Security headers on every answer (issue 11, defect 13): a Content-Security-Policy that
names no outside host and allows no inline script, framing refused, no MIME sniffing, a
referrer policy; and no template or page keeps an inline script or event handler that
such a policy would block."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from countyexpress import bootstrap
from countyexpress.entrypoints.api.app import create_app
from countyexpress.services import counties
from countyexpress.settings import Settings
from support.web import PEOPLE, add_user, log_in

TEMPLATES = Path(__file__).resolve().parents[2] / "src/countyexpress/entrypoints/web/templates"
PATHS = ["/", "/login", "/lookup", "/healthz", "/api/v1/openapi.json", "/api/v1/docs",
         "/api/v1/redoc", "/api/v1/counties", "/static/app.css", "/no/such/page",
         "/counties/652828/map", "/counties/652828/driver"]  # fmt: skip


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'h.db'}")
    engine = bootstrap.open_engine(settings)
    counties.load_county(bootstrap.uow_factory(engine)(), bootstrap.read_pack_source("heshuo"))
    add_user(engine, PEOPLE["regulator"])
    with TestClient(create_app(settings, engine)) as c:
        yield c
    engine.dispose()


def directives(policy: str) -> dict[str, list[str]]:
    out = {}
    for part in policy.split(";"):
        words = part.split()
        if words:
            out[words[0]] = words[1:]
    return out


@pytest.mark.parametrize("logged_in", [False, True])
def test_every_answer_carries_the_security_headers(client: TestClient, logged_in: bool) -> None:
    if logged_in:
        log_in(client, PEOPLE["regulator"].name)
    for path in PATHS:
        r = client.get(path, follow_redirects=False)
        assert r.headers.get("x-content-type-options") == "nosniff", path
        assert r.headers.get("x-frame-options") == "DENY", path
        assert r.headers.get("referrer-policy") == "strict-origin-when-cross-origin", path
        policy = directives(r.headers["content-security-policy"])
        assert policy["default-src"] == ["'self'"] and policy["frame-ancestors"] == ["'none'"]
        assert policy["script-src"] == ["'self'"], path  # no inline script, no eval
        assert policy["object-src"] == ["'none'"]
        sources = [s for values in policy.values() for s in values]
        assert not [s for s in sources if "://" in s or s in ("*", "http:", "https:")]


def test_a_configured_tile_server_is_the_only_outside_host_allowed_and_only_for_images(
    tmp_path: Path,
) -> None:
    settings = Settings(
        database_url=f"sqlite:///{tmp_path / 't.db'}",
        map_tile_url="https://t{s}.tianditu.gov.cn/vec_w/wmts?x={x}&y={y}&l={z}",
    )
    engine = bootstrap.open_engine(settings)
    with TestClient(create_app(settings, engine)) as c:
        policy = directives(c.get("/login").headers["content-security-policy"])
    engine.dispose()
    assert policy["img-src"] == ["'self'", "data:", "blob:", "https://*.tianditu.gov.cn"]
    assert policy["script-src"] == ["'self'"] and policy["connect-src"] == ["'self'"]


def test_no_template_has_an_inline_script_or_event_handler() -> None:
    """Scripts come from /static; `<script type="application/json">` data blocks are data."""
    offenders = []
    for path in sorted(TEMPLATES.glob("*.html")):
        text = path.read_text(encoding="utf-8")
        for tag in re.findall(r"<script\b[^>]*>", text):
            if "src=" not in tag and 'type="application/json"' not in tag:
                offenders.append(f"{path.name}: {tag}")
        for handler in re.findall(r"\s(on[a-z]+|hx-on[:\w-]*)=", text):
            offenders.append(f"{path.name}: {handler}")
        if "javascript:" in text:
            offenders.append(f"{path.name}: javascript: URL")
    assert offenders == []


def test_the_api_documentation_pages_have_no_inline_script(client: TestClient) -> None:
    for path in ("/api/v1/docs", "/api/v1/redoc"):
        html = client.get(path).text
        tags = re.findall(r"<script\b[^>]*>", html)
        assert tags and all("src=" in tag for tag in tags), (path, tags)
