"""Resolve a receiver's address to a village or community of the county."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from countyexpress.domain.geography import DataQuality, Division, DivisionLevel

_CODE = re.compile(r"(?<!\d)(\d{12})(?!\d)")
_SUFFIXES = ("村委会", "社区", "村", "镇", "乡")


@dataclass(frozen=True)
class Resolution:
    """Where an address points: a village or community, or why a person must look."""

    division_code: str | None
    township_code: str | None
    reason: str

    @property
    def resolved(self) -> bool:
        """Whether the address reached a village or community."""
        return self.division_code is not None


def _names(d: Division) -> list[str]:
    names = [d.name]
    for suffix in _SUFFIXES:
        if d.name.endswith(suffix) and len(d.name) - len(suffix) >= 2:
            names.append(d.name[: -len(suffix)])
            break
    return names


class AddressBook:
    """The divisions an address can name, indexed once: names with and without their
    suffix, townships first. Placeholder divisions (unknown names) are left out: an
    address cannot name them."""

    def __init__(self, divisions: Iterable[Division]) -> None:
        pool = [d for d in divisions if d.quality is not DataQuality.PLACEHOLDER]
        self.by_code = {d.code: d for d in pool}
        self.townships = [(t, _names(t)) for t in pool if t.level is DivisionLevel.TOWNSHIP]
        self.lower = [(d, _names(d)) for d in pool if d.level is not DivisionLevel.TOWNSHIP]

    def resolve(self, address: str) -> Resolution:
        """Match division codes, then names (longest first); ambiguity goes to the manual
        queue."""
        text = re.sub(r"\s+", "", address)
        for code in _CODE.findall(text):
            d = self.by_code.get(code)
            if d is not None and d.level is not DivisionLevel.TOWNSHIP:
                return Resolution(d.code, d.parent_code, f"division code {code}")
        town = next((t for t, names in self.townships if any(n in text for n in names)), None)
        lower = self.lower
        if town is not None:
            lower = [(d, n) for d, n in lower if d.parent_code == town.code] or lower
        rest = text
        for t, _ in self.townships:  # a village name inside a township's name is not the village
            rest = rest.replace(t.name, "|")
        hits: list[tuple[int, Division]] = []
        for d, names in lower:
            found = [len(n) for n in names if n in rest]
            if found:
                hits.append((max(found), d))
        if hits:
            best = max(length for length, _ in hits)
            top = [d for length, d in hits if length == best]
            if len(top) == 1:
                d = top[0]
                return Resolution(d.code, d.parent_code, f"name {d.name}")
            which = "、".join(sorted(d.name for d in top))
            return Resolution(None, town.code if town else None, f"ambiguous: {which}")
        if town is not None:
            return Resolution(None, town.code, f"only the township {town.name} is named")
        return Resolution(None, None, "no village, community or township of the county is named")


@lru_cache(maxsize=16)
def address_book(divisions: tuple[Division, ...]) -> AddressBook:
    """The address book of these divisions, made once per set of divisions (a caller that
    resolves many addresses keeps its own `AddressBook`: hashing the divisions costs more
    than a look-up)."""
    return AddressBook(divisions)


def resolve_address(address: str, divisions: Iterable[Division]) -> Resolution:
    """Match division codes, then names (longest first); ambiguity goes to the manual queue.

    Placeholder divisions (unknown names) never match: an address cannot name them.
    """
    return address_book(tuple(divisions)).resolve(address)
