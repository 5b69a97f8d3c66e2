"""The texts of the SMS a receiver is sent (issue 18), in the language they chose: Chinese
(the default), Uyghur or English. The outbox keeps a message as its template's name and
parameters, with the receiver's language among them (`lang`); the text is made from the
catalogue of that language when it is shown or handed to a gateway."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from countyexpress.errors import N_, InvalidValue

__all__ = ["DEFAULT_LANGUAGE", "LANGUAGES", "TEMPLATES", "checked_language", "sms_text"]

LANGUAGES = ("zh_CN", "ug", "en")
DEFAULT_LANGUAGE = "zh_CN"

TEMPLATES: dict[str, str] = {
    "pickup_ready": N_(
        "County Express: your parcel ending %(waybill_tail)s is at %(facility)s. "
        "Pickup code %(pickup_code)s."
    ),
    "locker_ready": N_(
        "County Express: your parcel ending %(waybill_tail)s is in locker %(locker)s. "
        "Pickup code %(pickup_code)s, free for %(free_hours)s hours."
    ),
}


def checked_language(value: str | None) -> str | None:
    """`value` if it is one of LANGUAGES (None stays None: the default); InvalidValue
    naming `language` otherwise."""
    if value is None or value == "":
        return None
    if value not in LANGUAGES:
        raise InvalidValue("language", f"language {value!r}: choose {', '.join(LANGUAGES)}")
    return value


def sms_text(
    template: str, params: Mapping[str, Any], gettext_of: Callable[[str], Callable[[str], str]]
) -> str:
    """The message's text in its receiver's language (`params["lang"]`, else Chinese);
    `gettext_of(language)` gives that language's gettext. An unknown template: its name and
    parameters, so nothing is lost."""
    language = params.get("lang") or DEFAULT_LANGUAGE
    if template not in TEMPLATES:
        shown = ", ".join(f"{k}={v}" for k, v in sorted(params.items()) if k != "lang")
        return f"{template}: {shown}"
    values = {k: v for k, v in params.items() if k != "lang"}
    return gettext_of(str(language))(TEMPLATES[template]) % values
