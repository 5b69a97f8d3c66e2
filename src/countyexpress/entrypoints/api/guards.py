"""Guards shared by routers that take personal data or scans."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Annotated, Any

from fastapi import Depends, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute

from countyexpress.domain.access import Action, Principal, Resource, Where, require, scope_of
from countyexpress.entrypoints.api.auth import PrincipalDep
from countyexpress.errors import Forbidden


class RedactedValidationRoute(APIRoute):
    """A route whose 422 answer names the fields and the problems, never the values sent."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def redacted(request: Request) -> Response:
            try:
                return await handler(request)
            except RequestValidationError as exc:
                errors = [
                    {"loc": list(e.get("loc", ())), "msg": e.get("msg", ""), "type": e.get("type")}
                    for e in exc.errors()
                ]
                return JSONResponse({"detail": errors}, status_code=422)

        return redacted


def scanner(principal: PrincipalDep) -> Principal:
    """The principal, if its role scans parcels at all; the services check where it may.

    Dependencies run before the body is validated, so a role that never scans is refused
    (403) without being told anything about the body it sent.
    """
    if scope_of(principal, Action.SCAN, Resource.PARCEL) is None:
        raise Forbidden(f"a {principal.role.value} may not scan parcels")
    return principal


ScannerDep = Annotated[Principal, Depends(scanner)]


def county_guard(action: Action, resource: Resource) -> Callable[..., Principal]:
    """A dependency that refuses (403) a principal who may not act on the path's county,
    before the request's body or query is validated."""

    def guard(code: str, principal: PrincipalDep) -> Principal:
        require(principal, action, resource, Where(code))
        return principal

    return guard


PlannerDep = Annotated[Principal, Depends(county_guard(Action.EDIT, Resource.PLANNING))]
PlanReaderDep = Annotated[Principal, Depends(county_guard(Action.READ, Resource.PLANNING))]
