"""Each county's last front-warehouse forecast on SQL (tables_front_warehouse)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Engine, delete, insert, select

from countyexpress.adapters.db.tables_front_warehouse import front_warehouse as t


class SqlFrontWarehouse:
    """The stored document of a county's last forecast, one transaction per call."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def save(self, county: str, source: str, document: dict[str, Any], by: str) -> None:
        """Store `document`, replacing the county's previous one."""
        with self._engine.begin() as c:
            c.execute(delete(t).where(t.c.county_code == county))
            c.execute(
                insert(t).values(
                    county_code=county,
                    source=source,
                    document=document,
                    created_at=dt.datetime.now(dt.UTC),
                    created_by=by,
                )
            )

    def get(self, county: str) -> dict[str, Any] | None:
        """The county's stored document, if any."""
        with self._engine.connect() as c:
            row = c.execute(select(t.c.document).where(t.c.county_code == county)).first()
        return None if row is None else dict(row[0])
