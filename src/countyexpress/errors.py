"""The project's exceptions: one hierarchy, each with a one-line reason a person can act on."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import TypeVar

__all__ = [
    "Bilingual",
    "CountyExpressError",
    "Forbidden",
    "InvalidValue",
    "NotAllowed",
    "NotAuthenticated",
    "NotFound",
    "PackInvalid",
    "PackProblem",
    "Said",
    "TooManyRequests",
    "said",
]


class CountyExpressError(Exception):
    """Base of every error County Express raises on purpose.

    An error made with `said` also keeps its message id and parameters, so a screen can
    show it in the reader's language (`_(msgid) % params`); `str()` is the English."""

    msgid: str = ""
    params: Mapping[str, object] = MappingProxyType({})


E = TypeVar("E", bound=CountyExpressError)


def N_(message: str) -> str:
    """Mark a message for the translation catalogues (pybabel -k N_); it stays as it is."""
    return message


def said(error: Callable[..., E], msgid: str, /, *args: str, **params: object) -> E:
    """`error(*args, msgid % params)` that remembers `msgid` and `params` for translation,
    e.g. `said(NotAllowed, N_("%(waybill)s is already on a shelf here"), waybill=w)` or
    `said(InvalidValue, N_("…"), "field", …)`."""
    exc = error(*args, msgid % params)
    exc.msgid, exc.params = msgid, MappingProxyType(dict(params))
    return exc


class Said(str):
    """An English reason (`msgid % params`) that remembers its message id and parameters, so
    a screen can say it in the reader's language; e.g. one of several reasons passed as a
    parameter of `said` (`Said.joined`). It compares and serialises as its English text."""

    msgid: str
    params: Mapping[str, object]

    def __new__(cls, msgid: str, /, **params: object) -> Said:
        text = super().__new__(cls, msgid % params)
        text.msgid, text.params = msgid, MappingProxyType(dict(params))
        return text

    @staticmethod
    def joined(reasons: Sequence[str]) -> Said:
        """Several reasons as one, "; " between them (each translated on its own)."""
        return _Joined(reasons)

    def said_in(self, gettext: Callable[[str], str]) -> str:
        """The reason in `gettext`'s language."""
        return gettext(self.msgid) % {k: _in(v, gettext) for k, v in self.params.items()}

    def __reduce__(self) -> tuple[object, ...]:  # copy, deepcopy (dataclasses.asdict), pickle
        return _said_again, (self.msgid, dict(self.params))


class _Joined(Said):
    def __new__(cls, reasons: Sequence[str]) -> _Joined:
        text = str.__new__(cls, "; ".join(reasons))
        text.msgid, text.params, text.parts = "", MappingProxyType({}), tuple(reasons)
        return text

    parts: tuple[str, ...]

    def said_in(self, gettext: Callable[[str], str]) -> str:
        # the separator of a list of reasons is the language's own ("；" in Chinese)
        return gettext(N_("; ")).join(str(_in(r, gettext)) for r in self.parts)

    def __reduce__(self) -> tuple[object, ...]:
        return _Joined, (self.parts,)


def _said_again(msgid: str, params: dict[str, object]) -> Said:
    return Said(msgid, **params)


class Bilingual(str):
    """A county pack's text in its first language (Chinese, `text`) and in English
    (`text_en`), either of which may be empty, carried where one note goes (an indicator's
    note); a screen shows `in_language`. Like `Said`, it compares and serialises as its
    English text (its Chinese when it has no English)."""

    text: str
    text_en: str

    def __new__(cls, text: str, text_en: str = "") -> Bilingual:
        value = super().__new__(cls, text_en or text)
        value.text, value.text_en = text, text_en
        return value

    def in_language(self, locale: str) -> str:
        """The text of `locale` ("en" or a Chinese one), else the other."""
        first, other = (self.text_en, self.text) if locale == "en" else (self.text, self.text_en)
        return first or other

    def __reduce__(self) -> tuple[object, ...]:
        return Bilingual, (self.text, self.text_en)


def _in(value: object, gettext: Callable[[str], str]) -> object:
    return value.said_in(gettext) if isinstance(value, Said) else value


class InvalidValue(CountyExpressError, ValueError):
    """A value that breaks a rule where it is made; `field` names the value."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason


class NotFound(CountyExpressError, LookupError):
    """Something asked for by code or name is not there."""


class NotAuthenticated(CountyExpressError, PermissionError):
    """Nobody is logged in, or the credentials given are not valid (HTTP 401)."""


class Forbidden(CountyExpressError, PermissionError):
    """The principal may not do this (HTTP 403); the reason names the role and the action."""


class TooManyRequests(CountyExpressError):
    """A caller asked too often; the message says when to try again."""

    def __init__(self, message: str, retry_after_s: int = 600) -> None:
        super().__init__(message)
        self.retry_after_s = retry_after_s


class NotAllowed(CountyExpressError):
    """An operation the rules forbid here, with the reason and what to do instead."""


@dataclass(frozen=True)
class PackProblem:
    """One problem in a county pack, located by file, line and field."""

    file: str
    line: int | None
    field: str | None
    reason: str

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f" line {self.line}"
        if self.field:
            where += f": {self.field}"
        return f"{where}: {self.reason}"


class PackInvalid(CountyExpressError):
    """A county pack was refused; `problems` lists every problem found."""

    def __init__(self, problems: list[PackProblem]) -> None:
        self.problems = problems
        head = "; ".join(str(p) for p in problems[:3])
        more = f" (and {len(problems) - 3} more)" if len(problems) > 3 else ""
        super().__init__(f"county pack refused, {len(problems)} problem(s): {head}{more}")
