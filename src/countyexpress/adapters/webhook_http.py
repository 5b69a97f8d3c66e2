"""POST a webhook body with the standard library (urllib): the status, or the error."""

from __future__ import annotations

import urllib.error
import urllib.request

from countyexpress.services.webhooks import Answer

TIMEOUT_SECONDS = 10.0


def post(url: str, body: bytes, headers: dict[str, str]) -> Answer:
    """The receiver's HTTP status (any, 2xx or not), or None with the network error."""
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:
            return Answer(response.status)
    except urllib.error.HTTPError as exc:
        return Answer(exc.code, f"HTTP {exc.code}")
    except (urllib.error.URLError, OSError, ValueError) as exc:
        return Answer(None, str(getattr(exc, "reason", exc)))
