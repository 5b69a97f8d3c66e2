"""The county's clock: days, months and screens in China Standard Time (UTC+8).

Times are stored in UTC; what a person counts — a day's parcels, a month's statement, a
filing's 20 days — is counted in the county's zone. China keeps one zone (Asia/Shanghai,
no daylight saving), so a fixed offset is exact and needs no time-zone database.
"""

from __future__ import annotations

import datetime as dt

__all__ = ["COUNTY_ZONE", "county_clock", "county_date", "county_text", "county_today"]

COUNTY_ZONE = dt.timezone(dt.timedelta(hours=8), "CST")
"""China Standard Time: Asia/Shanghai, the zone of every county on the platform."""


def county_date(at: dt.datetime) -> dt.date:
    """The county's calendar day of an instant (a naive time is taken as UTC)."""
    moment = at if at.tzinfo is not None else at.replace(tzinfo=dt.UTC)
    return moment.astimezone(COUNTY_ZONE).date()


def county_today(now: dt.datetime | None = None) -> dt.date:
    """Today in the county (at 20:00 UTC it is already tomorrow there)."""
    return county_date(now or dt.datetime.now(dt.UTC))


def county_clock(at: dt.datetime) -> dt.datetime:
    """An instant on the county's clock (+08:00), for a person to read.

    A naive time is refused: it names no instant, and guessing its zone is how a scan at
    10:39+08:00 came to be shown as 02:39. The adapters give every stored time back aware
    (SQLite drops the offset; they re-attach UTC, the zone everything is stored in)."""
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValueError(
            f"naive time {at.isoformat()}: a time shown to a person must carry its offset"
        )
    return at.astimezone(COUNTY_ZONE)


def county_text(at: dt.datetime, fmt: str = "%Y-%m-%d %H:%M") -> str:
    """An instant as a person in the county reads it: `fmt` (strftime) on the county's clock;
    `fmt="iso"` gives ISO 8601 to the minute with the county's offset (2026-12-03T10:39+08:00).
    The one formatter of the pages (the `clock` filter), exports and messages."""
    local = county_clock(at)
    return local.isoformat(timespec="minutes") if fmt == "iso" else local.strftime(fmt)
