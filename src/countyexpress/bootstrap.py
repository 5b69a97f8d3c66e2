"""Wiring: settings → engine (migrated) → unit-of-work factory; used by the CLI and the app."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from sqlalchemy import Engine

from countyexpress.adapters.db.engine import make_engine
from countyexpress.adapters.db.migrate import upgrade
from countyexpress.adapters.db.uow import SqlUnitOfWork
from countyexpress.adapters.packs import builtin_pack_path, read_pack
from countyexpress.domain.county import County
from countyexpress.settings import Settings


def open_engine(settings: Settings, migrate: bool = True) -> Engine:
    """The database engine; with `migrate`, the schema is brought to the newest revision."""
    engine = make_engine(settings.database_url)
    if migrate:
        upgrade(engine)
    return engine


def uow_factory(engine: Engine) -> Callable[[], SqlUnitOfWork]:
    """A function that makes a fresh unit of work on `engine`."""
    return lambda: SqlUnitOfWork(engine)


def read_pack_source(source: str) -> County:
    """A pack by built-in name (`heshuo`) or by folder path, read and checked."""
    builtin = builtin_pack_path(source)
    return read_pack(builtin if builtin is not None else Path(source))
