"""A pack's `packaging.toml`: task 17's prohibited bags and yearly targets (each with its
quality and source) and the reasons some indicators have no target. The tape width is the
plan's (`[plan.standards] tape_width_max_mm` of county.toml), given by the caller. A pack
without the file gets the built-in heshuo pack's, like `emergency.toml`."""

from __future__ import annotations

import tempfile
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from countyexpress.adapters.packs.defaults import fallback_file
from countyexpress.adapters.packs.rows import read_table
from countyexpress.adapters.supervision_xlsx import MAX_IMPORT_BYTES, MAX_ROWS, read_rows
from countyexpress.domain.packaging import (
    OPTIONAL_COLUMNS,
    REQUIRED_COLUMNS,
    BagType,
    PackagingRules,
)
from countyexpress.domain.packaging_indicators import PACKAGING_INDICATORS
from countyexpress.domain.plan import Target
from countyexpress.errors import Bilingual, InvalidValue, PackInvalid, PackProblem

__all__ = [
    "COLUMNS",
    "FILE",
    "packaging_rules_for",
    "parse_packaging",
    "read_packaging",
    "report_rows",
]

FILE = "packaging.toml"
COLUMNS = (*REQUIRED_COLUMNS, *OPTIONAL_COLUMNS)
_NAMES = {i.name for i in PACKAGING_INDICATORS}
_QUALITY = {"verified": "已核实", "estimate": "估计"}  # a target note's first words, in Chinese


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class _Target(_Model):
    indicator: str
    year: int = Field(ge=2000, le=2099)
    value: float = Field(ge=0, le=1)
    quality: Literal["verified", "estimate"]
    source: str = Field(min_length=1)
    source_en: str = ""


class _File(_Model):
    prohibited_bags: list[BagType] = [BagType.NON_DEGRADABLE_BAG, BagType.WOVEN_BAG]
    targets: list[_Target] = []
    no_target: dict[str, str] = {}
    no_target_en: dict[str, str] = {}


def read_packaging(path: Path, tape_width_max_mm: float = 45) -> PackagingRules:
    """The rules of a `packaging.toml` (or of the file in a pack folder); PackInvalid names
    the file and field of every problem."""
    file = path / FILE if path.is_dir() else path
    try:
        data = tomllib.loads(file.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise PackInvalid([PackProblem(file.name, None, None, str(exc))]) from exc
    return parse_packaging(data, f"{file.parent.name}/{FILE}", tape_width_max_mm, file.name)


def parse_packaging(
    data: dict[str, Any], origin: str, tape_width_max_mm: float = 45, name: str = FILE
) -> PackagingRules:
    """The rules of a parsed `packaging.toml` (`origin`: where it came from); PackInvalid
    names file `name` and the field of every problem."""
    try:
        f = _File.model_validate(data)
        unknown = [t.indicator for t in f.targets if t.indicator not in _NAMES]
        unknown += [n for n in {**f.no_target, **f.no_target_en} if n not in _NAMES]
        if unknown:
            raise InvalidValue("targets.indicator", f"unknown indicator {unknown[0]!r} "
                               f"(one of: {', '.join(sorted(_NAMES))})")  # fmt: skip
        keys = [(t.indicator, t.year) for t in f.targets]
        twice = [k for k in keys if keys.count(k) > 1]
        if twice:
            raise InvalidValue("targets", f"{twice[0][0]} has two targets for {twice[0][1]}")
        targets = tuple(
            Target(t.indicator, t.value, t.year, 17, "share", f"{_QUALITY[t.quality]}：{t.source}",
                   f"{t.quality}: {t.source_en or t.source}")
            for t in f.targets
        )  # fmt: skip
        why = {n: Bilingual(f.no_target.get(n, ""), f.no_target_en.get(n, ""))
               for n in {**f.no_target, **f.no_target_en}}  # fmt: skip
        return PackagingRules(tape_width_max_mm, frozenset(f.prohibited_bags), targets,
                              why, origin)  # fmt: skip
    except ValidationError as exc:
        raise PackInvalid(
            [
                PackProblem(name, None, ".".join(str(p) for p in e["loc"]), e["msg"])
                for e in exc.errors()
            ]
        ) from exc
    except InvalidValue as exc:
        raise PackInvalid([PackProblem(name, None, exc.field, exc.reason)]) from exc


def packaging_rules_for(
    county_code: str, tape_width_max_mm: float = 45, stored: dict[str, Any] | None = None
) -> PackagingRules:
    """The county's rules: the `packaging.toml` stored with it at load (`stored`, as
    parsed), else its built-in pack's, else the Heshuo pack's marked as its defaults."""
    if stored is not None:
        return parse_packaging(stored, f"{county_code} {FILE}", tape_width_max_mm)
    file, origin = fallback_file(county_code, FILE)
    data = tomllib.loads(file.read_text(encoding="utf-8"))
    return parse_packaging(data, origin, tape_width_max_mm)


def report_rows(
    data: bytes, filename: str
) -> tuple[list[tuple[int, Mapping[str, str]]], list[PackProblem]]:
    """The rows of a packaging report file, an xlsx workbook (the supervision import's
    reader) or a UTF-8 CSV (the pack's table reader), with every header problem located."""
    name = Path(filename or "packaging.xlsx").name
    if not name.lower().endswith(".csv"):
        rows, found = read_rows(data, name, REQUIRED_COLUMNS, OPTIONAL_COLUMNS)
        return list(rows), found
    if len(data) > MAX_IMPORT_BYTES:
        return [], [PackProblem(name, None, None, "the file is larger than 5 MB")]
    problems: list[PackProblem] = []
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_bytes(data)
        try:
            read = [(row.line, row.cells) for row in read_table(path, REQUIRED_COLUMNS, problems)]
        except UnicodeDecodeError:
            return [], [PackProblem(name, None, None, "not a UTF-8 CSV file")]
        header = next(iter(read), (0, {}))[1].keys()
    problems += [PackProblem(name, 1, h, f"unknown column (known: {', '.join(COLUMNS)})")
                 for h in header if h and h not in COLUMNS]  # fmt: skip
    if len(read) > MAX_ROWS:
        problems.append(PackProblem(name, None, None, f"more than {MAX_ROWS} rows: split the file"))
    return ([], problems) if problems else (list(read), [])
