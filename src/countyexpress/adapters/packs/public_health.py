"""A pack's `health.toml`: the risk levels and the measures each requires (tasks 15-16).

Problems are located like the pack reader's: file and field path. A county whose built-in
pack has no such file gets the heshuo pack's (an estimate: say so where it is shown).
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import tomli_w

from countyexpress.adapters.packs.reader import builtin_pack_path
from countyexpress.adapters.packs.vehicles import builtin_folder
from countyexpress.domain.public_health import HealthRules, Measure, RiskLevel
from countyexpress.errors import InvalidValue, PackInvalid, PackProblem

__all__ = ["HEALTH_FILE", "health_rules_for", "read_health", "write_health"]

HEALTH_FILE = "health.toml"


def _text(item: dict[str, Any], key: str, where: str, problems: list[PackProblem]) -> str:
    value = item.get(key, "")
    if not isinstance(value, str):
        problems.append(PackProblem(HEALTH_FILE, None, f"{where}.{key}", "must be a text"))
        return ""
    return value


def read_health(path: Path) -> HealthRules:
    """The rules of a `health.toml` (or of the file in a pack folder); every problem located."""
    file = path / HEALTH_FILE if path.is_dir() else path
    try:
        data = tomllib.loads(file.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise PackInvalid([PackProblem(file.name, None, None, str(exc))]) from exc
    problems: list[PackProblem] = []
    levels: list[RiskLevel] = []
    measures: list[Measure] = []
    for n, item in enumerate(data.get("levels", [])):
        where = f"levels[{n}]"
        try:
            levels.append(
                RiskLevel(
                    _text(item, "code", where, problems),
                    _text(item, "zh", where, problems),
                    _text(item, "en", where, problems),
                )
            )
        except InvalidValue as exc:
            problems.append(PackProblem(file.name, None, f"{where}.{exc.field}", exc.reason))
    for n, item in enumerate(data.get("measures", [])):
        where = f"measures[{n}]"
        named = item.get("levels", [])
        if not isinstance(named, list) or not all(isinstance(x, str) for x in named):
            problems.append(
                PackProblem(file.name, None, f"{where}.levels", "must list level codes")
            )
            named = []
        try:
            measures.append(
                Measure(
                    _text(item, "code", where, problems),
                    _text(item, "zh", where, problems),
                    _text(item, "en", where, problems),
                    frozenset(named),
                    _text(item, "frequency", where, problems) or "daily",
                    _text(item, "quality", where, problems),
                    _text(item, "source", where, problems),
                )
            )
        except InvalidValue as exc:
            problems.append(PackProblem(file.name, None, f"{where}.{exc.field}", exc.reason))
    if problems:
        raise PackInvalid(problems)
    try:
        return HealthRules(
            tuple(levels),
            tuple(measures),
            str(data.get("quality", "")),
            f"{file.parent.name}/{HEALTH_FILE}: {data.get('source', '')}".rstrip(": "),
        )
    except InvalidValue as exc:
        raise PackInvalid([PackProblem(file.name, None, exc.field, exc.reason)]) from exc


def health_rules_for(county_code: str) -> HealthRules:
    """The health rules of the county's built-in pack, else the heshuo pack's."""
    folder = builtin_folder(county_code)
    if folder is None or not (folder / HEALTH_FILE).is_file():
        folder = builtin_pack_path("heshuo") or Path(".")
    return read_health(folder / HEALTH_FILE)


def write_health(rules: HealthRules, folder: Path) -> Path:
    """Write `rules` as the pack's `health.toml` (read back equal by `read_health`, but
    for `source`, which keeps the text after the folder's name)."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / HEALTH_FILE
    source = rules.source.split(": ", 1)[1] if ": " in rules.source else ""
    data: dict[str, Any] = {
        "quality": rules.quality,
        "source": source,
        "levels": [{"code": lv.code, "zh": lv.zh, "en": lv.en} for lv in rules.levels],
        "measures": [
            {"code": m.code, "zh": m.zh, "en": m.en,
             "levels": [lv.code for lv in rules.levels if lv.code in m.levels],
             "frequency": m.frequency, "quality": m.quality, "source": m.source}
            for m in rules.measures
        ],
    }  # fmt: skip
    header = "# Public health rules, exported by County Express (see docs/health.md).\n"
    path.write_text(header + tomli_w.dumps(data), encoding="utf-8")
    return path
