"""`countyexpress user …` and `countyexpress apikey …`: people who log in, carriers' keys.

The command line acts as the local operator (`domain.access.SYSTEM`): whoever can run it on
the server can already read the database.
"""

from __future__ import annotations

import sys
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from countyexpress import bootstrap
from countyexpress.domain.access import SYSTEM, Role
from countyexpress.errors import CountyExpressError, InvalidValue
from countyexpress.services import accounts, staff
from countyexpress.settings import get_settings

user_app = typer.Typer(help="People who log in, and their roles.", no_args_is_help=True)
apikey_app = typer.Typer(help="API keys of carriers' systems.", no_args_is_help=True)

out = Console()
err = Console(stderr=True)

PasswordStdin = Annotated[
    bool, typer.Option("--password-stdin", help="Read the password from standard input")
]


def _uow() -> Any:
    return bootstrap.uow_factory(bootstrap.open_engine(get_settings()))()


def _password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\n")
    value: str = typer.prompt("password", hide_input=True, confirmation_prompt=True)
    return value


def _fail(exc: CountyExpressError) -> typer.Exit:
    err.print(f"[red]{exc}[/red]", highlight=False)
    return typer.Exit(1)


@user_app.command("create-admin")
def create_admin(
    username: Annotated[str, typer.Option(prompt=True, help="User name, e.g. admin")],
    password_stdin: PasswordStdin = False,
) -> None:
    """Create an administrator (the first one, or another)."""
    try:
        user = accounts.create_user(_uow(), SYSTEM, username, _password(password_stdin), Role.ADMIN)
    except CountyExpressError as exc:
        raise _fail(exc) from exc
    out.print(f"created administrator {user.username}", highlight=False)


@user_app.command("add")
def add(
    username: Annotated[str, typer.Argument(help="User name")],
    role: Annotated[Role, typer.Option(help="The user's role")],
    county: Annotated[
        str | None,
        typer.Option(
            help="County code the user works in (6 digits); a regulator's may be a "
            "prefecture's (4 digits, e.g. 6528: its counties)"
        ),
    ] = None,
    station: Annotated[str | None, typer.Option(help="A station keeper's facility code")] = None,
    carrier: Annotated[str | None, typer.Option(help="A carrier user's carrier code")] = None,
    unit: Annotated[
        str | None, typer.Option(help="A regulator's unit of the plan (its code, e.g. transport)")
    ] = None,
    name: Annotated[str, typer.Option(help="Display name")] = "",
    staff_no: Annotated[
        str | None,
        typer.Option(help="A keeper's or driver's staff number (the pre-job training gate)"),
    ] = None,
    password_stdin: PasswordStdin = False,
) -> None:
    """Add a user with a role, bound to a county, a station or a carrier as the role needs.
    A station keeper or a driver is a registered staff member (--staff-no) who passes the
    gate: pre-job training recorded and not blacklisted (docs/staff.md). With --station and
    no --county, the county is the station's."""
    try:
        if station and not county:
            county = _county_of_station(station)
        if role in (Role.STATION_KEEPER, Role.DRIVER):
            if not (staff_no and county):
                raise InvalidValue(
                    "staff_no", "a station keeper or driver needs --staff-no and --county"
                )
            user = staff.create_staff_user(
                _uow(), SYSTEM, staff_no, username, _password(password_stdin), role,
                county=county, station=station, display_name=name,
            )  # fmt: skip
        else:
            user = accounts.create_user(
                _uow(), SYSTEM, username, _password(password_stdin), role,
                display_name=name, county=county, station=station, carrier=carrier, unit=unit,
            )  # fmt: skip
    except CountyExpressError as exc:
        raise _fail(exc) from exc
    out.print(f"created {user.role.value} {user.username}", highlight=False)


def _county_of_station(station: str) -> str:
    """The one loaded county with a facility of that code."""
    with _uow() as uow:
        counties = sorted(uow.counties.facility_counties().get(station, set()))
    if len(counties) != 1:
        why = "is not a facility of any loaded county" if not counties else (
            f"is in several counties ({', '.join(counties)})")  # fmt: skip
        raise InvalidValue("station", f"{station} {why}: give --county")
    return str(counties[0])


@user_app.command("set-password")
def set_password(
    username: Annotated[str, typer.Argument(help="User name")],
    password_stdin: PasswordStdin = False,
) -> None:
    """Set a user's password; the user's open sessions end."""
    try:
        accounts.change_password(_uow(), SYSTEM, username, _password(password_stdin))
    except CountyExpressError as exc:
        raise _fail(exc) from exc
    out.print(f"password of {username} changed", highlight=False)


@user_app.command("list")
def list_users() -> None:
    """Every user with role and binding (never a password)."""
    table = Table("username", "role", "county", "station", "carrier", "active")
    for u in accounts.list_users(_uow(), SYSTEM):
        table.add_row(u.username, u.role.value, u.county or "", u.station or "",
                      u.carrier or "", "yes" if u.active else "no")  # fmt: skip
    out.print(table)


@apikey_app.command("create")
def apikey_create(
    carrier: Annotated[str, typer.Option(help="Carrier code, e.g. zto")],
    county: Annotated[str | None, typer.Option(help="Limit the key to one county")] = None,
    name: Annotated[str, typer.Option(help="What the key is for")] = "",
) -> None:
    """Create a key for a carrier's system; it is printed once and stored only as a hash."""
    try:
        key, record = accounts.create_api_key(_uow(), SYSTEM, carrier, county=county, name=name)
    except CountyExpressError as exc:
        raise _fail(exc) from exc
    err.print(f"API key {record.prefix} for {record.carrier}: keep it now, it is not shown again")
    sys.stdout.write(key + "\n")


@apikey_app.command("revoke")
def apikey_revoke(prefix: Annotated[str, typer.Argument(help="The key's prefix")]) -> None:
    """Revoke a key by its prefix (as `apikey list` shows it)."""
    try:
        accounts.revoke_api_key(_uow(), SYSTEM, prefix)
    except CountyExpressError as exc:
        raise _fail(exc) from exc
    out.print(f"revoked {prefix}", highlight=False)


@apikey_app.command("list")
def apikey_list() -> None:
    """Keys by prefix, carrier and county (never the key itself)."""
    table = Table("prefix", "carrier", "county", "name", "created", "revoked")
    with _uow() as uow:
        keys = uow.accounts.keys()
    for k in keys:
        revoked = k.revoked_at.isoformat(timespec="minutes") if k.revoked_at else ""
        created = k.created_at.isoformat(timespec="minutes")
        table.add_row(k.prefix, k.carrier, k.county or "", k.name, created, revoked)
    out.print(table)
