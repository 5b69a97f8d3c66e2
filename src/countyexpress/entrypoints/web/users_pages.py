"""用户 Users and roles on screen, for administrators only: list, add (bound to a county, a
station, a carrier or a unit; a station keeper or a driver through the staff gate), disable
and enable, reset a password (a one-time password shown once). The same services as
`countyexpress user …` (cli_users.py); each change of a user is audit-logged."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from countyexpress.domain.access import Action, Principal, Resource, Role, require
from countyexpress.entrypoints.api.auth import CsrfDep, PrincipalDep
from countyexpress.entrypoints.api.deps import UowDep
from countyexpress.entrypoints.web.i18n import gettext_for, reason_of
from countyexpress.entrypoints.web.render import render
from countyexpress.errors import N_, CountyExpressError, InvalidValue, NotFound, said
from countyexpress.services import accounts, registries, staff

router = APIRouter(include_in_schema=False)

STAFF_ROLES = (Role.STATION_KEEPER, Role.DRIVER)
CHANGE_LABELS = {"disable": N_("disabled"), "enable": N_("enabled"),
                 "password": N_("password reset")}  # fmt: skip
"""The audit log's changes of a user (`accounts.set_active`, `accounts.reset_password`)."""


def _page(
    request: Request, uow: Any, by: Principal, result: dict[str, Any], status: int = 200
) -> Response:
    users = accounts.list_users(uow, by)
    seen = registries.visible_counties(uow, by)
    ctx = {"users": users, "roles": [r.value for r in Role if r is not Role.CARRIER],
           "counties": seen, "result": result,
           "prefectures": sorted({c.code[:4] for c in seen}),  # a regulator's binding too
           "changes": accounts.user_changes(uow, by), "CHANGE_LABELS": CHANGE_LABELS,
           "user_names": {f"user:{u.id}": u.username for u in users}}  # fmt: skip
    return render(request, "users.html", ctx, active="users", status_code=status)


FIELD_REASONS = {
    "username": N_("Use 2-40 lower-case letters, digits, '.', '-' or '_'."),
    "password": N_("Use at least 10 characters, not the user name."),
    "county": N_("Choose a loaded county: this role is bound to one."),
    "station": N_("Only a station keeper is bound to a station, a station, outlet or locker "
                  "of the chosen county."),
    "carrier": N_("Only a carrier integration is bound to a carrier registered in the county."),
    "unit": N_("Only a regulator of a county is bound to a unit of that county's plan."),
}  # fmt: skip
"""A refusal without its own translation, said by the field it names."""


def _refused(request: Request, uow: Any, by: Principal, exc: CountyExpressError) -> Response:
    _ = gettext_for(request.state.locale)
    if not exc.msgid and isinstance(exc, InvalidValue) and exc.field in FIELD_REASONS:
        message = _(FIELD_REASONS[exc.field])
    else:
        message = reason_of(exc, _)
    return _page(request, uow, by, {"ok": False, "message": message}, 422)


@router.get("/users")
def users_page(request: Request, uow: UowDep, by: PrincipalDep) -> Response:
    """Every user with role, binding, unit, whether active and the last log-in."""
    return _page(request, uow, by, {})


@router.post("/users", dependencies=[CsrfDep])
def add_user(
    request: Request,
    uow: UowDep,
    by: PrincipalDep,
    username: Annotated[str, Form()] = "",
    role: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    display_name: Annotated[str, Form()] = "",
    county: Annotated[str, Form()] = "",
    station: Annotated[str, Form()] = "",
    carrier: Annotated[str, Form()] = "",
    unit: Annotated[str, Form()] = "",
    staff_no: Annotated[str, Form()] = "",
) -> Response:
    """Add a user; a station keeper or a driver is a registered staff member who passes the
    gate (pre-job training, not blacklisted). Without a password, a one-time one is made."""
    require(by, Action.EDIT, Resource.USER)  # before anything of the form is read
    _ = gettext_for(request.state.locale)
    one_time = "" if password else accounts.new_one_time_password()
    try:
        try:
            as_role = Role(role)
        except ValueError:
            raise said(InvalidValue, N_("Choose a role."), "role") from None
        if as_role in STAFF_ROLES:
            if not (staff_no.strip() and county.strip()):
                raise said(
                    InvalidValue,
                    N_("A station keeper or a driver needs a staff number and a county."),
                    "staff_no",
                )
            try:
                user = staff.create_staff_user(
                    uow, by, staff_no.strip(), username, password or one_time, as_role,
                    county=county.strip(), station=station.strip() or None,
                    display_name=display_name,
                )  # fmt: skip
            except NotFound:
                raise said(
                    NotFound,
                    N_("Staff number %(staff_no)s is not registered in county %(county)s: "
                       "register the person on the staff page first."),
                    staff_no=staff_no.strip(), county=county.strip(),
                ) from None  # fmt: skip
        else:
            user = accounts.create_user(
                uow, by, username, password or one_time, as_role, display_name=display_name,
                county=county.strip() or None, station=station.strip() or None,
                carrier=carrier.strip() or None, unit=unit.strip() or None,
            )  # fmt: skip
    except CountyExpressError as exc:
        return _refused(request, uow, by, exc)
    message = _("User %(name)s added.") % {"name": user.username}
    return _page(request, uow, by, {"ok": True, "message": message, "password": one_time,
                                    "username": user.username})  # fmt: skip


@router.post("/users/active", dependencies=[CsrfDep])
def set_active(
    request: Request,
    uow: UowDep,
    by: PrincipalDep,
    username: Annotated[str, Form()] = "",
    active: Annotated[str, Form()] = "",
) -> Response:
    """Disable a user (its sessions end at once) or enable it again."""
    require(by, Action.EDIT, Resource.USER)
    _ = gettext_for(request.state.locale)
    try:
        user = accounts.set_active(uow, by, username, active == "1")
    except CountyExpressError as exc:
        return _refused(request, uow, by, exc)
    text = _("User %(name)s enabled.") if user.active else _("User %(name)s disabled.")
    return _page(request, uow, by, {"ok": True, "message": text % {"name": user.username}})


@router.post("/users/password", dependencies=[CsrfDep])
def reset_password(
    request: Request,
    uow: UowDep,
    by: PrincipalDep,
    username: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
) -> Response:
    """Set a new password, or make a one-time password shown once; the user's sessions end."""
    require(by, Action.EDIT, Resource.USER)
    _ = gettext_for(request.state.locale)
    try:
        new = accounts.reset_password(uow, by, username, password or None)
    except CountyExpressError as exc:
        return _refused(request, uow, by, exc)
    message = _("Password of %(name)s changed.") % {"name": username.strip().lower()}
    shown = "" if password else new
    return _page(request, uow, by, {"ok": True, "message": message, "password": shown,
                                    "username": username.strip().lower()})  # fmt: skip
