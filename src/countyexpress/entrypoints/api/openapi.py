"""The OpenAPI document as the app really answers: its security and its refusals.

FastAPI describes each route's own success and its request-validation 422. What the app
adds around the routes is declared here, once, for every /api/ operation by its kind:

* security: an API key (``X-API-Key``, or the same key as a bearer token) or the session
  cookie of a logged-in person (unsafe methods then also need the ``X-CSRF-Token``
  header); the public operations (``auth.PUBLIC_API_PATHS``) need none;
* 400 (a body that cannot be parsed at all), 401 (``AuthMiddleware``: no or a wrong
  credential), 403 (a role or scope refused, or a missing CSRF token), 404 (a county,
  facility, parcel or plan that is not there, or that the caller may not see), 409
  (``NotAllowed``: a step the parcel's state refuses), 429 with ``Retry-After`` (the
  throttled operations), 503 with ``Retry-After`` (the storage cannot be written for
  now) — each as ``{"detail": "..."}``;
* the real 422: ``{"detail": "...", "field": "..."}`` for a value the services refuse
  (``InvalidValue``), or a list of located problems for a malformed request (FastAPI's
  shape; the redacting routers leave out the values sent), or an uploaded file's problems
  by file, line and field (``PackInvalid``: nothing was stored);
* the media type of the file answers (``.xlsx``) where the route does not say it;
* the rules of path parameters that the services check (``schemas.PARAMETERS``: county
  codes, waybill numbers, months).

`install(app)` replaces ``app.openapi`` so /api/v1/openapi.json serves this document.
"""

from __future__ import annotations

import copy
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from countyexpress.entrypoints.api.auth import PUBLIC_API_PATHS
from countyexpress.entrypoints.api.schemas import PARAMETERS

SESSION_COOKIE = "ce_session"  # web.shell's cookie; kept equal by a test

SECURITY_SCHEMES: dict[str, Any] = {
    "ApiKey": {
        "type": "apiKey",
        "in": "header",
        "name": "X-API-Key",
        "description": "A carrier system's API key (made by an administrator).",
    },
    "Bearer": {
        "type": "http",
        "scheme": "bearer",
        "description": "The same API key, sent as `Authorization: Bearer <key>`.",
    },
    "Session": {
        "type": "apiKey",
        "in": "cookie",
        "name": SESSION_COOKIE,
        "description": "The session of a person logged in at /login. POST, PUT, PATCH and "
        "DELETE also need the session's CSRF token in the `X-CSRF-Token` header.",
    },
}
AUTHENTICATED: list[dict[str, list[str]]] = [{name: []} for name in SECURITY_SCHEMES]

DETAIL = "Refusal"
INVALID = "InvalidValue"
LOCATED = "RequestProblems"
FILE_PROBLEMS = "FileProblems"

SCHEMAS: dict[str, Any] = {
    DETAIL: {
        "title": DETAIL,
        "type": "object",
        "properties": {"detail": {"type": "string", "description": "Why, in words"}},
        "required": ["detail"],
    },
    INVALID: {
        "title": INVALID,
        "type": "object",
        "properties": {
            "detail": {"type": "string", "description": "What is wrong with the value"},
            "field": {"type": "string", "description": "The field refused"},
        },
        "required": ["detail", "field"],
    },
    LOCATED: {
        "title": LOCATED,
        "type": "object",
        "properties": {
            "detail": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "loc": {
                            "type": "array",
                            "items": {"anyOf": [{"type": "string"}, {"type": "integer"}]},
                        },
                        "msg": {"type": "string"},
                        "type": {"type": "string"},
                    },
                    "required": ["loc", "msg", "type"],
                },
            }
        },
        "required": ["detail"],
    },
    FILE_PROBLEMS: {
        "title": FILE_PROBLEMS,
        "type": "object",
        "properties": {
            "detail": {"type": "string", "description": "How many problems; nothing stored"},
            "problems": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "file": {"type": "string"},
                        "line": {"anyOf": [{"type": "integer"}, {"type": "null"}]},
                        "field": {"anyOf": [{"type": "string"}, {"type": "null"}]},
                        "reason": {"type": "string"},
                    },
                    "required": ["file", "line", "field", "reason"],
                },
            },
        },
        "required": ["detail", "problems"],
    },
}

RETRY_AFTER = {
    "Retry-After": {
        "description": "Seconds to wait before trying again",
        "schema": {"type": "integer", "minimum": 0},
    }
}
WWW_AUTHENTICATE = {
    "WWW-Authenticate": {"description": "How to authenticate", "schema": {"type": "string"}}
}

THROTTLED = frozenset(
    {
        ("post", "/api/v1/parcels/lookup"),
        ("post", "/api/v1/stations/{facility}/handover"),
    }
)
"""Operations with a per-client limit (api.throttle) that answer 429."""

FILE_TYPES = {
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".pdf": "application/pdf",
    ".geojson": "application/geo+json",
}


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _answer(
    description: str, schema: dict[str, Any], headers: dict[str, Any] | None = None
) -> dict[str, Any]:
    out: dict[str, Any] = {
        "description": description,
        "content": {"application/json": {"schema": schema}},
    }
    if headers:
        out["headers"] = copy.deepcopy(headers)
    return out


def complete(document: dict[str, Any]) -> dict[str, Any]:
    """`document` (FastAPI's) with the security and the answers the app adds."""
    components = document.setdefault("components", {})
    components.setdefault("securitySchemes", {}).update(copy.deepcopy(SECURITY_SCHEMES))
    schemas = components.setdefault("schemas", {})
    schemas.update(copy.deepcopy(SCHEMAS))
    for path, operations in document.get("paths", {}).items():
        for method, op in operations.items():
            if method not in ("get", "post", "put", "patch", "delete"):
                continue
            _complete_operation(path, method, op)
    if not _referenced(document.get("paths", {}), "HTTPValidationError"):
        schemas.pop("HTTPValidationError", None)
        if not _referenced([document.get("paths", {}), schemas], "ValidationError"):
            schemas.pop("ValidationError", None)
    return document


def _complete_operation(path: str, method: str, op: dict[str, Any]) -> None:
    responses: dict[str, Any] = op.setdefault("responses", {})
    for parameter in op.get("parameters", []):
        rule = PARAMETERS.get(parameter.get("name", ""))
        if parameter.get("in") == "path" and rule is not None:
            parameter["schema"] = {**parameter.get("schema", {}), **copy.deepcopy(rule)}
    public = path in PUBLIC_API_PATHS
    op["security"] = [] if public else copy.deepcopy(AUTHENTICATED)
    for suffix, media in FILE_TYPES.items():
        ok = next((code for code in ("200", "201") if code in responses), None)
        if path.endswith(suffix) and ok is not None:
            content = responses[ok].setdefault("content", {})
            if media not in content:
                content.clear()
                content[media] = {"schema": {"type": "string", "format": "binary"}}
    refusal = _ref(DETAIL)
    if "requestBody" in op:  # FastAPI's answer to a body it cannot read at all
        responses.setdefault("400", _answer("The body could not be parsed", refusal))
    if not public:
        responses.setdefault(
            "401", _answer("No credential, or one that is not valid", refusal, WWW_AUTHENTICATE)
        )
        responses.setdefault(
            "403",
            _answer(
                "The caller's role or scope may not do this here (or, with a session, the "
                "X-CSRF-Token header is missing or wrong)",
                refusal,
            ),
        )
    if "{" in path or method != "get":
        responses.setdefault("404", _answer("Not found, or not visible to the caller", refusal))
    if method != "get":
        responses.setdefault(
            "409", _answer("The parcel's or the resource's state does not allow it", refusal)
        )
    if (method, path) in THROTTLED:
        responses.setdefault(
            "429", _answer("Too many tries from this client: wait", refusal, RETRY_AFTER)
        )
    responses["422"] = _answer(
        "A value refused (detail and field), or a malformed request (each problem located)",
        {"anyOf": [_ref(INVALID), _ref(LOCATED), _ref(FILE_PROBLEMS)]},
    )
    responses.setdefault(
        "503",
        _answer("The database cannot be written (or read) for now: retry later", refusal,
                RETRY_AFTER),
    )  # fmt: skip


def _referenced(node: Any, name: str) -> bool:
    target = f"#/components/schemas/{name}"
    if isinstance(node, dict):
        if node.get("$ref") == target:
            return True
        return any(_referenced(v, name) for v in node.values())
    if isinstance(node, list):
        return any(_referenced(v, name) for v in node)
    return False


def install(app: FastAPI) -> None:
    """Serve the completed document at the app's openapi_url (made once, then kept)."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            document = get_openapi(
                title=app.title,
                version=app.version,
                openapi_version=app.openapi_version,
                description=app.description,
                routes=app.routes,
            )
            app.openapi_schema = complete(document)
        return app.openapi_schema

    setattr(app, "openapi", openapi)  # noqa: B010 - FastAPI's documented override
