"""A crawler of the web pages a logged-in user reaches by following links (GET, same site)."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

SKIP = re.compile(r"^/(static|api|logout|docs|redoc|openapi)|\.(xlsx|csv|pdf|docx|zip|json)$")


def sweep(client: TestClient, start: list[str], limit: int = 80) -> dict[str, str]:
    """The HTML of every page reachable by links from `start` (GET, same site); a page that
    is not HTML or does not answer 200 maps to ""."""
    seen: dict[str, str] = {}
    todo = list(start)
    while todo and len(seen) < limit:
        url = todo.pop(0)
        if url in seen or SKIP.search(url):
            continue
        r = client.get(url)
        if r.status_code != 200 or "text/html" not in r.headers.get("content-type", ""):
            seen[url] = ""
            continue
        seen[url] = r.text
        todo += [h for h in re.findall(r'href="(/[^"#?]*)"', r.text) if h not in seen]
    return seen
