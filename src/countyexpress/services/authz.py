"""Authorisation inside the services: who may do this, here.

`by=None` is the trusted local caller — the command line on the server, the simulation,
the tests — as the web and API always pass the principal of the request.

One rule keeps refusals from telling whether something exists (issue 11, defect 11): what
the request itself names — the caller's role, the county, station or carrier in the path —
is checked before anything is looked up (`check`: 403 whether it exists or not); what only
the look-up tells — the county of a route plan, the station or carrier of a parcel — is
checked after it, and a caller who may not see it gets the very NotFound of one that does
not exist (`check_kind` first, then `visible`)."""

from __future__ import annotations

from countyexpress.domain.access import (
    Action,
    Principal,
    Resource,
    Where,
    allowed,
    require,
    scope_of,
)
from countyexpress.errors import Forbidden, NotFound

__all__ = ["check", "check_kind", "may", "visible"]


def check(by: Principal | None, action: Action, resource: Resource, where: Where) -> None:
    """Raise Forbidden unless `by` may act here (the local caller always may)."""
    if by is not None:
        require(by, action, resource, where)


def may(by: Principal | None, action: Action, resource: Resource, where: Where) -> bool:
    """Whether `by` may act here, for filtering."""
    return by is None or allowed(by, action, resource, where)


def check_kind(by: Principal | None, action: Action, resource: Resource) -> None:
    """Before a look-up: Forbidden unless `by`'s role may take `action` on some `resource`
    (the answer cannot depend on what exists)."""
    if by is not None and scope_of(by, action, resource) is None:
        raise Forbidden(
            f"a {by.role.value} may not {action.value} a {resource.value.replace('_', ' ')}"
        )


def visible(
    by: Principal | None, action: Action, resource: Resource, where: Where, missing: NotFound
) -> None:
    """After a look-up found the thing at `where`: raise `missing` — the error of one that
    does not exist — unless `by` may act on it there."""
    if not may(by, action, resource, where):
        raise missing
