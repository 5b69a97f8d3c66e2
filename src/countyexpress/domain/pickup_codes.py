"""Pickup codes (取件码) as people type them: `A-0146`, `a0146`, `Ａ－０１４６`, `0146`.

A printed code is a shelf (letters) and a 4-digit running number (`shelves.pickup_code`). A
receiver reads it out or types it on a phone: in lower case, without the dash, with spaces,
in full-width characters from a Chinese input method, or the number alone. `parse` turns
any of these into the shelf (None when left out) and the number, and refuses anything
else; `resolve` finds the one waiting code a typed form names, or says the short form is
ambiguous (two shelves hold that number) so the keeper asks for the shelf letter.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from countyexpress.errors import N_, InvalidValue, said

_TYPED = re.compile(r"^(?:([A-Z]{1,3})[ \t\-_.·]*)?([0-9]{1,4})$")
_PRINTED = re.compile(r"^([A-Z]{1,3})-([0-9]{4})$")


@dataclass(frozen=True)
class Typed:
    """A typed pickup code: its shelf, when given, and its number."""

    shelf: str | None
    number: int


def parse(text: str) -> Typed:
    """The shelf and number of a typed pickup code; InvalidValue for anything else."""
    folded = unicodedata.normalize("NFKC", text).strip().upper()
    match = _TYPED.match(folded)
    if match is None:
        raise said(
            InvalidValue,
            N_("not a pickup code: give the shelf letter and the number, like A-0146"),
            "pickup",
        )
    return Typed(match.group(1), int(match.group(2)))


class Resolution(StrEnum):
    """What a typed code names among the codes waiting at a station."""

    FOUND = "found"
    NONE = "none"  # no waiting code, or not a pickup code at all
    AMBIGUOUS = "ambiguous"  # the number alone, under more than one shelf


def resolve(text: str, waiting: Iterable[str]) -> tuple[Resolution, str]:
    """The waiting code `text` names (FOUND, code), or (NONE, "") or (AMBIGUOUS, "")."""
    return WaitingCodes(waiting).resolve(text)


class WaitingCodes:
    """The codes waiting at a station, by number: `resolve` answers as the function of that
    name without walking every waiting code (a station's day of hand-overs asks for
    hundreds among hundreds); `discard` takes a code away once its parcel is handed over."""

    def __init__(self, waiting: Iterable[str]) -> None:
        self._by_number: dict[int, list[tuple[str, str]]] = {}  # number: [(shelf, code)]
        for code in waiting:
            printed = _PRINTED.match(code.upper())
            if printed is not None:
                number = int(printed.group(2))
                self._by_number.setdefault(number, []).append((printed.group(1), code))

    def discard(self, code: str) -> None:
        """No longer waiting: `code` as it was given."""
        printed = _PRINTED.match(code.upper())
        if printed is not None:
            same = self._by_number.get(int(printed.group(2)), [])
            same[:] = [(shelf, c) for shelf, c in same if c != code]

    def resolve(self, text: str) -> tuple[Resolution, str]:
        """The waiting code `text` names (FOUND, code), or (NONE, "") or (AMBIGUOUS, "")."""
        try:
            typed = parse(text)
        except InvalidValue:
            return Resolution.NONE, ""
        hits = [
            code
            for shelf, code in self._by_number.get(typed.number, ())
            if typed.shelf is None or shelf == typed.shelf
        ]
        if len(hits) == 1:
            return Resolution.FOUND, hits[0]
        if len(hits) > 1 and typed.shelf is None:
            return Resolution.AMBIGUOUS, ""
        return Resolution.NONE, ""
