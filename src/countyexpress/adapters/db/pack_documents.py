"""A county's pack rule files on SQL (tables_pack_documents), inside the unit of work."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import Connection, delete, insert, select

from countyexpress.adapters.db.tables_pack_documents import pack_documents
from countyexpress.domain.pack_document import PackDocument

__all__ = ["SqlPackDocuments"]


class SqlPackDocuments:
    """The rule files stored with each county when its pack was loaded."""

    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def replace(self, county: str, documents: Sequence[PackDocument]) -> None:
        """Store `documents` as the county's whole set (a file the pack no longer has goes)."""
        t = pack_documents
        self._c.execute(delete(t).where(t.c.county_code == county))
        at = dt.datetime.now(dt.UTC)
        for d in documents:
            self._c.execute(insert(t).values(county_code=county, name=d.name,
                                             content=d.content, source=d.source,
                                             loaded_at=at))  # fmt: skip

    def get(self, county: str, name: str) -> PackDocument | None:
        """The county's stored file `name`, if its pack had one."""
        t = pack_documents
        row = self._c.execute(
            select(t.c.content, t.c.source).where(t.c.county_code == county, t.c.name == name)
        ).first()
        return None if row is None else PackDocument(name, dict(row.content), str(row.source))

    def all(self, county: str) -> list[PackDocument]:
        """Every file stored with the county, by name."""
        t = pack_documents
        rows = self._c.execute(
            select(t.c.name, t.c.content, t.c.source)
            .where(t.c.county_code == county)
            .order_by(t.c.name)
        )
        return [PackDocument(str(r.name), dict(r.content), str(r.source)) for r in rows]
