"""Languages of the UI: gettext catalogues (zh_CN first, then Uyghur and English),
locale-aware formats, and the text direction (Uyghur is written right to left).

Message ids are English; `locale/zh_CN` translates every one of them, `locale/en` is the
identity, `locale/ug` translates the station, driver, look-up and log-in screens (each entry
marked for a native speaker's review until one has read it: docs/i18n.md) and falls back to
Chinese. The compiled `.mo` files are committed beside their `.po` files (a test checks that
they agree), so a fresh clone needs no build step. To change a string:

    uv run pybabel extract -F babel.cfg -k N_ -o src/countyexpress/locale/messages.pot .
    uv run pybabel update -i src/countyexpress/locale/messages.pot -d src/countyexpress/locale
    (translate the new entries in src/countyexpress/locale/zh_CN/LC_MESSAGES/messages.po)
    uv run pybabel compile -d src/countyexpress/locale
"""

from __future__ import annotations

import datetime as dt
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from babel import Locale
from babel.dates import format_date, format_datetime
from babel.numbers import NumberPattern, format_decimal, parse_pattern
from babel.support import NullTranslations, Translations
from fastapi import Request
from jinja2 import Environment, pass_context
from jinja2.runtime import Context
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from countyexpress.domain.county_time import COUNTY_ZONE, county_clock, county_text
from countyexpress.errors import N_ as N_  # the one marker, re-exported for the web
from countyexpress.errors import Bilingual, CountyExpressError, Said

LOCALE_DIR = Path(__file__).resolve().parents[2] / "locale"
LOCALES: tuple[str, ...] = ("zh_CN", "ug", "en")
DEFAULT_LOCALE = "zh_CN"
LANG_COOKIE = "lang"
LANGUAGE_NAMES = {"zh_CN": "中文", "ug": "ئۇيغۇرچە", "en": "English"}
HTML_LANG = {"zh_CN": "zh-CN", "ug": "ug", "en": "en"}
TEXT_DIRECTION = {"zh_CN": "ltr", "ug": "rtl", "en": "ltr"}
FALLBACK = {"ug": "zh_CN"}
"""A message not yet translated into Uyghur reads in Chinese, the county's other language
(the Uyghur catalogue covers the station, driver, look-up and log-in screens first)."""


def reason_of(exc: BaseException, gettext: Any) -> str:
    """An error's reason in the reader's language when the service made it with
    `errors.said`, else its English text."""
    if isinstance(exc, CountyExpressError) and exc.msgid:  # a Said parameter is said too
        return Said(exc.msgid, **exc.params).said_in(gettext)
    return str(exc)


def normalise(value: str | None) -> str | None:
    """A supported locale for `zh`, `zh-CN`, `zh_CN`, `en`, `en-GB` …, or None."""
    if not value:
        return None
    v = value.strip().replace("-", "_").lower()
    if v.startswith("zh"):
        return "zh_CN"
    if v.startswith("en"):
        return "en"
    if v.startswith("ug"):
        return "ug"
    return None


@cache
def translations(locale: str) -> NullTranslations:
    """The compiled catalogue of `locale` (the identity for an unknown one), falling back to
    `FALLBACK`'s for a message it does not translate yet."""
    found = Translations.load(str(LOCALE_DIR), [locale], domain="messages")
    if locale in FALLBACK:
        found.add_fallback(translations(FALLBACK[locale]))
    return found


def locale_of(request: Request) -> str:
    """The request's locale: `?lang=`, then the `lang` cookie, then Chinese."""
    return (
        normalise(request.query_params.get("lang"))
        or normalise(request.cookies.get(LANG_COOKIE))
        or DEFAULT_LOCALE
    )


def gettext_for(locale: str) -> Any:
    """The `gettext` function of `locale`."""
    return translations(locale).gettext


def _locale(ctx: Context) -> str:
    request = ctx.get("request")
    if request is None:
        return DEFAULT_LOCALE
    return str(getattr(request.state, "locale", None) or locale_of(request))


@pass_context
def _gettext(ctx: Context, message: str) -> str:
    return str(translations(_locale(ctx)).gettext(message))


@pass_context
def _ngettext(ctx: Context, singular: str, plural: str, n: int) -> str:
    return str(translations(_locale(ctx)).ngettext(singular, plural, n))


@lru_cache(maxsize=32)
def _pattern(fmt: str) -> NumberPattern:
    """A number pattern parsed once: babel parses it again on every call otherwise, a
    fifth of a millisecond each — the region screen formats some 600 figures."""
    return parse_pattern(fmt)


@pass_context
def _number(ctx: Context, value: float | int | None, digits: int | None = None) -> str:
    if value is None:
        return "—"
    locale = Locale.parse(_locale(ctx))
    if digits is None:
        return str(format_decimal(value, locale=locale))
    return str(_pattern("#,##0." + "0" * digits if digits else "#,##0").apply(value, locale))


@pass_context
def _percent(ctx: Context, value: float | None) -> str:
    if value is None:
        return "—"
    return str(_pattern("#,##0.#%").apply(value, Locale.parse(_locale(ctx))))


@pass_context
def _date(ctx: Context, value: dt.date | dt.datetime | None, fmt: str = "medium") -> str:
    if value is None:
        return "—"
    loc = Locale.parse(_locale(ctx))
    if isinstance(value, dt.datetime):  # an instant: on the county's clock, never UTC's
        at = county_clock(value)
        return str(format_datetime(at, format=fmt, locale=loc, tzinfo=COUNTY_ZONE))
    return str(format_date(value, format=fmt, locale=loc))


@pass_context
def _said(ctx: Context, value: object) -> str:
    """`{{ note|said }}`: a note the domain made with `errors.Said` (a message of the
    catalogues) or `errors.Bilingual` (a pack's text) in the reader's language; any other
    text as it is."""
    if isinstance(value, Said):
        return value.said_in(translations(_locale(ctx)).gettext)
    if isinstance(value, Bilingual):
        return value.in_language(_locale(ctx))
    return "" if value is None else str(value)


def in_language(locale: str, text: str | None, text_en: str | None) -> str:
    """A pack's text in `locale`: `text` (the pack's first language, Chinese) on a Chinese
    page, `text_en` on an English one; the other when the one asked for is empty."""
    return Bilingual(text or "", text_en or "").in_language(locale)


@pass_context
def _bilingual(ctx: Context, text: str | None, text_en: str | None) -> str:
    """`{{ bilingual(c.note, c.note_en) }}`: `in_language` on the page's locale."""
    return in_language(_locale(ctx), text, text_en)


def _clock(value: dt.datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    """`{{ at|clock }}`, `{{ at|clock("%H:%M") }}`, `{{ at|clock("iso") }}`: an instant on
    the county's clock (domain.county_time.county_text; a naive time is refused)."""
    return "—" if value is None else county_text(value, fmt)


def install(env: Environment) -> None:
    """Give templates `_`, `ngettext`, `bilingual` (a pack's text in the reader's language)
    and the `number`, `percent`, `date`, `clock` (an instant in the county's time,
    Asia/Shanghai +08:00) and `said` (a domain note in the reader's language) filters."""
    env.add_extension("jinja2.ext.i18n")
    env.globals.update(_=_gettext, gettext=_gettext, ngettext=_ngettext, bilingual=_bilingual)
    env.globals.update(LOCALES=LOCALES, LANGUAGE_NAMES=LANGUAGE_NAMES, HTML_LANG=HTML_LANG,
                       TEXT_DIRECTION=TEXT_DIRECTION)  # fmt: skip
    env.filters.update(number=_number, percent=_percent, date=_date, clock=_clock, said=_said)


class LocaleMiddleware:
    """Put the request's locale in `request.state.locale`; `?lang=` also sets the cookie."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        scope.setdefault("state", {})["locale"] = locale_of(request)
        asked = normalise(request.query_params.get("lang"))
        if asked is None:
            await self.app(scope, receive, send)
            return

        async def send_with_cookie(message: Message) -> None:
            if message["type"] == "http.response.start":
                MutableHeaders(scope=message).append(
                    "set-cookie",
                    f"{LANG_COOKIE}={asked}; Path=/; Max-Age=31536000; SameSite=Lax",
                )
            await send(message)

        await self.app(scope, receive, send_with_cookie)
