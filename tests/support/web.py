"""Helpers for tests of the web app: users of every role, log-in through the real form."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from countyexpress.adapters.db.uow import SqlUnitOfWork
from countyexpress.domain.access import SYSTEM, Role
from countyexpress.services import accounts

PASSWORD = "a long test password"
HESHUO = "652828"
STATION = "HS-STA-01"
OTHER_STATION = "HS-STA-02"
CARRIER = "zto"


@dataclass(frozen=True)
class Someone:
    """A user (or a carrier's key) the tests act as."""

    name: str
    role: Role
    county: str | None = None
    station: str | None = None
    carrier: str | None = None


PEOPLE = {
    "regulator": Someone("reg", Role.REGULATOR, HESHUO),
    "centre_operator": Someone("centre", Role.CENTRE_OPERATOR, HESHUO),
    "station_keeper": Someone("keeper", Role.STATION_KEEPER, HESHUO, station=STATION),
    "driver": Someone("driver", Role.DRIVER, HESHUO),
    "admin": Someone("admin", Role.ADMIN),
}


def add_user(engine: Engine, who: Someone, password: str = PASSWORD) -> None:
    """Store `who` as a user with `password`."""
    accounts.create_user(
        SqlUnitOfWork(engine), SYSTEM, who.name, password, who.role,
        county=who.county, station=who.station, carrier=who.carrier,
    )  # fmt: skip


def add_key(engine: Engine, carrier: str = CARRIER, county: str | None = HESHUO) -> str:
    """A new API key of `carrier`."""
    key, _ = accounts.create_api_key(SqlUnitOfWork(engine), SYSTEM, carrier, county=county)
    return key


def csrf_of(html: str) -> str:
    """The CSRF token of a rendered form."""
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "no csrf_token field in the page"
    return found.group(1)


def log_in(client: TestClient, name: str, password: str = PASSWORD) -> None:
    """Log in through the log-in form, as a browser would."""
    page = client.get("/login")
    r = client.post(
        "/login",
        data={"username": name, "password": password, "csrf_token": csrf_of(page.text)},
        follow_redirects=False,
    )
    assert r.status_code == 303, f"log-in of {name} failed: {r.status_code}"


RECEIVER_PHONE = "13812345678"


def seed_manifest_parcel(engine: Engine, settings: Any, waybill: str) -> None:
    """A parcel on a carrier's manifest for a village with a station, not yet at the centre."""
    import datetime as dt

    from countyexpress.adapters.vault import Vault
    from countyexpress.domain.delivery import DeliveryChoice
    from countyexpress.services import centre

    vault = Vault(settings.data_key_bytes())
    now = dt.datetime.now(dt.UTC) - dt.timedelta(hours=2)
    centre.record_consent(SqlUnitOfWork(engine), vault, HESHUO, RECEIVER_PHONE,
                          DeliveryChoice.STATION, now=now)  # fmt: skip
    item = {"waybill_no": waybill, "receiver_name": "张三", "receiver_phone": RECEIVER_PHONE,
            "address": "和硕县乌什塔拉回族乡塔拉村3组12号", "weight_kg": 1.2}  # fmt: skip
    centre.add_manifest(SqlUnitOfWork(engine), vault, HESHUO, CARRIER, [(1, item)], now=now)


def seed_station_parcel(engine: Engine, settings: Any, waybill: str) -> str:
    """A parcel on its way to a village station: consent, manifest, sorted, dispatched.

    Returns the station it was sent to.
    """
    import datetime as dt

    from countyexpress.services import centre

    seed_manifest_parcel(engine, settings, waybill)
    now = dt.datetime.now(dt.UTC) - dt.timedelta(hours=2)
    sorted_ = centre.centre_inbound(SqlUnitOfWork(engine), HESHUO, waybill, "HS-CENTER", at=now)
    assert sorted_.route_bag is not None
    centre.dispatch(SqlUnitOfWork(engine), HESHUO, sorted_.route_bag, "VAN-01", "HS-CENTER",
                    at=now + dt.timedelta(minutes=30))  # fmt: skip
    return sorted_.route_bag
