"""The schema of `county.toml`, checked with pydantic so every error has a field path."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from countyexpress.domain.plan import StandardValue


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class SeatSection(_Model):
    lat: float
    lon: float


class CountySection(_Model):
    code: str
    name: str = Field(min_length=1)
    name_en: str = ""
    province: str = ""
    prefecture: str = ""
    population: int | None = Field(default=None, ge=0)
    population_source: str = ""
    population_source_en: str = ""
    seat: SeatSection | None = None
    coordinate_system: str = "WGS84"


class SourceSection(_Model):
    name: str = Field(min_length=1)
    name_en: str = ""
    licence: str = ""
    url: str = ""
    covers: str = ""


class UnitSection(_Model):
    code: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    name: str = Field(min_length=1)
    name_en: str = ""


class TaskSection(_Model):
    number: int = Field(ge=1)
    title: str = Field(min_length=1)
    title_en: str = ""
    section: str = ""
    lead: list[str] = []
    cooperating: list[str] = []


class TargetSection(_Model):
    indicator: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    value: float
    year: int
    task: int | None = None
    unit: str = ""
    note: str = ""
    note_en: str = ""


class PlanSection(_Model):
    title: str = ""
    title_en: str = ""
    issued_on: dt.date | None = None
    issuer: str = ""
    units: list[UnitSection] = []
    tasks: list[TaskSection] = []
    targets: list[TargetSection] = []
    standards: dict[str, StandardValue] = {}


class Manifest(_Model):
    county: CountySection
    sources: list[SourceSection] = []
    plan: PlanSection = PlanSection()
    operations: dict[str, Any] = {}
