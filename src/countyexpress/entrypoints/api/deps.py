"""Dependencies shared by routes: the unit of work and settings from the app state."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Path, Request

from countyexpress.adapters.db.uow import SqlUnitOfWork
from countyexpress.settings import Settings


def get_uow(request: Request) -> SqlUnitOfWork:
    """A fresh unit of work on the app's engine."""
    return SqlUnitOfWork(request.app.state.engine)


def get_read_uow(request: Request) -> SqlUnitOfWork:
    """A fresh unit of work for reads only: on the read replica when one is set
    (COUNTYEXPRESS_READ_DATABASE_URL), else on the app's engine."""
    return SqlUnitOfWork(request.app.state.read_engine)


def get_app_settings(request: Request) -> Settings:
    """The settings the app was made with."""
    settings: Settings = request.app.state.settings
    return settings


UowDep = Annotated[SqlUnitOfWork, Depends(get_uow)]
ReadUowDep = Annotated[SqlUnitOfWork, Depends(get_read_uow)]
SettingsDep = Annotated[Settings, Depends(get_app_settings)]

ROW_ID_MAX = 2**31 - 1
"""The largest row id a table holds on every backend (PostgreSQL's INTEGER)."""
RowId = Annotated[int, Path(ge=1, le=ROW_ID_MAX)]
"""A record's or attachment's id in a path: beyond the columns' range it answers
422, never a server error."""
