"""Wiring: settings → engine (migrated) → unit-of-work factory; used by the CLI and the app."""

from __future__ import annotations

import ipaddress
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from countyexpress.adapters.db.engine import make_engine
from countyexpress.adapters.db.migrate import upgrade
from countyexpress.adapters.db.uow import SqlUnitOfWork
from countyexpress.adapters.packs import builtin_pack_path, read_pack
from countyexpress.domain.county import County
from countyexpress.settings import Settings


def pool_options(settings: Settings, url: str) -> dict[str, Any]:
    """A PostgreSQL engine's pool size and overflow from the settings (none for SQLite)."""
    if url.startswith("sqlite"):
        return {}
    return {"pool_size": settings.db_pool_size, "max_overflow": settings.db_max_overflow}


def open_engine(settings: Settings, migrate: bool = True) -> Engine:
    """The database engine; with `migrate`, the schema is brought to the newest revision."""
    engine = make_engine(
        settings.database_url,
        sqlite_synchronous=settings.sqlite_synchronous,
        **pool_options(settings, settings.database_url),
    )
    if migrate:
        upgrade(engine)
        from countyexpress.services import keys

        keys.settle(settings, engine)  # a key rotation cut short: which key the data is under
    return engine


def open_read_engine(settings: Settings, engine: Engine) -> Engine:
    """The engine for the overview's reads: the read replica's when one is set, else
    `engine` itself (never migrated: a replica follows its primary)."""
    url = settings.read_database_url
    return make_engine(url, **pool_options(settings, url)) if url else engine


def uow_factory(engine: Engine) -> Callable[[], SqlUnitOfWork]:
    """A function that makes a fresh unit of work on `engine`."""
    return lambda: SqlUnitOfWork(engine)


def read_pack_source(source: str) -> County:
    """A pack by built-in name (`heshuo`) or by folder path, read and checked."""
    builtin = builtin_pack_path(source)
    return read_pack(builtin if builtin is not None else Path(source))


def server_options(settings: Settings) -> dict[str, Any]:
    """uvicorn's proxy options: X-Forwarded-For/-Proto believed only from the trusted proxies.

    uvicorn on its own believes them from 127.0.0.1, so anyone reaching a server that has
    no proxy in front could pick the address the throttles count by.
    """
    proxies = settings.trusted_proxy_list()
    return {"proxy_headers": bool(proxies), "forwarded_allow_ips": proxies}


def is_loopback(host: str) -> bool:
    """Whether `host` (an address or a name) only listens on this machine."""
    if host.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip().strip("[]")).is_loopback
    except ValueError:
        return False
