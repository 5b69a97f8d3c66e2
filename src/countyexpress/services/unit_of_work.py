"""What a service needs from storage, as protocols, so tests can pass fakes."""

from __future__ import annotations

from types import TracebackType
from typing import Protocol, Self

from countyexpress.domain.county import County


class CountyRepository(Protocol):
    """Where counties are kept."""

    def add(self, county: County) -> None: ...
    def get(self, code: str) -> County | None: ...
    def codes(self) -> list[str]: ...
    def count(self) -> int: ...
    def remove(self, code: str) -> None: ...


class UnitOfWork(Protocol):
    """One transaction with its repositories."""

    @property
    def counties(self) -> CountyRepository: ...

    def __enter__(self) -> Self: ...
    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...
    def commit(self) -> None: ...
