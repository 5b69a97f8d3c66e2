"""/api/v1/counties/{code}/health …: public health (plan tasks 15-16; docs/health.md).

Everyone of the county reads the township levels; a station keeper sees its own station's
checklist only. Regulators and administrators set levels; a station keeper logs its own
station's measures, a centre operator, a regulator or an administrator any facility's of
the county. The services check each call (`Resource.HEALTH`).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from countyexpress.domain.county_time import county_today
from countyexpress.domain.public_health_indicators import ContactlessTally
from countyexpress.entrypoints.api.auth import PrincipalDep
from countyexpress.entrypoints.api.deps import UowDep
from countyexpress.entrypoints.api.guards import RedactedValidationRoute
from countyexpress.entrypoints.cli_health import levels_data, status_data
from countyexpress.services import public_health as service

router = APIRouter(
    prefix="/api/v1/counties", tags=["public health"], route_class=RedactedValidationRoute
)

Code = Annotated[str, Field(min_length=1, max_length=40, pattern=r"^[a-z][a-z0-9_]*$")]


class LevelChangePublic(BaseModel):
    """A township's level from a day until the next change."""

    township: str
    level: str
    from_: str = Field(alias="from")
    set_by: str


class CheckPublic(BaseModel):
    """One facility's checklist of a day."""

    facility: str
    name: str
    kind: str
    township: str
    level: str | None
    required: list[str]
    done: list[str]
    missing: list[str]
    logged: bool
    compliance: float | None


class HealthPublic(BaseModel):
    """The township levels of a day, their history, and the facilities' checklists."""

    day: str
    levels: dict[str, str]
    history: list[LevelChangePublic]
    facilities: list[CheckPublic]
    rules: dict[str, str]


class LevelCreate(BaseModel):
    """Set a township's risk level from a county day until changed (`none` lifts it)."""

    township: str = Field(min_length=12, max_length=12, pattern=r"^\d{12}$")
    level: str = Field(min_length=1, max_length=40)
    from_: dt.date = Field(alias="from")


class LogCreate(BaseModel):
    """The measures a facility did on a county day (default today)."""

    day: dt.date | None = None
    done: list[Code] = Field(min_length=1, max_length=20)


class LogPublic(BaseModel):
    """A facility's log of the day as it is now."""

    facility: str
    day: str
    done: list[str]


class MonthShare(BaseModel):
    """Final deliveries and contactless ones in a month or a township."""

    key: str
    contactless: int
    deliveries: int
    share: float | None


class ContactlessPublic(BaseModel):
    """The year's contactless share, by month and by township."""

    year: int
    share: float | None
    months: list[MonthShare]
    townships: list[MonthShare]


@router.get("/{code}/health", response_model=HealthPublic)
def get_health(
    code: str,
    uow: UowDep,
    by: PrincipalDep,
    day: Annotated[dt.date | None, Query(description="The county day (default today)")] = None,
) -> HealthPublic:
    """Each township's level on the day, the history, and each facility's checklist."""
    s = service.status(uow, code, day, by=by)
    return HealthPublic.model_validate({**levels_data(s), **status_data(s)})


@router.get("/{code}/health/contactless", response_model=ContactlessPublic)
def get_contactless(
    code: str,
    uow: UowDep,
    by: PrincipalDep,
    year: Annotated[int | None, Query(ge=1990, le=2100)] = None,
) -> ContactlessPublic:
    """Final deliveries taken from a locker / final deliveries, by month and township."""
    asked = year or county_today().year
    tally = service.contactless(uow, code, asked, by=by)
    return ContactlessPublic.model_validate(contactless_data(tally, asked))


def contactless_data(tally: ContactlessTally, year: int) -> dict[str, object]:
    """The tally as plain data: the year's share, by month and by township."""

    def rows(index: int) -> list[dict[str, object]]:
        keys = sorted({k[index] for k in tally.total})
        out = []
        for key in keys:
            n = sum(v for k, v in tally.total.items() if k[index] == key)
            c = sum(v for k, v in tally.contactless.items() if k[index] == key)
            out.append({"key": key, "contactless": c, "deliveries": n,
                        "share": c / n if n else None})  # fmt: skip
        return out

    return {"year": year, "share": tally.share(), "months": rows(0), "townships": rows(1)}


@router.post("/{code}/health/levels", response_model=LevelChangePublic, status_code=201)
def post_level(code: str, body: LevelCreate, uow: UowDep, by: PrincipalDep) -> LevelChangePublic:
    """Set a township's risk level from a day; a level unknown to the pack is refused (422)."""
    c = service.set_level(uow, code, body.township, body.level, body.from_, by=by)
    data = {"township": c.township_code, "level": c.level, "from": c.from_day.isoformat(),
            "set_by": c.set_by}  # fmt: skip
    return LevelChangePublic.model_validate(data)


@router.post("/{code}/health/logs/{facility}", response_model=LogPublic, status_code=201)
def post_log(code: str, facility: str, body: LogCreate, uow: UowDep, by: PrincipalDep) -> LogPublic:
    """Log measures done at a facility on a day (added to that day's log); unknown measure
    codes are refused by name (422)."""
    day = body.day or county_today()
    entry = service.log_measures(uow, code, facility, day, body.done, by=by)
    return LogPublic(facility=entry.facility_code, day=entry.day.isoformat(),
                     done=sorted(entry.done))  # fmt: skip
