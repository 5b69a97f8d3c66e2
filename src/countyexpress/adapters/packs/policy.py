"""A county pack's `policy.toml`: the support programmes of plan tasks 8, 10 and 18.

Stored with the county when its pack is loaded (`pack_documents`); a county loaded before
that reads its built-in pack's. A county whose pack has no `policy.toml` runs no programmes
(every application is refused with that reason), rather than borrowing another county's.
Problems are located by file and field path.
"""

from __future__ import annotations

import tomllib
from decimal import Decimal
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from countyexpress.adapters.packs.vehicles import builtin_folder
from countyexpress.domain.supervision.support import PolicyRules, Programme
from countyexpress.errors import InvalidValue, PackInvalid, PackProblem

__all__ = ["POLICY_FILE", "pack_policy", "parse_policy", "policy_for", "read_policy"]

POLICY_FILE = "policy.toml"


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class _Programme(_Model):
    task: int = Field(ge=1, le=20)
    title: str = Field(min_length=1, max_length=100)
    title_en: str = Field(default="", max_length=200)
    max_grant: int
    share_of_investment: Decimal | None = None
    min_investment: int | None = None
    facility_kinds: list[str] = []
    new_energy_vehicle: bool = False
    requires_licence: bool = False
    quality: str = Field(pattern=r"^(plan|confirmed|unconfirmed|estimate)$")
    source: str = Field(min_length=1)
    source_en: str = ""


class _File(_Model):
    refuse_blacklisted: bool = True
    source: str = ""
    source_en: str = ""
    programmes: dict[str, _Programme] = {}


def read_policy(path: Path) -> PolicyRules:
    """Read a `policy.toml` (or the file in a pack folder); PackInvalid locates problems."""
    file = path / POLICY_FILE if path.is_dir() else path
    try:
        data = tomllib.loads(file.read_text(encoding="utf-8"))
    except OSError as exc:
        raise PackInvalid([PackProblem(file.name, None, None, f"cannot read: {exc}")]) from exc
    except tomllib.TOMLDecodeError as exc:
        raise PackInvalid([PackProblem(file.name, None, None, str(exc))]) from exc
    return parse_policy(data, file.name)


def parse_policy(data: dict[str, Any], name: str = POLICY_FILE) -> PolicyRules:
    """The programmes of a parsed `policy.toml`; PackInvalid names file `name` and field."""
    try:
        f = _File.model_validate(data)
    except ValidationError as exc:
        raise PackInvalid([
            PackProblem(name, None, ".".join(str(p) for p in e["loc"]), e["msg"])
            for e in exc.errors()
        ]) from exc  # fmt: skip
    try:
        programmes = {
            code: Programme(code, p.task, p.title, p.title_en, p.max_grant,
                            p.share_of_investment, p.min_investment, tuple(p.facility_kinds),
                            p.new_energy_vehicle, p.requires_licence, p.quality, p.source,
                            p.source_en)
            for code, p in f.programmes.items()
        }  # fmt: skip
    except InvalidValue as exc:
        raise PackInvalid([PackProblem(name, None, exc.field, exc.reason)]) from exc
    return PolicyRules(programmes, f.refuse_blacklisted, f.source, f.source_en)


def pack_policy(folder: Path) -> PolicyRules:
    """A pack folder's programmes; none when it has no `policy.toml`."""
    file = folder / POLICY_FILE
    if not file.is_file():
        return PolicyRules({}, True, f"{folder.name} has no {POLICY_FILE}")
    return read_policy(file)


def policy_for(county_code: str, stored: dict[str, Any] | None = None) -> PolicyRules:
    """The county's programmes: the `policy.toml` stored with it at load (`stored`, as
    parsed), else its built-in pack's; none for a county without either (no other county's
    money rules are borrowed)."""
    if stored is not None:
        return parse_policy(stored)
    folder = builtin_folder(county_code)
    if folder is not None:
        return pack_policy(folder)
    return PolicyRules({}, True, f"county {county_code} has no {POLICY_FILE} stored")
