"""A pack's `health.toml`: the risk levels and the measures each requires (tasks 15-16).

Problems are located like the pack reader's: file and field path. A county whose built-in
pack has no such file gets the heshuo pack's (an estimate: say so where it is shown).
"""

from __future__ import annotations

import tomllib
from dataclasses import replace
from pathlib import Path
from typing import Any

import tomli_w

from countyexpress.adapters.packs.defaults import fallback_file
from countyexpress.domain.public_health import HealthRules, Measure, RiskLevel
from countyexpress.errors import InvalidValue, PackInvalid, PackProblem

__all__ = ["HEALTH_FILE", "health_rules_for", "parse_health", "read_health", "write_health"]

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
    return parse_health(data, f"{file.parent.name}/{HEALTH_FILE}", file.name)


def parse_health(data: dict[str, Any], origin: str, name: str = HEALTH_FILE) -> HealthRules:
    """The rules of a parsed `health.toml` (`origin`: where it came from, shown with its
    source); PackInvalid names file `name` and the field of every problem."""
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
            problems.append(PackProblem(name, None, f"{where}.{exc.field}", exc.reason))
    for n, item in enumerate(data.get("measures", [])):
        where = f"measures[{n}]"
        named = item.get("levels", [])
        if not isinstance(named, list) or not all(isinstance(x, str) for x in named):
            problems.append(PackProblem(name, None, f"{where}.levels", "must list level codes"))
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
            problems.append(PackProblem(name, None, f"{where}.{exc.field}", exc.reason))
    if problems:
        raise PackInvalid(problems)
    try:
        return HealthRules(
            tuple(levels),
            tuple(measures),
            str(data.get("quality", "")),
            f"{origin}: {data.get('source', '')}".rstrip(": "),
        )
    except InvalidValue as exc:
        raise PackInvalid([PackProblem(name, None, exc.field, exc.reason)]) from exc


def health_rules_for(county_code: str, stored: dict[str, Any] | None = None) -> HealthRules:
    """The county's rules: the `health.toml` stored with it at load (`stored`, as parsed),
    else its built-in pack's, else the Heshuo pack's marked as its defaults."""
    if stored is not None:
        return parse_health(stored, f"{county_code} {HEALTH_FILE}")
    file, origin = fallback_file(county_code, HEALTH_FILE)
    rules = read_health(file)
    return replace(rules, source=origin + rules.source.removeprefix(f"heshuo/{HEALTH_FILE}"))


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
