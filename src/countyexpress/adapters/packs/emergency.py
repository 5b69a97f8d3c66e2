"""A pack's `emergency.toml`: task 13's figures (a team's least size, the resource kinds a
county must hold), each with its source and how sure it is. A pack without the file gets the
built-in heshuo pack's, marked so."""

from __future__ import annotations

import tomllib
from dataclasses import replace
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from countyexpress.adapters.packs.defaults import HESHUO_DEFAULTS, fallback_file
from countyexpress.domain.emergency import EmergencyRules
from countyexpress.errors import InvalidValue, PackInvalid, PackProblem

__all__ = ["FILE", "emergency_rules_for", "parse_emergency", "read_emergency"]

FILE = "emergency.toml"


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class _Teams(_Model):
    min_size: int = Field(ge=1, le=1000)
    quality: str = ""
    source: str = ""


class _Resources(_Model):
    required_kinds: list[str]
    quality: str = ""
    source: str = ""


class _File(_Model):
    teams: _Teams
    resources: _Resources


def read_emergency(path: Path) -> EmergencyRules:
    """The rules of an `emergency.toml` (or of the file in a pack folder); PackInvalid names
    the file and field of every problem."""
    file = path / FILE if path.is_dir() else path
    try:
        data = tomllib.loads(file.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise PackInvalid([PackProblem(file.name, None, None, str(exc))]) from exc
    return parse_emergency(data, file.name)


def parse_emergency(data: dict[str, Any], name: str = FILE) -> EmergencyRules:
    """The rules of a parsed `emergency.toml`; PackInvalid names file `name` and the field."""
    try:
        f = _File.model_validate(data)
        notes = {
            part: f"{s.quality}: {s.source}".strip(": ")
            for part, s in (("teams", f.teams), ("resources", f.resources))
        }
        return EmergencyRules(f.teams.min_size, tuple(f.resources.required_kinds), notes)
    except ValidationError as exc:
        raise PackInvalid(
            [
                PackProblem(name, None, ".".join(str(p) for p in e["loc"]), e["msg"])
                for e in exc.errors()
            ]
        ) from exc
    except InvalidValue as exc:
        raise PackInvalid([PackProblem(name, None, exc.field, exc.reason)]) from exc


def emergency_rules_for(county_code: str, stored: dict[str, Any] | None = None) -> EmergencyRules:
    """The county's figures: the `emergency.toml` stored with it at load (`stored`, as
    parsed), else its built-in pack's, else the Heshuo pack's marked as its defaults."""
    if stored is not None:
        return parse_emergency(stored)
    file, origin = fallback_file(county_code, FILE)
    rules = read_emergency(file)
    if origin.startswith(HESHUO_DEFAULTS):
        notes = {k: f"{HESHUO_DEFAULTS}; {v}" for k, v in rules.notes.items()}
        rules = replace(rules, notes=notes)
    return rules
