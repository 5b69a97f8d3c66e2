"""T7 of issue 11: every role × every route × a resource of one's own, of another station,
of another carrier and of another county — real resources, and a cell counts as allowed
only when it answers 2xx (a batch upload: with no line refused).

The routes are read from the app itself, so a router added later is checked at once: a
route missing from MATRIX fails `test_every_route_is_in_the_matrix` until its row is added.

The world: Heshuo and the test county (990101) loaded; a user of each role in Heshuo (the
keeper at HS-STA-01, the carrier's key of zto), a regulator of the test county; parcels
shelved at HS-STA-01 (zto and jt), at HS-STA-02 (zto) and at the test county's station; a
route plan and a scenario run in each county. "Another county" is the test county; for its
regulator (FOREIGN) that county is its own and Heshuo the other.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
import re
import tempfile
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from countyexpress import bootstrap
from countyexpress.adapters.db.scenario_runs import ScenarioRunsUnitOfWork
from countyexpress.adapters.db.uow import SqlUnitOfWork
from countyexpress.adapters.packs.reader import builtin_pack_path
from countyexpress.adapters.packs.vehicles import (
    fleet_for,
    pack_registry,
    rules_for,
    write_registry,
)
from countyexpress.adapters.vault import Vault
from countyexpress.domain.access import Role
from countyexpress.domain.county_time import county_today
from countyexpress.domain.delivery import DeliveryChoice
from countyexpress.domain.facilities import FacilityKind
from countyexpress.domain.identity import IdType, SenderIdentity
from countyexpress.domain.inspection import ContentCategory, Inspection
from countyexpress.domain.staff import Occupation, StaffMember
from countyexpress.domain.supervision.records import SubjectKind
from countyexpress.domain.vehicles import RegisteredVehicle
from countyexpress.entrypoints.api.app import create_app
from countyexpress.planning.routing import PyVRPPlanner
from countyexpress.planning.siting import Objective, SitingRequest, SolveLimits
from countyexpress.services import assessment as assessment_service
from countyexpress.services import (
    centre,
    complaints,
    emergency,
    inspections,
    intake,
    licences,
    routes,
    siting,
    staff,
    stations,
    supervision,
    vehicles,
)
from countyexpress.services import counties as county_service
from countyexpress.services.scenario_runs import ScenarioRun
from countyexpress.settings import Settings
from packs import FIXTURES
from support.route_day import DAY, heshuo_day
from support.web import PASSWORD, PEOPLE, Someone, add_key, add_user, csrf_of, log_in

ANON = "anonymous"
FOREIGN = "foreign_regulator"  # the regulator of the test county
CARRIER = "carrier"  # zto's key, bound to Heshuo
ROLES = (ANON, *PEOPLE, CARRIER, FOREIGN)
STAFF = tuple(r for r in ROLES if r != ANON)
HESHUO, TEST = "652828", "990101"

OK, DENY = "ok", "deny"
OWN, STATION, CARRIER_, COUNTY = "own", "other_station", "other_carrier", "other_county"
TARGETS = (OWN, STATION, CARRIER_, COUNTY)


@dataclass(frozen=True)
class Row:
    """Who may use a route on a resource of their own (`ok`), and which other resources
    narrow that: another station refuses the keeper, another carrier the carrier's key,
    another county everyone bound to a county (the administrator reaches every county)."""

    ok: tuple[str, ...]
    station: bool = False
    carrier: bool = False
    county: bool = False

    def targets(self) -> tuple[str, ...]:
        on = {STATION: self.station, CARRIER_: self.carrier, COUNTY: self.county}
        return (OWN, *(t for t in TARGETS[1:] if on[t]))

    def expected(self, role: str, target: str) -> str:
        """The expected answer of one cell, from the rule."""
        if role == FOREIGN:  # a regulator of the other county
            if not self.county:
                return OK if "regulator" in self.ok else DENY
            return OK if target == COUNTY and "regulator" in self.ok else DENY
        if role not in self.ok:
            return DENY
        if target == STATION and self.station and role == "station_keeper":
            return DENY
        if target == CARRIER_ and self.carrier and role == CARRIER:
            return DENY
        if target == COUNTY and self.county and role != "admin":
            return DENY
        return OK


def row(ok: tuple[str, ...], **bound: bool) -> Row:
    return Row(tuple(ok), **bound)


PUBLIC = row(ROLES)
LOGGED_IN = row(STAFF)
COUNTY_READERS = row(tuple(r for r in STAFF if r != FOREIGN), county=True)
REGISTRY_EDITORS = row(("regulator", "admin"), county=True)
PLANNERS = row(("regulator", "admin"), county=True)
PLAN_READERS = row(("regulator", "centre_operator", "admin"), county=True)
PARCEL_READERS = row(
    ("regulator", "centre_operator", "station_keeper", "driver", "admin", CARRIER),
    station=True, carrier=True, county=True,
)  # fmt: skip
STATION_DESK = row(("centre_operator", "station_keeper", "driver"), station=True, county=True)
CENTRE_DESK = row(("centre_operator", "driver"), county=True)
SCANNERS = row(
    ("centre_operator", "station_keeper", "driver", CARRIER),
    station=True, carrier=True, county=True,
)  # fmt: skip
STATION_SCANNERS = row(("centre_operator", "station_keeper", "driver"), station=True, county=True)
ROUTE_READERS = row(("regulator", "centre_operator", "driver", "admin"), county=True)
OUTBOUND = row(("centre_operator", "driver", CARRIER), carrier=True, county=True)  # at BZ-SORT
SUPERVISORS = row(("regulator", "admin"), county=True)
CARRIER_SUPERVISED = row(("regulator", "admin", CARRIER), carrier=True, county=True)
"""Supervision records a carrier's key reaches for its own carrier: its credit, its filings."""
QUALITY_READERS = row(("regulator", "admin", CARRIER), county=True)  # a carrier: its own rows
VEHICLE_READERS = row(("regulator", "centre_operator", "admin", CARRIER), carrier=True, county=True)
"""A registered vehicle: a carrier's key reads its own carrier's only."""
VEHICLE_LIST = row(
    ("regulator", "centre_operator", "admin", CARRIER), county=True
)  # a carrier: its own
VEHICLE_DESK = row(("regulator", "centre_operator", "admin"), county=True)  # imports history
STAFF_LIST = row(("regulator", "admin", CARRIER), county=True)  # a carrier: its own, masked
STAFF_READERS = row(("regulator", "admin", CARRIER), carrier=True, county=True)
"""A staff member: a carrier's key reads its own carrier's only (masked)."""

ADMINS = row(("admin",))  # users and roles (issue 12)
HEALTH_LOGGERS = row(
    ("regulator", "centre_operator", "station_keeper", "admin"), station=True, county=True
)  # a keeper logs its own station's measures only

MATRIX: dict[str, Row] = {
    "GET /healthz": PUBLIC,
    "GET /metrics": PUBLIC,
    "GET /api/v1/openapi.json": PUBLIC,
    "GET /api/v1/docs": PUBLIC,
    "GET /api/v1/redoc": PUBLIC,
    "GET /login": PUBLIC,
    "POST /login": PUBLIC,
    "GET /setup": PUBLIC,
    "POST /setup": PUBLIC,
    "POST /logout": PUBLIC,
    "GET /users": ADMINS,  # 用户 (issue 12)
    "POST /users": ADMINS,
    "POST /users/active": ADMINS,
    "POST /users/password": ADMINS,
    "GET /": LOGGED_IN,
    "GET /api/v1/counties": LOGGED_IN,
    "GET /api/v1/counties/{code}": COUNTY_READERS,
    "GET /api/v1/counties/{code}/divisions": COUNTY_READERS,
    "GET /api/v1/counties/{code}/facilities": COUNTY_READERS,
    "GET /counties/{code}": COUNTY_READERS,
    "GET /counties/{code}/overview": COUNTY_READERS,
    "GET /region": ADMINS,  # 地区总览: also a prefecture's regulator (test_region_page.py)
    "GET /region.xlsx": ADMINS,  # the same table as a workbook (test_region_screen_marks.py)
    "GET /counties/{code}/parcels": ROUTE_READERS,  # stuck parcels (issue 12)
    "GET /counties/{code}/map": COUNTY_READERS,
    "GET /counties/{code}/facilities": COUNTY_READERS,
    "GET /counties/{code}/carriers": COUNTY_READERS,
    "GET /counties/{code}/siting": PLAN_READERS,
    "POST /counties/{code}/siting": PLANNERS,
    "GET /counties/{code}/siting/compare": PLAN_READERS,
    "GET /counties/{code}/siting/compare.xlsx": PLAN_READERS,
    "GET /counties/{code}/scenarios": PLAN_READERS,
    "POST /counties/{code}/scenarios": PLANNERS,
    "POST /counties/{code}/scenarios/quick": PLANNERS,
    "GET /counties/{code}/scenarios/{run_id}": PLAN_READERS,
    "GET /counties/{code}/scenarios/{run_id}/progress": PLAN_READERS,
    "GET /counties/{code}/scenarios/{run_id}/comparison.xlsx": PLAN_READERS,
    "GET /counties/{code}/front-warehouse": PLAN_READERS,  # 前置仓 (issue 16)
    "POST /counties/{code}/front-warehouse": PLANNERS,
    "GET /counties/{code}/front-warehouse/stocking.xlsx": PLAN_READERS,
    "GET /counties/{code}/front-warehouse/items/{item}": PLAN_READERS,
    "GET /counties/{code}/facilities.xlsx": PLAN_READERS,
    "GET /counties/{code}/carriers.xlsx": REGISTRY_EDITORS,
    "POST /counties/{code}/facilities/import": REGISTRY_EDITORS,
    "GET /lookup": PUBLIC,
    "GET /station": row(("station_keeper",)),
    "GET /counties/{code}/stations/{facility}": STATION_DESK,
    "GET /counties/{code}/stations/{facility}/shelf": STATION_DESK,
    "GET /counties/{code}/stations/{facility}/labels/{waybill_no}.pdf": STATION_DESK,  # 打印
    "GET /counties/{code}/stations/{facility}/receipts/{waybill_no}.pdf": STATION_DESK,
    "POST /counties/{code}/stations/{facility}/inbound": STATION_DESK,
    "POST /counties/{code}/stations/{facility}/handover": STATION_DESK,
    "POST /counties/{code}/stations/{facility}/intake": STATION_DESK,
    "GET /sw.js": PUBLIC,  # the station app without a signal (issue 18, docs/offline.md)
    "GET /manifest.webmanifest": PUBLIC,
    "GET /counties/{code}/stations/{facility}/offline-shelf": STATION_DESK,
    "POST /counties/{code}/stations/{facility}/offline-scans": STATION_DESK,
    "POST /counties/{code}/stations/{facility}/offline-handovers": STATION_DESK,
    "GET /counties/{code}/centre": CENTRE_DESK,  # leads on to the centre's screen
    "GET /counties/{code}/centre/{centre_code}": CENTRE_DESK,
    "GET /counties/{code}/centre/{centre_code}/panels": CENTRE_DESK,
    "POST /counties/{code}/centre/{centre_code}/inbound": CENTRE_DESK,
    "POST /counties/{code}/centre/{centre_code}/dispatch": CENTRE_DESK,
    "POST /counties/{code}/centre/{centre_code}/runs/dispatch": CENTRE_DESK,  # 发车 a run
    "POST /counties/{code}/centre/{centre_code}/resolve": CENTRE_DESK,
    "POST /counties/{code}/centre/{centre_code}/priority": CENTRE_DESK,  # 应急物资
    "POST /counties/{code}/centre/{centre_code}/manifest": CENTRE_DESK,  # a carrier's file
    "POST /api/v1/scans": SCANNERS,
    "GET /api/v1/parcels/{waybill_no}": PARCEL_READERS,
    "POST /api/v1/parcels/lookup": PUBLIC,
    "POST /api/v1/counties/{code}/routes": row(("centre_operator",), county=True),
    "GET /api/v1/counties/{code}/routes/{plan_id}/progress": ROUTE_READERS,
    "GET /api/v1/routes/{plan_id}": ROUTE_READERS,
    "GET /api/v1/routes/{plan_id}.geojson": ROUTE_READERS,
    "GET /api/v1/routes/{plan_id}/sheet.pdf": ROUTE_READERS,
    "GET /api/v1/counties/{code}/parcels/{waybill_no}/receiver": row(
        ("centre_operator", "station_keeper", CARRIER), station=True, carrier=True, county=True
    ),
    "GET /api/v1/counties/{code}/audit": row(("regulator", "admin"), county=True),
    "GET /counties/{code}/audit": row(("regulator", "admin"), county=True),
    "GET /region/audit": ADMINS,  # also a prefecture's regulator (test_region_audit.py)
    "GET /api/v1/region/audit": ADMINS,
    "GET /counties/{code}/driver": ROUTE_READERS,
    "POST /counties/{code}/driver/door": row(("centre_operator", "driver"), county=True),
    "POST /counties/{code}/driver/phone": row(("driver",), county=True),
    "POST /api/v1/manifests": row(("centre_operator", "driver", CARRIER), county=True),
    "POST /api/v1/centre/{centre_code}/inbound": row(("centre_operator", "driver"), county=True),
    "GET /api/v1/counties/{code}/centre/{centre_code}/queue": row(
        ("centre_operator", "driver"), county=True
    ),
    "POST /api/v1/centre/{centre_code}/dispatch": row(("centre_operator", "driver"), county=True),
    "GET /api/v1/counties/{code}/centre/{centre_code}/runs": row(
        ("centre_operator", "driver"), county=True
    ),
    "POST /api/v1/centre/{centre_code}/runs/dispatch": row(
        ("centre_operator", "driver"), county=True
    ),
    "POST /api/v1/stations/{facility}/inbound": STATION_SCANNERS,
    "POST /api/v1/stations/{facility}/handover": STATION_SCANNERS,
    "POST /api/v1/lockers/{locker}/deposit": row(("centre_operator", "driver"), county=True),
    "POST /api/v1/consents": row(("centre_operator", "driver"), county=True),
    "GET /api/v1/counties/{code}/statements/{carrier}/{month}.xlsx": row(
        ("regulator", "centre_operator", "driver", CARRIER, "admin"), carrier=True, county=True
    ),
    "POST /api/v1/intake": SCANNERS,
    "POST /api/v1/intake/{waybill_no}/screen": OUTBOUND,
    "POST /api/v1/intake/{waybill_no}/depart": OUTBOUND,
    "GET /api/v1/counties/{code}/kpis": COUNTY_READERS,
    "GET /api/v1/counties/{code}/assessment/{year}": COUNTY_READERS,
    "GET /counties/{code}/assessment": COUNTY_READERS,
    "POST /counties/{code}/assessment/{year}/notes": SUPERVISORS,
    "GET /api/v1/counties/{code}/assessment/{year}/notes": COUNTY_READERS,
    "POST /api/v1/counties/{code}/assessment/{year}/notes": SUPERVISORS,
    "GET /counties/{code}/assessment/evidence/{evidence_id}": SUPERVISORS,
    "GET /api/v1/counties/{code}/assessment/evidence/{evidence_id}": SUPERVISORS,
    "GET /counties/{code}/assessment/{year}/frozen/{name}": COUNTY_READERS,
    "GET /api/v1/counties/{code}/coverage": COUNTY_READERS,
    "POST /api/v1/counties/{code}/siting": PLANNERS,
    "GET /api/v1/counties/{code}/scenarios": PLAN_READERS,
    "GET /api/v1/counties/{code}/scenarios/compare": PLAN_READERS,
    "GET /counties/{code}/supervision": SUPERVISORS,
    "GET /counties/{code}/support": SUPERVISORS,
    "POST /counties/{code}/support/applications/{record_id}": SUPERVISORS,
    "POST /counties/{code}/support/requests/{record_id}": SUPERVISORS,
    "GET /api/v1/counties/{code}/support/applications": QUALITY_READERS,  # a carrier: its own
    "POST /api/v1/counties/{code}/support/applications": CARRIER_SUPERVISED,  # for itself
    "POST /counties/{code}/support/applications": SUPERVISORS,  # a paper application
    "POST /api/v1/counties/{code}/support/applications/{record_id}/decision": SUPERVISORS,
    "GET /counties/{code}/supervision/subjects/{subject}": SUPERVISORS,
    "POST /counties/{code}/supervision/credit-events": SUPERVISORS,
    "POST /counties/{code}/supervision/filings/{record_id}": SUPERVISORS,
    "POST /counties/{code}/supervision/complaints": SUPERVISORS,
    "POST /counties/{code}/supervision/records/{record_id}": SUPERVISORS,
    "POST /counties/{code}/supervision/records/{record_id}/attachments": SUPERVISORS,
    "POST /counties/{code}/supervision/rounds": SUPERVISORS,
    "POST /counties/{code}/supervision/rounds/draw": SUPERVISORS,
    "POST /counties/{code}/supervision/inspections/{record_id}": SUPERVISORS,
    "POST /counties/{code}/supervision/import": SUPERVISORS,
    "GET /api/v1/counties/{code}/credit/{subject}": CARRIER_SUPERVISED,
    "POST /api/v1/counties/{code}/credit/events": SUPERVISORS,
    "POST /api/v1/counties/{code}/credit/rectifications": SUPERVISORS,
    "GET /api/v1/counties/{code}/emergency/teams": COUNTY_READERS,  # people: editors only
    "POST /api/v1/counties/{code}/emergency/teams": REGISTRY_EDITORS,
    "GET /api/v1/counties/{code}/emergency/resources": COUNTY_READERS,
    "POST /api/v1/counties/{code}/emergency/resources": REGISTRY_EDITORS,
    "GET /api/v1/counties/{code}/emergency/events": COUNTY_READERS,
    "POST /api/v1/counties/{code}/emergency/events": REGISTRY_EDITORS,
    "POST /api/v1/counties/{code}/emergency/events/{event_id}/steps": REGISTRY_EDITORS,
    "GET /counties/{code}/emergency": COUNTY_READERS,  # people: editors only
    "POST /counties/{code}/emergency/events": REGISTRY_EDITORS,
    "POST /counties/{code}/emergency/events/{event_id}": REGISTRY_EDITORS,
    "GET /api/v1/counties/{code}/blacklist": SUPERVISORS,
    "GET /api/v1/counties/{code}/credit-directory.xlsx": SUPERVISORS,
    "GET /api/v1/counties/{code}/filings": SUPERVISORS,
    "POST /api/v1/counties/{code}/filings": CARRIER_SUPERVISED,
    "POST /api/v1/counties/{code}/filings/{record_id}/review": SUPERVISORS,
    "GET /api/v1/counties/{code}/licences": SUPERVISORS,
    "POST /api/v1/counties/{code}/licences": SUPERVISORS,
    "POST /api/v1/counties/{code}/licences/{record_id}/steps": SUPERVISORS,
    "GET /api/v1/counties/{code}/records": SUPERVISORS,
    "POST /api/v1/counties/{code}/records/{record_id}/steps": SUPERVISORS,
    "POST /api/v1/counties/{code}/records/{record_id}/attachments": CARRIER_SUPERVISED,
    "GET /api/v1/counties/{code}/records/{record_id}/attachments": CARRIER_SUPERVISED,
    "GET /api/v1/counties/{code}/records/{record_id}/attachments/{attachment_id}": (
        CARRIER_SUPERVISED
    ),
    "GET /api/v1/counties/{code}/records.xlsx": SUPERVISORS,
    "POST /api/v1/counties/{code}/records/import": SUPERVISORS,
    "POST /api/v1/counties/{code}/inspection-rounds": SUPERVISORS,
    "POST /api/v1/counties/{code}/inspection-rounds/{round_name}/draw": SUPERVISORS,
    "POST /api/v1/counties/{code}/inspections/{record_id}": SUPERVISORS,
    "POST /api/v1/counties/{code}/complaints": SUPERVISORS,
    "POST /api/v1/counties/{code}/complaints/{record_id}/steps": SUPERVISORS,
    "GET /api/v1/counties/{code}/service-quality": row(
        ("regulator", "admin", CARRIER), county=True
    ),
    "GET /api/v1/counties/{code}/vehicles": VEHICLE_LIST,
    "GET /api/v1/counties/{code}/vehicles/{vehicle}": VEHICLE_READERS,
    "GET /api/v1/counties/{code}/vehicles/imports": VEHICLE_DESK,
    "POST /api/v1/counties/{code}/vehicles/import": SUPERVISORS,
    "GET /counties/{code}/vehicles": VEHICLE_DESK,
    "POST /counties/{code}/vehicles/import": SUPERVISORS,
    "GET /api/v1/counties/{code}/health": COUNTY_READERS,  # a keeper: its own station's list
    "GET /api/v1/counties/{code}/health/contactless": COUNTY_READERS,
    "POST /api/v1/counties/{code}/health/levels": REGISTRY_EDITORS,
    "POST /api/v1/counties/{code}/health/logs/{facility}": HEALTH_LOGGERS,
    "GET /counties/{code}/health": COUNTY_READERS,  # a keeper: its own station's list
    "POST /counties/{code}/health/levels": REGISTRY_EDITORS,
    "POST /counties/{code}/health/logs/{facility}": HEALTH_LOGGERS,
    "GET /api/v1/counties/{code}/staff": STAFF_LIST,
    "GET /api/v1/counties/{code}/staff/{staff_no}": STAFF_READERS,
    "POST /api/v1/counties/{code}/staff/import": SUPERVISORS,
    "GET /api/v1/counties/{code}/webhooks": STAFF_LIST,  # a carrier: its own
    "GET /counties/{code}/webhooks": SUPERVISORS,
    "POST /counties/{code}/webhooks/replay": SUPERVISORS,  # a dead letter sent again
    "POST /api/v1/counties/{code}/webhooks": row(
        ("regulator", "admin", CARRIER), carrier=True, county=True
    ),  # a carrier registers its own
    "POST /api/v1/counties/{code}/staff/{staff_no}/training": SUPERVISORS,
    "GET /counties/{code}/staff": STAFF_LIST,  # a carrier: its own staff, masked
    "POST /counties/{code}/staff/import": SUPERVISORS,
    "GET /counties/{code}/packaging": SUPERVISORS,
    "POST /counties/{code}/packaging/import": SUPERVISORS,
    "GET /api/v1/counties/{code}/packaging": SUPERVISORS,
    "POST /api/v1/counties/{code}/packaging/import": CARRIER_SUPERVISED,  # its own reports
}
"""What each role gets from each route, on each kind of resource (see `Row`)."""

FOLLOW = {"GET /", "GET /station", "GET /counties/{code}/centre"}
"""Routes that lead on (303) to the screen of the caller's county, station or centre: the
cell is the answer at the end of the way (a visitor's: the first 303 to the log-in form)."""

NOT_2XX: dict[str, str] = {
    "POST /login": "a log-in answers 303 to the home page",
    "GET /setup": "once set up, the set-up page leads to the log-in form (303)",
    "POST /setup": "set-up answers 303 (or 409 once an administrator exists)",
    "POST /logout": "log-out answers 303 to the log-in form",
    "POST /counties/{code}/scenarios": "a valid form starts a month-long simulation",
    "POST /counties/{code}/scenarios/quick": "needs the simulated days of a month (409 without)",
    "POST /counties/{code}/vehicles/import": "the 车辆 form answers 303 back to the page",
    "POST /counties/{code}/centre/{centre_code}/runs/dispatch": "no plan of that id (422)",
    "POST /api/v1/centre/{centre_code}/runs/dispatch": "nothing sorted waits for the run (422)",
    **{
        k: "a 监管 form answers 303 back to the page with its result"
        for k in (
            "POST /counties/{code}/supervision/credit-events",
            "POST /counties/{code}/supervision/filings/{record_id}",
            "POST /counties/{code}/supervision/complaints",
            "POST /counties/{code}/supervision/records/{record_id}",
            "POST /counties/{code}/supervision/records/{record_id}/attachments",
            "POST /counties/{code}/supervision/rounds",
            "POST /counties/{code}/supervision/rounds/draw",
            "POST /counties/{code}/supervision/inspections/{record_id}",
            "POST /counties/{code}/supervision/import",
        )
    },
    "POST /counties/{code}/health/levels": "the 卫生防疫 form answers 303 back to the page",
    "POST /counties/{code}/health/logs/{facility}": "the 卫生防疫 form answers 303 back",
    "POST /counties/{code}/support/applications/{record_id}": "the 政策支持 form answers 303",
    "POST /counties/{code}/support/requests/{record_id}": "the 政策支持 form answers 303 back",
    "POST /counties/{code}/assessment/{year}/notes": "the 年度考核 note form answers 303 back",
    "POST /counties/{code}/support/applications": "the 政策支持 form answers 303 back",
    "POST /api/v1/counties/{code}/support/applications": "the test county runs no support "
    "programme: an application there is refused (409); test_support_web covers the 201",
    "POST /counties/{code}/packaging/import": "the 绿色包装 upload answers 303 back to the page",
    "POST /counties/{code}/emergency/events": "the 应急保障 form answers 303 back to the page",
    "POST /counties/{code}/emergency/events/{event_id}": "the 应急保障 step answers 303 back",
    "POST /counties/{code}/staff/import": "the 从业人员 upload answers 303 back to the page",
}
"""Routes whose allowed answer is not asked as a 2xx here, with the reason: for them an
allowed cell is any answer but 401, 403, 404 and 5xx (their own tests cover the 2xx)."""

NO_RESULT_YET = "GET /counties/{code}/scenarios/{run_id}/comparison.xlsx"
"""A run still queued has no comparison: allowed is its own 404 saying so ("has no result
yet"), which a refused caller never gets (a finished run needs a month's simulation)."""
OWN_NOT_FOUND = {
    NO_RESULT_YET: "has no result yet",
    # the world's parcels are shelved, none taken in: the station's own "no intake" answer
    "GET /counties/{code}/stations/{facility}/receipts/{waybill_no}.pdf": "no intake of",
    # no order history forecast in the world: the 前置仓 export's and item page's own 404
    "GET /counties/{code}/front-warehouse/stocking.xlsx": "no stocking list yet",
    "GET /counties/{code}/front-warehouse/items/{item}": "SKU01",
}
"""Allowed answers that are the route's own 404 with its own words, never a refusal's."""

PENDING: dict[tuple[str, str, str], str] = {}
"""Cells known to be wrong until another part of issue 11 lands, as (route, role, target):
xfail(strict) while they answer wrong. The scans' own parcel checks are defects 2 and 3."""


# the world --------------------------------------------------------------------------------
@dataclass
class World:
    app: FastAPI
    engine: Engine
    vault: Vault
    creds: dict[str, str]
    values: dict[str, dict[str, str]]  # target -> path parameter -> value
    fresh: Callable[[str, str], str]  # (target, kind) -> a new parcel's waybill


ADDRESSES = {  # the village or community each station (or locker) serves
    "HS-STA-01": "和硕县乌什塔拉回族乡塔拉村3组12号",
    "HS-STA-02": "和硕县乌什塔拉回族乡大庄子村7号",
    "HS-LCK-01": "和硕县特吾里克镇光明中心社区8号",
    "T-STA-1": "二号乡二号村5号",
}
WHERE = {  # target -> county, station, carrier of its parcels
    OWN: (HESHUO, "HS-STA-01", "zto"),
    STATION: (HESHUO, "HS-STA-02", "zto"),
    CARRIER_: (HESHUO, "HS-STA-01", "jt"),
    COUNTY: (TEST, "T-STA-1", "zto"),
}
_numbers = itertools.count(1)


def _waybill(carrier: str) -> str:
    n = next(_numbers)
    return f"JT00{n:011d}" if carrier == "jt" else f"ZT76{n:011d}"


PHONES: dict[str, str] = {}  # waybill -> its receiver's phone
WORKBOOKS: dict[str, bytes] = {}  # county -> its facilities registry exported
SAVED = "matrix-lockers"  # a saved siting result in each county


def _parcel(engine: Engine, vault: Vault, target: str, kind: str) -> str:
    """A real parcel of the target's county and carrier: `manifest` (sorted nowhere yet),
    `shelved` at the target's station, `locker` (its receiver chose lockers) or `intake`
    (taken in from a sender at the target's station)."""
    county, station, carrier = WHERE[target]
    waybill = _waybill(carrier)
    now = dt.datetime.now(dt.UTC) - dt.timedelta(hours=1)
    if kind in ("intake", "screened"):
        sender = SenderIdentity(IdType.RESIDENT_ID, "360426199101010071", "阿依古丽", now.date())
        seen = Inspection(ContentCategory.DRIED_FRUIT, "", "inspector", False)
        intake.take_in(SqlUnitOfWork(engine), vault, county, station, carrier, waybill, sender,
                       seen, at=now)  # fmt: skip
        if kind == "screened" and county == HESHUO:  # the test county names no screening
            intake.screen(SqlUnitOfWork(engine), county, "BZ-SORT", waybill, "inspector", now)
        return waybill
    phone = PHONES[waybill] = f"139{next(_numbers):08d}"
    choice = DeliveryChoice.LOCKER if kind == "locker" else DeliveryChoice.STATION
    centre.record_consent(SqlUnitOfWork(engine), vault, county, phone, choice, now=now)
    place = "HS-LCK-01" if kind == "locker" and county == HESHUO else station
    item = {"waybill_no": waybill, "receiver_name": "张三", "receiver_phone": phone,
            "address": ADDRESSES[place], "weight_kg": 1.0}  # fmt: skip
    centre.add_manifest(SqlUnitOfWork(engine), vault, county, carrier, [(1, item)], now=now)
    if kind == "shelved":
        stations.station_inbound(SqlUnitOfWork(engine), vault, county, station, waybill, at=now)
    return waybill


COMMUNITY = {HESHUO: "652828100001", TEST: "990101100001"}
SUPERVISED_KEYS = ("subject", "record_id", "attachment_id", "round_name")
PNG = b"\x89PNG\r\n\x1a\n" + b"a photo of the premises"


def _fresh_filing(engine: Engine, vault: Vault, target: str) -> int:
    """A new outlet filing by the target's carrier in its county."""
    county, _, carrier = WHERE[target]
    view = supervision.submit_filing(SqlUnitOfWork(engine), vault, county, carrier,
                                     f"M-{next(_numbers)}", "驿站", COMMUNITY[county],
                                     dt.date.today() - dt.timedelta(days=1))  # fmt: skip
    return view.id


def _fresh_complaint(engine: Engine, vault: Vault, target: str) -> int:
    county, _, carrier = WHERE[target]
    view = complaints.add(SqlUnitOfWork(engine), vault, county, f"carrier:{carrier}", "delay",
                          "three days late")  # fmt: skip
    return view.id


def _fresh_licence(engine: Engine, target: str) -> int:
    county, _, carrier = WHERE[target]
    view = licences.grant(SqlUnitOfWork(engine), county, carrier, f"L-{next(_numbers)}",
                          county_today())  # fmt: skip
    return view.id


def _fresh_round(engine: Engine, target: str) -> str:
    """A round of carrier inspections planned, not drawn."""
    name = f"R{next(_numbers)}"
    inspections.plan_round(SqlUnitOfWork(engine), WHERE[target][0], name, 1,
                           [SubjectKind.CARRIER])  # fmt: skip
    return name


def _fresh_inspection(engine: Engine, target: str) -> int:
    """A drawn inspection, waiting to be recorded."""
    drawn, _ = inspections.draw_round(SqlUnitOfWork(engine), WHERE[target][0],
                                      _fresh_round(engine, target))  # fmt: skip
    return drawn[0].id


def _supervised(engine: Engine, vault: Vault, target: str) -> dict[str, str]:
    """The target carrier's credit subject, a filing of it with a photo attached, and (once
    per county) a blacklisted carrier to rectify."""
    county, _, carrier = WHERE[target]
    record = _fresh_filing(engine, vault, target)
    photo = supervision.attach(SqlUnitOfWork(engine), vault, county, record, "p.png", PNG)
    if target != CARRIER_:
        supervision.record_credit_event(SqlUnitOfWork(engine), county, "carrier:sto",
                                        "personal_data_leak")  # fmt: skip
    return {
        "subject": f"carrier:{carrier}",
        "record_id": str(record),
        "attachment_id": str(photo.id),
        "round_name": "-",
    }


def _register_vehicles(engine: Engine, values: dict[str, dict[str, str]]) -> None:
    """A van of each target's carrier in its county's registry (Heshuo's: after its pack's
    vehicles); its number in `values`."""
    folder = builtin_pack_path("heshuo")
    assert folder is not None
    VEHICLE_FLEETS[HESHUO] = list(pack_registry(folder))
    for target in (OWN, CARRIER_, COUNTY):
        county, _, carrier = WHERE[target]
        number = f"HS-KD-MX-{carrier.upper()}-{county}"
        values[target]["vehicle"] = number
        van = RegisteredVehicle(number, f"新F-{carrier}{county}", "van", owner=carrier,
                                routing={"code": number, "capacity_parcels": 100})  # fmt: skip
        VEHICLE_FLEETS.setdefault(county, []).append(van)
    for county, fleet in VEHICLE_FLEETS.items():
        vehicles.replace_fleet(SqlUnitOfWork(engine), county, fleet, by="matrix", source="-")
    values[STATION]["vehicle"] = values[OWN]["vehicle"]


VEHICLE_FLEETS: dict[str, list[RegisteredVehicle]] = {}  # county -> its registered vehicles


STAFF_ID = "11010519491231002X"


def _staff_list(target: str) -> bytes:
    """The target's staff member as a staff list (columns of services.staff)."""
    county, _, carrier = WHERE[target]
    member = f"MX-{carrier}-{county},{carrier},courier,王五,{STAFF_ID},13900000000\n"
    return ("staff_no,employer,occupation,name,id_number,phone\n" + member).encode()


def _register_staff(engine: Engine, vault: Vault, values: dict[str, dict[str, str]]) -> None:
    """A courier of each target's carrier in its county's staff registry."""
    for target in (OWN, CARRIER_, COUNTY):
        county, _, carrier = WHERE[target]
        cells = {"staff_no": f"MX-{carrier}-{county}", "employer": carrier,
                 "occupation": "courier", "name": "王五", "id_number": STAFF_ID,
                 "phone": "13900000000"}  # fmt: skip
        staff.add_member(SqlUnitOfWork(engine), vault, county, cells)
        values[target]["staff_no"] = cells["staff_no"]
    values[STATION]["staff_no"] = values[OWN]["staff_no"]


def _vehicle_list(county: str) -> bytes:
    """The county's registry as a vehicle list to import again."""
    folder = Path(tempfile.mkdtemp())
    path, _ = write_registry(VEHICLE_FLEETS[county], rules_for(county), folder)
    return path.read_bytes()


def _copy_plan(engine: Engine, plan_id: str, county: str) -> str:
    """The Heshuo plan stored again as a plan of `county`."""
    with SqlUnitOfWork(engine) as uow:
        plan = uow.routes.get(plan_id)
        assert plan is not None
        other = plan_id.replace(HESHUO, county)
        uow.routes.add(dataclasses.replace(plan, plan_id=other, county_code=county), {})
        uow.commit()
    return other


def _run(engine: Engine, county: str) -> str:
    run_id = f"SR-{county}-20261128000000-{uuid.uuid4().hex[:6]}"
    run = ScenarioRun(run_id, county, "database", "queued", {"start": "2026-11-01", "days": 1},
                      0, 1, "", dt.datetime.now(dt.UTC), "system")  # fmt: skip
    with ScenarioRunsUnitOfWork(engine) as uow:
        uow.scenario_runs.add(run)
        uow.commit()
    return run_id


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    tmp: Path = tmp_path_factory.mktemp("matrix")
    settings = Settings(database_url=f"sqlite:///{tmp / 'm.db'}")
    engine = bootstrap.open_engine(settings)
    for source in ("heshuo", str(FIXTURES / "testcounty")):
        county_service.load_county(
            bootstrap.uow_factory(engine)(), bootstrap.read_pack_source(source)
        )
    for who in PEOPLE.values():
        add_user(engine, who)
    add_user(engine, Someone("foreign", PEOPLE["regulator"].role, TEST))
    creds = {role: who.name for role, who in PEOPLE.items()}
    creds |= {FOREIGN: "foreign", CARRIER: add_key(engine)}
    vault = Vault(settings.data_key_bytes())
    heshuo_day(engine)
    plan = routes.plan_day(SqlUnitOfWork(engine), HESHUO, DAY, fleet_for(HESHUO),
                           PyVRPPlanner(seconds=1, max_iterations=100))  # fmt: skip
    month = dt.datetime.now(dt.timezone(dt.timedelta(hours=8))).strftime("%Y-%m")
    values = {
        OWN: {"code": HESHUO, "facility": "HS-STA-01", "centre_code": "HS-CENTER",
              "locker": "HS-LCK-01", "carrier": "zto", "month": month,
              "waybill_no": _parcel(engine, vault, OWN, "shelved"), "plan_id": plan.plan_id,
              "run_id": _run(engine, HESHUO), "run_vehicle": plan.runs[0].vehicle},
    }  # fmt: skip
    values[STATION] = {**values[OWN], "facility": "HS-STA-02",
                       "waybill_no": _parcel(engine, vault, STATION, "shelved")}  # fmt: skip
    values[CARRIER_] = {**values[OWN], "carrier": "jt",
                        "waybill_no": _parcel(engine, vault, CARRIER_, "shelved")}  # fmt: skip
    values[COUNTY] = {"code": TEST, "facility": "T-STA-1", "centre_code": "T-CENTER",
                      "locker": "T-LCK-1", "carrier": "zto", "month": month,
                      "waybill_no": _parcel(engine, vault, COUNTY, "shelved"),
                      "plan_id": _copy_plan(engine, plan.plan_id, TEST),
                      "run_id": _run(engine, TEST),
                      "run_vehicle": plan.runs[0].vehicle}  # fmt: skip
    for target in (OWN, CARRIER_, COUNTY):  # supervision records of each target's carrier
        values[target] |= _supervised(engine, vault, target)
    _register_vehicles(engine, values)
    _register_staff(engine, vault, values)
    for target in (OWN, CARRIER_, COUNTY):  # an evidence file of a 年度考核 note
        values[target]["evidence_id"] = _evidence_id(engine, vault, target)
    values[STATION]["evidence_id"] = values[OWN]["evidence_id"]
    for target in (OWN, COUNTY):  # a frozen 2022 report in each county, its PDF
        assessment_service.freeze(SqlUnitOfWork(engine), values[target]["code"], 2022, by=None)
    for v in values.values():
        v["name"] = "report.pdf"
        v["item"] = "SKU01"  # an item of a 前置仓 forecast
    values[STATION] = {**values[STATION], **{k: values[OWN][k] for k in SUPERVISED_KEYS}}
    for v in values.values():  # the assessed year of the 年度考核 routes
        v["year"] = "2022"
    for target in (OWN, COUNTY):  # a saved siting result in each county, to compare
        siting.plan_sites(bootstrap.uow_factory(engine)(), values[target]["code"],
                          FacilityKind.LOCKER, SitingRequest(Objective.PMEDIAN, 1), by=None,
                          save=SAVED, limits=SolveLimits(time_limit_s=10))  # fmt: skip
    app = create_app(settings, engine)
    w = World(app, engine, vault, creds, values, lambda t, k: _parcel(engine, vault, t, k))
    admin = _asker(w, "admin")
    for target in (OWN, COUNTY):  # each county's registry as exported, to import again
        code = values[target]["code"]
        got = admin.client.get(f"/counties/{code}/facilities.xlsx", headers=admin.headers)
        assert got.status_code == 200
        WORKBOOKS[code] = got.content
    yield w
    engine.dispose()


# the requests -----------------------------------------------------------------------------
def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat()


def _body(w: World, key: str, role: str, target: str) -> dict[str, Any]:
    """The request of a cell: a real body for the target's resources, made fresh where the
    request changes them. Returns httpx keyword arguments (json= or data=)."""
    county, station, carrier = WHERE[target]
    v = w.values[target]
    if key == "POST /api/v1/scans":  # an arrival of a shelved parcel at the caller's place
        waybill = w.fresh(target, "shelved")
        place = {"station_keeper": "HS-STA-01"}.get(role, "HS-CENTER")
        event = {"event_id": str(uuid.uuid4()), "waybill_no": waybill,
                 "carrier": "zto" if role == CARRIER else carrier, "kind": "arrive",
                 "facility": place if county == HESHUO else station, "at": _now()}  # fmt: skip
        return {"json": [event]}
    if key == "POST /api/v1/parcels/lookup":
        waybill = v["waybill_no"]
        return {"json": {"waybill_no": waybill, "phone_tail": PHONES[waybill][-4:]}}
    if key == "POST /api/v1/manifests":
        item = {"waybill_no": _waybill(carrier), "receiver_name": "李四",
                "receiver_phone": "13700000000", "address": ADDRESSES[station]}  # fmt: skip
        return {"json": {"county": county, "carrier": carrier, "items": [item]}}
    if key == "POST /api/v1/centre/{centre_code}/inbound":
        return {"json": {"county": county, "waybills": [w.fresh(target, "manifest")]}}
    if key == "POST /api/v1/centre/{centre_code}/dispatch":
        return {"json": {"county": county, "route_bag": station, "vehicle": v["vehicle"]}}
    if key == "POST /api/v1/centre/{centre_code}/runs/dispatch":
        return {"json": {"county": county, "plan_id": v["plan_id"], "vehicle": v["run_vehicle"]}}
    if key == "POST /api/v1/stations/{facility}/inbound":
        return {"json": {"county": county, "waybills": [w.fresh(target, "manifest")]}}
    if key == "POST /api/v1/stations/{facility}/handover":
        return {"json": {"county": county, "pickup_code": "Z-0000", "phone_tail": "0000"}}
    if key == "POST /api/v1/lockers/{locker}/deposit":
        return {"json": {"county": county, "waybill_no": w.fresh(target, "locker")}}
    if key == "POST /api/v1/consents":
        return {"json": {"county": county, "phone": "13600000000", "choice": "station"}}
    if key == "POST /api/v1/intake":
        return {"json": {"county": county, "facility": station, "carrier": carrier,
                         "waybill_no": _waybill(carrier), "id_type": "resident_id",
                         "id_number": "360426199101010071", "name": "阿依古丽",
                         "category": "dried_fruit", "description": ""}}  # fmt: skip
    if key.startswith("POST /api/v1/intake/"):  # screened where the rules say, then it leaves
        place = "BZ-SORT" if county == HESHUO else "T-CENTER"
        return {"json": {"county": county, "facility": place, "vehicle": "VAN-01"}}
    if key == "POST /counties/{code}/stations/{facility}/inbound":
        return {"data": {"waybill": w.fresh(target, "manifest")}}
    if key == "POST /counties/{code}/stations/{facility}/handover":
        return {"data": {"pickup": "Z-0000", "tail": "0000"}}
    if key == "POST /counties/{code}/stations/{facility}/offline-scans":
        scan = {"event_id": str(uuid.uuid4()), "waybill": w.fresh(target, "manifest"),
                "occurred_at": _now()}  # fmt: skip
        return {"json": {"scans": [scan]}}
    if key == "POST /counties/{code}/stations/{facility}/offline-handovers":
        given = {"waybill": v["waybill_no"], "pickup": "Z-0000", "tail": "0000",
                 "occurred_at": _now()}  # fmt: skip
        return {"json": {"handovers": [given]}}
    if key == "POST /counties/{code}/stations/{facility}/intake":
        return {"data": {"waybill": _waybill(carrier), "carrier": carrier,
                         "id_type": "resident_id", "id_number": "360426199101010071",
                         "name": "阿依古丽", "category": "dried_fruit"}}  # fmt: skip
    if key == "POST /counties/{code}/centre/{centre_code}/inbound":
        return {"data": {"waybill": w.fresh(target, "manifest")}}
    if key == "POST /counties/{code}/centre/{centre_code}/dispatch":
        return {"data": {"route_bag": station, "vehicle": v["vehicle"]}}
    if key == "POST /counties/{code}/centre/{centre_code}/runs/dispatch":
        return {"data": {"plan": "RP-NONE", "vehicle": v["vehicle"]}}
    if key == "POST /counties/{code}/centre/{centre_code}/manifest":  # a fresh parcel's file
        row = f"{_waybill(carrier)},李四,13700000000,{ADDRESSES[station]}\n"
        manifest = "waybill_no,receiver_name,receiver_phone,address\n" + row
        files = {"file": ("manifest.csv", manifest.encode(), "text/csv")}
        return {"data": {"carrier": carrier}, "files": files}
    if key == "POST /counties/{code}/centre/{centre_code}/priority":
        return {"data": {"waybill": w.fresh(target, "manifest")}}
    if key == "POST /counties/{code}/centre/{centre_code}/resolve":
        return {"data": {"waybill": w.fresh(target, "manifest"), "division": ""}}
    if key == "POST /counties/{code}/driver/phone":  # not due at the run's doors: said so
        day = DAY.isoformat()
        return {"data": {"waybill": w.fresh(target, "manifest"), "day": day, "plan": v["plan_id"]}}
    if key == "POST /counties/{code}/driver/door":
        form = {"waybill": w.fresh(target, "manifest"), "signer_type": "receiver",
                "signer_name": "张三", "day": DAY.isoformat(), "plan": v["plan_id"]}  # fmt: skip
        return {"data": form}
    if key in ("POST /api/v1/counties/{code}/siting", "POST /counties/{code}/siting"):
        question = {"kind": "locker", "objective": "pmedian", "p": 1, "time_limit_s": 10}
        return {"json": question} if key.startswith("POST /api/") else {"data": question}
    if key == "POST /api/v1/counties/{code}/packaging/import":  # a month of the target's carrier
        report = f"carrier,month,parcels,slim_tape\n{carrier},2022-05,10,9\n"
        return {"files": {"file": ("packaging.csv", report.encode(), "text/csv")}}
    if key == "POST /counties/{code}/packaging/import":  # the page's form
        report = f"carrier,month,parcels\n{carrier},2022-06,10\n"
        return {"data": {}, "files": {"file": ("packaging.csv", report.encode(), "text/csv")}}
    if key.endswith("/vehicles/import"):  # the county's list again (the page: a form)
        files = {"file": ("vehicles.csv", _vehicle_list(county), "text/csv")}
        return {"files": files} if key.startswith("POST /api/") else {"data": {}, "files": files}
    if key.endswith("/staff/import"):  # the target's member again (replaced by number)
        files = {"file": ("staff.csv", _staff_list(target), "text/csv")}
        return {"files": files} if key.startswith("POST /api/") else {"data": {}, "files": files}
    if key == "POST /counties/{code}/webhooks/replay":  # none such: the page says so
        return {"data": {"delivery_id": "0"}}
    if key == "POST /api/v1/counties/{code}/webhooks":  # a webhook of the target's carrier
        return {"json": {"url": "https://carrier.example/hooks", "carrier": carrier}}
    if key == "POST /api/v1/counties/{code}/staff/{staff_no}/training":
        return {"json": {"on": county_today().isoformat()}}
    if key.endswith("/assessment/{year}/notes"):  # task 2: in both counties' plans
        return {"data": {"task": "2", "text": "新建末端网点"}}
    if key == "POST /counties/{code}/facilities/import":
        mime = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        return {"data": {}, "files": {"file": ("facilities.xlsx", WORKBOOKS[county], mime)}}
    if key.endswith("/support/applications"):  # a project of the target's carrier
        project = {"carrier": carrier, "programme": "warehouse_project", "amount": 1000,
                   "investment": 2000000}  # fmt: skip
        return {"json": project} if key.startswith("POST /api/") else {"data": project}
    if "/support/" in key:  # a decision: refused with its reason (any county, any programme)
        if key.endswith("/decision"):
            return {"json": {"refuse": "budget spent"}}
        if "/requests/" in key:
            return {"data": {"decision": "refuse", "note": "no housing left"}}
        return {"data": {"refuse": "budget spent"}}
    if "/emergency/" in key:
        return _emergency_body(w, key, target)
    if key == "POST /api/v1/counties/{code}/health/levels":  # a township of the county
        township = {HESHUO: "652828200000", TEST: "990101200000"}[county]
        return {"json": {"township": township, "level": "high", "from": "2022-05-01"}}
    if key == "POST /api/v1/counties/{code}/health/logs/{facility}":
        return {"json": {"done": ["ventilation"]}}
    if key == "POST /counties/{code}/health/levels":
        township = {HESHUO: "652828200000", TEST: "990101200000"}[county]
        return {"data": {"township": township, "level": "high", "from_day": "2022-05-01"}}
    if key == "POST /counties/{code}/health/logs/{facility}":
        return {"data": {"day": county_today().isoformat(), "done": "ventilation"}}
    if "/supervision" in key or (
        key.startswith(SUPERVISION_API) and any(m in key for m in SUPERVISION_PATHS)
    ):
        return _supervision_body(w, key, target)
    if key in ("POST /users", "POST /users/password"):  # a new user; the reset: of a spare
        spare = f"spare{next(_numbers)}"
        add_user(w.engine, Someone(spare, Role.ADMIN))
        if key == "POST /users":
            return {"data": {"username": f"{spare}x", "role": "admin", "password": PASSWORD}}
        return {"data": {"username": spare}}
    if key == "POST /users/active":  # enables the (active) regulator: no session ends
        return {"data": {"username": w.creds["regulator"], "active": "1"}}
    if key == "POST /login":  # anyone may log in: as themselves, a visitor as the regulator
        name = w.creds.get(role, "") if role not in (ANON, CARRIER) else w.creds["regulator"]
        return {"data": {"username": name, "password": PASSWORD}}
    return {}


SUPERVISION_API = "POST /api/v1/counties/{code}/"
SUPERVISION_PATHS = ("/credit/", "/filings", "/records", "/inspection", "/complaints",
                     "/licences")  # fmt: skip
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _supervision_body(w: World, key: str, target: str) -> dict[str, Any]:
    """The request of a supervision cell (API: json=, pages: data= and files=)."""
    county, _, carrier = WHERE[target]
    today = county_today().isoformat()
    path = key.split(" ", 1)[1]
    tail = path.rsplit("/", 1)[-1]
    api = path.startswith("/api/")
    if path.endswith("/credit/events") or path.endswith("/credit-events"):
        body = {"subject": f"carrier:{carrier}", "event": "inspection_finding"}
        return {"json": body} if api else {"data": body}
    if path.endswith("/credit/rectifications"):
        return {"json": {"subject": "carrier:sto", "listed_on": today}}
    if path.endswith("/filings"):
        return {"json": {"carrier": carrier, "outlet": f"M-{next(_numbers)}", "name": "驿站",
                         "community": COMMUNITY[county], "opened": today}}  # fmt: skip
    if path.endswith("/review"):
        return {"json": {"decision": "accept"}}
    if path.endswith("/filings/{record_id}"):  # the page's decision form
        return {"data": {"decision": "accept"}}
    if path.endswith("/licences"):
        return {"json": {"carrier": carrier, "number": f"L-{next(_numbers)}", "granted": today}}
    if "/licences/" in path:
        return {"json": {"verb": "renew"}}
    if tail == "steps":
        return {"json": {"verb": "answer"}}
    if path.endswith("/supervision/records/{record_id}"):
        return {"data": {"kind": "complaint", "verb": "answer"}}
    if tail == "attachments":
        files = {"file": ("premises.png", PNG, "image/png")}
        return {"files": files} if api else {"data": {}, "files": files}
    if path.endswith("/inspection-rounds"):
        return {"json": {"round": f"R{next(_numbers)}", "seed": 1, "kinds": ["carrier"]}}
    if path.endswith("/supervision/rounds"):
        return {"data": {"round_name": f"R{next(_numbers)}", "seed": "1"}}
    if path.endswith("/rounds/draw"):
        return {"data": {"round_name": _fresh_round(w.engine, target)}}
    if path.endswith("/draw"):
        return {}
    if "/inspections/" in path:
        checked = {"checked": {"real_name": True}}
        return {"json": checked} if api else {"data": {"item_real_name": "ok"}}
    if path.endswith("/complaints"):
        body = {"subject": f"carrier:{carrier}", "type": "delay", "about": "late"}
        if api:
            return {"json": body}
        return {"data": {**body, "complaint_type": body["type"]}}
    if path.endswith("/import"):
        files = {"file": ("e.xlsx", _workbook_of_events(f"carrier:{carrier}"), XLSX_TYPE)}
        return {"files": files} if api else {"data": {"kind": "credit_event"}, "files": files}
    raise AssertionError(f"no body for {key}")


INTAKE_KIND = {
    "POST /api/v1/intake/{waybill_no}/screen": "intake",
    "POST /api/v1/intake/{waybill_no}/depart": "screened",
}
"""The outbound routes naming a parcel in the path, and the parcel each needs."""


def _emergency_body(w: World, key: str, target: str) -> dict[str, Any]:
    """A team of a person registered for the cell, a stock at the target's station, an event
    of its carrier an hour ago, or the report of a fresh event."""
    county, station, carrier = WHERE[target]
    if key.endswith("/teams"):
        no = f"EM-{next(_numbers)}"
        with SqlUnitOfWork(w.engine) as u:
            u.staff.put(county, StaffMember(no, carrier, Occupation.COURIER), {},
                        dt.datetime.now(dt.UTC))  # fmt: skip
            u.commit()
        return {"json": {"code": f"T{next(_numbers)}", "name": "应急队", "leader": no}}
    if key.endswith("/resources"):
        return {"json": {"kind": "material", "name": "沙袋", "quantity": 10, "unit": "件",
                         "location": station}}  # fmt: skip
    if key.endswith("/steps"):
        return {"json": {"verb": "report"}}
    if key.endswith("/{event_id}"):  # the page's step button
        return {"data": {"verb": "report"}}
    hour_ago = dt.datetime.now(dt.UTC) - dt.timedelta(hours=1)
    if not key.startswith("POST /api/"):  # the page's form: a county time without its zone
        local = hour_ago.astimezone(dt.timezone(dt.timedelta(hours=8))).strftime("%Y-%m-%dT%H:%M")
        return {"data": {"grade": "IV", "subject": f"carrier:{carrier}", "occurred_at": local}}
    return {"json": {"grade": "IV", "subject": f"carrier:{carrier}",
                     "occurred_at": hour_ago.isoformat()}}  # fmt: skip


def _fresh_event(w: World, target: str) -> dict[str, str]:
    """An emergency event of the target's carrier, not yet reported."""
    county, _, carrier = WHERE[target]
    view = emergency.open_event(SqlUnitOfWork(w.engine), county, "IV", f"carrier:{carrier}",
                                dt.datetime.now(dt.UTC) - dt.timedelta(hours=1))  # fmt: skip
    return {"event_id": str(view.id)}


def _filing_id(w: World, target: str) -> dict[str, str]:
    return {"record_id": str(_fresh_filing(w.engine, w.vault, target))}


def _complaint_id(w: World, target: str) -> dict[str, str]:
    return {"record_id": str(_fresh_complaint(w.engine, w.vault, target))}


def _inspection_id(w: World, target: str) -> dict[str, str]:
    return {"record_id": str(_fresh_inspection(w.engine, target))}


def _fresh_support(engine: Engine, target: str, kind: str) -> int:
    """A support application of the target's carrier (or a staff request), undecided."""
    county, _, carrier = WHERE[target]
    subject, facts = (f"carrier:{carrier}", {"programme": "warehouse_project", "amount": "1000"})
    if kind == "support_request":
        subject, facts = "person:S1", {"type": "housing"}
    return supervision.open_record(SqlUnitOfWork(engine), county, kind, subject,
                                   facts=facts).id  # fmt: skip


def _application_id(w: World, target: str) -> dict[str, str]:
    return {"record_id": str(_fresh_support(w.engine, target, "support_application"))}


def _evidence_id(engine: Engine, vault: Vault, target: str) -> str:
    """An evidence file of a progress note on task 2 (in both counties' plans)."""
    note = assessment_service.add_note(SqlUnitOfWork(engine), vault, WHERE[target][0], 2022, 2,
                               "新建末端网点", by=None, files=[("p.png", PNG)])  # fmt: skip
    return str(note.files[0].id)


FRESH_PATH: dict[str, Callable[[World, str], dict[str, str]]] = {
    "POST /api/v1/counties/{code}/filings/{record_id}/review": _filing_id,
    "POST /counties/{code}/supervision/filings/{record_id}": _filing_id,
    "POST /api/v1/counties/{code}/records/{record_id}/attachments": _filing_id,
    "POST /counties/{code}/supervision/records/{record_id}/attachments": _filing_id,
    "POST /api/v1/counties/{code}/records/{record_id}/steps": _complaint_id,
    "POST /api/v1/counties/{code}/complaints/{record_id}/steps": _complaint_id,
    "POST /api/v1/counties/{code}/emergency/events/{event_id}/steps": _fresh_event,
    "POST /counties/{code}/emergency/events/{event_id}": _fresh_event,
    "POST /api/v1/counties/{code}/licences/{record_id}/steps": lambda w, t: {
        "record_id": str(_fresh_licence(w.engine, t))
    },
    "POST /counties/{code}/supervision/records/{record_id}": _complaint_id,
    "POST /api/v1/counties/{code}/inspections/{record_id}": _inspection_id,
    "POST /counties/{code}/supervision/inspections/{record_id}": _inspection_id,
    "POST /counties/{code}/support/applications/{record_id}": _application_id,
    "POST /api/v1/counties/{code}/support/applications/{record_id}/decision": _application_id,
    "POST /counties/{code}/support/requests/{record_id}": lambda w, t: {
        "record_id": str(_fresh_support(w.engine, t, "support_request"))
    },
    "POST /api/v1/counties/{code}/inspection-rounds/{round_name}/draw": lambda w, t: {
        "round_name": _fresh_round(w.engine, t)
    },
}
"""Routes that move a supervision record on: each cell gets a fresh one."""


def _workbook_of_events(subject: str) -> bytes:
    import io

    from openpyxl import Workbook

    wb = Workbook()
    wb.active.append(["subject", "event"])
    wb.active.append([subject, "inspection_finding"])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _params(key: str) -> dict[str, str]:
    if key.endswith("/records/import"):
        return {"kind": "credit_event"}
    if key.endswith("/records.xlsx") or key.endswith("/records"):
        return {"kind": "outlet_filing"}
    if key.endswith("/routes"):  # today's plan in the county (the parcels still waiting)
        today = dt.datetime.now(dt.timezone(dt.timedelta(hours=8))).date()
        return {"seconds": "1", "date": today.isoformat()}
    if "/siting/compare" in key or key.endswith("/scenarios/compare"):
        return {"names": SAVED}
    return {}


@dataclass
class Asker:
    client: TestClient
    headers: dict[str, str]
    csrf: str


def _asker(w: World, role: str) -> Asker:
    client = TestClient(w.app, follow_redirects=False)
    if role == CARRIER:
        return Asker(client, {"X-API-Key": w.creds[CARRIER]}, "")
    if role != ANON:
        log_in(client, w.creds[role])
    token = csrf_of(client.get("/login").text)
    return Asker(client, {"X-CSRF-Token": token, "HX-Request": "true"}, token)


def ask(
    w: World, a: Asker, key: str, role: str, target: str, values: dict[str, str] | None = None
) -> httpx.Response:
    """One cell's request; `values` for the path instead of the target's own."""
    method, path = key.split(" ", 1)
    if values is None:
        values = w.values[target]
        if key.startswith("POST /api/v1/intake/"):  # a parcel taken in at the target's station
            values = {**values, "waybill_no": w.fresh(target, INTAKE_KIND[key])}
        if key in FRESH_PATH:  # a supervision record in the state the route moves on from
            values = {**values, **FRESH_PATH[key](w, target)}
    url = path.format(**values)
    if key in FOLLOW:
        r = a.client.request(method, url, headers=a.headers, follow_redirects=True)
        return r if r.url.path != "/login" or path == "/login" else r.history[0]
    kwargs = _body(w, key, role, target) if method == "POST" else {}
    if "data" in kwargs and a.csrf:
        kwargs["data"] = {**kwargs["data"], "csrf_token": a.csrf}
    return a.client.request(method, url, headers=a.headers, params=_params(key), **kwargs)


def allowed(key: str, r: httpx.Response) -> bool:
    """2xx — and for a batch of scans, no line refused."""
    if not 200 <= r.status_code < 300:
        return False
    if key == "POST /api/v1/scans":
        return r.json()["rejected"] == []
    return True


def denied(key: str, r: httpx.Response, role: str) -> bool:
    if r.status_code in (401, 403, 404):
        return True
    if key in INTAKE_KIND and r.status_code == 422 and "take it in first" in r.text:
        return True  # these routes' answer for a parcel never taken in (see the oracle test)
    if key == "POST /api/v1/scans" and r.status_code == 200:
        return r.json()["accepted"] == 0 and r.json()["rejected"] != []
    page = not key.split(" ", 1)[1].startswith("/api/")
    return role == ANON and page and r.headers.get("location", "").startswith("/login")


# the tests --------------------------------------------------------------------------------
def routes_of(app: FastAPI) -> list[str]:
    """`METHOD /path` of every route of the app, included routers too; log-out last."""
    try:
        from fastapi.routing import iter_route_contexts

        found = [(c.methods, c.path) for c in iter_route_contexts(app.routes)]
    except ImportError:  # FastAPI before lazily included routers
        found = [(getattr(r, "methods", None), getattr(r, "path", "")) for r in app.routes]
    out = {f"{m} {p}" for methods, p in found if methods for m in methods if m != "HEAD"}
    return sorted(out, key=lambda k: (k == "POST /logout", k))


def test_every_route_is_in_the_matrix(world: World) -> None:
    """A route nobody has classified fails here, naming the row to add."""
    have = routes_of(world.app)
    missing = [k for k in have if k not in MATRIX]
    assert missing == [], (
        "add these routes to MATRIX in tests/e2e/test_access_matrix.py, saying which roles "
        f"may use them: {missing}"
    )
    assert sorted(set(MATRIX) - set(have)) == [], "MATRIX lists routes the app no longer has"


def test_the_resources_are_real(world: World) -> None:
    """Each target's parcel, plan and run exist and are where the matrix says."""
    admin = _asker(world, "admin")
    for target in TARGETS:
        v = world.values[target]
        county, station, carrier = WHERE[target]
        got = admin.client.get(f"/api/v1/parcels/{v['waybill_no']}", headers=admin.headers)
        assert got.status_code == 200, (target, got.text)
        assert (got.json()["carrier"], got.json()["place"]) == (carrier, station)
        plan = admin.client.get(f"/api/v1/routes/{v['plan_id']}", headers=admin.headers)
        assert plan.status_code == 200 and plan.json()["county"] == county


@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_what_the_matrix_says(world: World, role: str) -> None:
    """Every route × target for one role: allowed cells answer 2xx, refused ones 401, 403
    or 404 (a page: the way to the log-in form for a visitor)."""
    a = _asker(world, role)
    wrong: list[str] = []
    pending: list[str] = []
    for key in routes_of(world.app):
        if key not in MATRIX:
            continue
        rule = MATRIX[key]
        for target in rule.targets():
            want = rule.expected(role, target)
            r = ask(world, a, key, role, target)
            if want == OK and key in NOT_2XX:
                bad = r.status_code in (401, 403, 404) or r.status_code >= 500
            elif want == OK and key in OWN_NOT_FOUND:
                bad = not (r.status_code == 404 and OWN_NOT_FOUND[key] in r.text)
            elif want == OK:
                bad = not allowed(key, r)
            else:
                bad = not denied(key, r, role)
            cell = f"{key} [{target}]: expected {want}, got {r.status_code} {r.text[:120]}"
            if (key, role, target) in PENDING:
                if bad:
                    pending.append(f"{cell} — {PENDING[key, role, target]}")
                else:
                    wrong.append(f"{cell} — fixed: remove it from PENDING")
            elif bad:
                wrong.append(cell)
    assert wrong == [], f"{role}: " + "\n".join(wrong)
    if pending:
        pytest.xfail("; ".join(pending))


MISSING = {
    "code": "999999",
    "waybill_no": "ZT7699999999999",
    "plan_id": "RP-652828-20990101-999999",
    "run_id": "SR-652828-20990101000000-999999",
    "vehicle": "HS-KD-MX-NONE",
    "staff_no": "MX-NONE",
}


BOUND = {r: HESHUO for r in ("regulator", "centre_operator", "station_keeper", "driver", CARRIER)}
BOUND[FOREIGN] = TEST
"""The county each role is bound to (the visitor and the administrator: none)."""


@pytest.mark.parametrize("role", ROLES)
def test_a_refused_role_cannot_tell_whether_a_resource_exists(world: World, role: str) -> None:
    """Defect 11: for every route naming a parcel, a route plan or a scenario run (to read
    it, or to screen or dispatch an outbound parcel), a role refused one that exists gets
    the very answer it gets for one that does not; and a role
    bound to a county gets the same for another county whether it is loaded or not."""
    a = _asker(world, role)
    differ: list[str] = []
    for key, rule in MATRIX.items():
        method, path = key.split(" ", 1)
        for target in rule.targets():
            names = set(re.findall(r"{(\w+)}", path)) & set(MISSING)
            if BOUND.get(role, WHERE[target][0]) == WHERE[target][0]:
                names.discard("code")  # its own county, or every county: not hidden from it
            asked = method == "GET" or key in INTAKE_KIND
            if not asked or not names or rule.expected(role, target) == OK:
                continue
            real = dict(world.values[target])
            if key in INTAKE_KIND:
                real["waybill_no"] = world.fresh(target, INTAKE_KIND[key])
            values = {**real, **{n: MISSING[n] for n in names}}
            there = ask(world, a, key, role, target, real)
            absent = ask(world, a, key, role, target, values)
            said = [
                re.sub("|".join(re.escape(v[n]) for n in names), "<id>", r.text)
                for r, v in ((there, real), (absent, values))
            ]
            if (there.status_code, said[0]) != (absent.status_code, said[1]):
                differ.append(f"{key} [{target}]: {there.status_code} vs {absent.status_code}")
    assert differ == [], f"{role}: {differ}"


def test_a_station_keeper_cannot_work_another_stations_screen(world: World) -> None:
    """HS-STA-01's keeper asking for HS-STA-02's shelf, or scanning there, is refused."""
    a = _asker(world, "station_keeper")
    other = f"/counties/{HESHUO}/stations/HS-STA-02"
    assert a.client.get(other).status_code == 403
    assert a.client.get(f"{other}/shelf").status_code == 403
    r = a.client.post(f"{other}/inbound", data={"waybill": world.values[STATION]["waybill_no"],
                                                 "csrf_token": a.csrf})  # fmt: skip
    assert r.status_code == 403
    assert a.client.get(f"/counties/{HESHUO}/stations/HS-STA-01").status_code == 200


@pytest.mark.parametrize(
    ("role", "target", "claimed"),
    [("station_keeper", STATION, "zto"), (CARRIER, CARRIER_, "zto")],
    ids=["defect 2: keeper picks up another station's parcel",
         "defect 3: zto's key picks up a J&T parcel as zto"],
)  # fmt: skip
def test_a_pickup_scan_of_someone_elses_parcel_is_refused(
    world: World, role: str, target: str, claimed: str
) -> None:
    """POST /api/v1/scans with a `pickup` at the keeper's own station for a parcel shelved
    at another (defect 2), or by zto's key for a J&T parcel (defect 3): the line refused,
    the parcel still waiting where it was, with its own carrier."""
    a = _asker(world, role)
    waybill = world.fresh(target, "shelved")
    _, station, carrier = WHERE[target]
    event = {"event_id": str(uuid.uuid4()), "waybill_no": waybill, "carrier": claimed,
             "kind": "pickup", "facility": "HS-STA-01", "at": _now()}  # fmt: skip
    r = a.client.post("/api/v1/scans", headers=a.headers, json=[event])
    assert denied("POST /api/v1/scans", r, role), r.text
    admin = _asker(world, "admin")
    after = admin.client.get(f"/api/v1/parcels/{waybill}", headers=admin.headers).json()
    assert (after["state"], after["place"], after["carrier"]) == ("stored", station, carrier)
