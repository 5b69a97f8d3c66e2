"""The SMS outbox as people read it (issue 18): each message with its receiver's masked
phone, its language and its text in that language."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from countyexpress.domain.access import Action, Principal, Resource, Where
from countyexpress.domain.county_time import county_text
from countyexpress.domain.geography import county_code6
from countyexpress.domain.sms import DEFAULT_LANGUAGE, sms_text
from countyexpress.services.authz import check
from countyexpress.services.unit_of_work import UnitOfWork

__all__ = ["outbox_messages"]


def outbox_messages(
    uow: UnitOfWork,
    county_code: str,
    gettext_of: Callable[[str], Callable[[str], str]],
    limit: int = 50,
    by: Principal | None = None,
) -> list[dict[str, Any]]:
    """The newest `limit` messages, newest first, their texts made by `gettext_of`."""
    code = county_code6(county_code)
    check(by, Action.SCAN, Resource.PARCEL, Where(code))
    with uow:
        rows = uow.ops.outbox(code)[-limit:] if limit > 0 else []
    return [
        {
            "id": r["id"], "to": r["to_masked"], "template": r["template"],
            "language": (r["params"] or {}).get("lang") or DEFAULT_LANGUAGE,
            "text": sms_text(r["template"], r["params"] or {}, gettext_of),
            "at": county_text(r["created_at"]), "sent": r["sent_at"] is not None,
        }
        for r in reversed(rows)
    ]  # fmt: skip
