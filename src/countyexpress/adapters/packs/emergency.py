"""A pack's `emergency.toml`: task 13's figures (a team's least size, the resource kinds a
county must hold), each with its source and how sure it is. A pack without the file gets the
built-in heshuo pack's, marked so."""

from __future__ import annotations

import tomllib
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from countyexpress.adapters.packs.reader import builtin_pack_path
from countyexpress.adapters.packs.vehicles import builtin_folder
from countyexpress.domain.emergency import EmergencyRules
from countyexpress.errors import InvalidValue, PackInvalid, PackProblem

__all__ = ["FILE", "emergency_rules_for", "read_emergency"]

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
        f = _File.model_validate(tomllib.loads(file.read_text(encoding="utf-8")))
        notes = {
            part: f"{s.quality}: {s.source}".strip(": ")
            for part, s in (("teams", f.teams), ("resources", f.resources))
        }
        return EmergencyRules(f.teams.min_size, tuple(f.resources.required_kinds), notes)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise PackInvalid([PackProblem(file.name, None, None, str(exc))]) from exc
    except ValidationError as exc:
        raise PackInvalid(
            [
                PackProblem(file.name, None, ".".join(str(p) for p in e["loc"]), e["msg"])
                for e in exc.errors()
            ]
        ) from exc
    except InvalidValue as exc:
        raise PackInvalid([PackProblem(file.name, None, exc.field, exc.reason)]) from exc


def emergency_rules_for(county_code: str) -> EmergencyRules:
    """The rules of the county's built-in pack, else the heshuo pack's."""
    folder = builtin_folder(county_code)
    if folder is None or not (folder / FILE).is_file():
        folder = builtin_pack_path("heshuo") or Path(".")
    return read_emergency(folder / FILE)
