"""Authorisation inside the services: who may do this, here.

`by=None` is the trusted local caller — the command line on the server, the simulation,
the tests — as the web and API always pass the principal of the request."""

from __future__ import annotations

from countyexpress.domain.access import Action, Principal, Resource, Where, allowed, require

__all__ = ["check", "may"]


def check(by: Principal | None, action: Action, resource: Resource, where: Where) -> None:
    """Raise Forbidden unless `by` may act here (the local caller always may)."""
    if by is not None:
        require(by, action, resource, where)


def may(by: Principal | None, action: Action, resource: Resource, where: Where) -> bool:
    """Whether `by` may act here, for filtering."""
    return by is None or allowed(by, action, resource, where)
