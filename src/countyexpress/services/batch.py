"""Batch forms of the operations services: one transaction, per-item refusals.

A batch form reads what its items need with set-based queries, runs each item through
the same rule the single form applies (a function that raises the single form's error),
and writes the batch's rows and scan events at once. An item the rules refuse is
reported with the error the single form would raise for it, and the batch goes on;
nothing about a refused item is written. The single form is the batch form of one item:
`Batch.one` returns its answer or raises its error.

Errors that concern the whole batch (county not loaded, a wrong facility for a batch at
one facility, the caller not allowed there) are raised, as by the single form.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from countyexpress.errors import CountyExpressError

T = TypeVar("T")
U = TypeVar("U")
X = TypeVar("X")


@dataclass(frozen=True)
class Refusal:
    """An item of a batch the rules refused: its position in the batch, what it names
    (the waybill or code given), and the error the single form raises for it."""

    position: int
    key: str
    error: CountyExpressError

    @property
    def reason(self) -> str:
        """The error's message, what a screen shows."""
        return str(self.error)


@dataclass(frozen=True)
class Batch(Generic[T]):
    """What a batch did: the answers of the items done, in the batch's order, and the
    refusals (with their positions)."""

    done: list[T] = field(default_factory=list)
    refused: list[Refusal] = field(default_factory=list)

    def one(self) -> T:
        """The answer of a batch of one item, or its refusal raised."""
        if self.refused:
            raise self.refused[0].error
        return self.done[0]

    def map(self, fn: Callable[[T], U]) -> Batch[U]:
        """The same batch with each answer passed through `fn`."""
        return Batch([fn(d) for d in self.done], list(self.refused))


def each(items: Iterable[tuple[str, X]], step: Callable[[X], T]) -> Batch[T]:
    """Run `step` on each (key, item) in order; an item whose step raises a
    CountyExpressError is refused with that error. A step must check everything before
    it changes anything, so that a refused item leaves no trace."""
    batch: Batch[T] = Batch()
    for position, (key, item) in enumerate(items):
        try:
            batch.done.append(step(item))
        except CountyExpressError as exc:
            batch.refused.append(Refusal(position, key, exc))
    return batch
