"""The county's clock: days, months and screens in China Standard Time (UTC+8).

Times are stored in UTC; what a person counts — a day's parcels, a month's statement, a
filing's 20 days — is counted in the county's zone. China keeps one zone (Asia/Shanghai,
no daylight saving), so a fixed offset is exact and needs no time-zone database.
"""

from __future__ import annotations

import datetime as dt

__all__ = ["COUNTY_ZONE", "county_date", "county_today"]

COUNTY_ZONE = dt.timezone(dt.timedelta(hours=8), "CST")
"""China Standard Time: Asia/Shanghai, the zone of every county on the platform."""


def county_date(at: dt.datetime) -> dt.date:
    """The county's calendar day of an instant (a naive time is taken as UTC)."""
    moment = at if at.tzinfo is not None else at.replace(tzinfo=dt.UTC)
    return moment.astimezone(COUNTY_ZONE).date()


def county_today(now: dt.datetime | None = None) -> dt.date:
    """Today in the county (at 20:00 UTC it is already tomorrow there)."""
    return county_date(now or dt.datetime.now(dt.UTC))
