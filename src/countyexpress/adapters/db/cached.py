"""A unit of work whose county aggregates are read once, for long runs that do not change them.

Every unit of work keeps the counties it read per database while their `loaded_at` is
unchanged (`repository.CountyCache`): one primary-key look-up per transaction instead of
reading the whole county (about 17 ms on SQLite). A simulation makes thousands of
transactions on a county it never changes, so it skips even that look-up: it reads the
county once and keeps it. Everything else is the ordinary SqlUnitOfWork.
"""

from __future__ import annotations

from typing import Self

from sqlalchemy import Connection, Engine

from countyexpress.adapters.db.repository import SqlCountyRepository
from countyexpress.adapters.db.uow import SqlUnitOfWork
from countyexpress.domain.county import County


class CachedCountyRepository(SqlCountyRepository):
    """The county repository with `get` answered from a shared cache after the first read."""

    def __init__(self, connection: Connection, cache: dict[str, County]) -> None:
        super().__init__(connection)
        self._cache = cache

    def get(self, code: str) -> County | None:
        county = self._cache.get(code)
        if county is None:
            county = super().get(code)
            if county is not None:
                self._cache[code] = county
        return county

    def add(self, county: County) -> None:
        self._cache.pop(county.code, None)
        super().add(county)

    def remove(self, code: str) -> None:
        self._cache.pop(code, None)
        super().remove(code)


class CountyCachingUnitOfWork(SqlUnitOfWork):
    """A SqlUnitOfWork sharing one county cache with the other units of a run."""

    def __init__(self, engine: Engine, cache: dict[str, County] | None = None) -> None:
        super().__init__(engine)
        self.cache: dict[str, County] = {} if cache is None else cache

    def __enter__(self) -> Self:
        super().__enter__()
        assert self._connection is not None
        self.counties = CachedCountyRepository(self._connection, self.cache)
        return self
