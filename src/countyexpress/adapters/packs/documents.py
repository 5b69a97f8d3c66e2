"""A pack's rule files stored with the county at load (`pack_documents`): which files, how
each is checked, and reading them from a pack folder, all or nothing.

A file is stored as its TOML (or, for `outlines.geojson`, its JSON) parsed (`content`, read
back through the same reader that checked it) and its text (`source`, what `county export`
writes back)."""

from __future__ import annotations

import json
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any

from countyexpress.adapters.outlines import pack_outlines
from countyexpress.adapters.packs.emergency import FILE as EMERGENCY_FILE
from countyexpress.adapters.packs.emergency import parse_emergency
from countyexpress.adapters.packs.packaging import FILE as PACKAGING_FILE
from countyexpress.adapters.packs.packaging import parse_packaging
from countyexpress.adapters.packs.policy import POLICY_FILE, parse_policy
from countyexpress.adapters.packs.public_health import HEALTH_FILE, parse_health
from countyexpress.adapters.packs.simulation import FILE as SIMULATION_FILE
from countyexpress.adapters.packs.simulation import parse_simulation
from countyexpress.adapters.packs.vehicles import RULES_FILE as VEHICLE_RULES_FILE
from countyexpress.adapters.packs.vehicles import parse_vehicle_rules
from countyexpress.domain.county import County
from countyexpress.domain.geography import DivisionLevel
from countyexpress.domain.pack_document import PackDocument
from countyexpress.errors import InvalidValue, PackInvalid, PackProblem

__all__ = ["DOCUMENTS", "PackDocument", "pack_documents", "write_documents"]


# name -> (file in the pack folder, the check its parsed content must pass for the county)
DOCUMENTS: dict[str, tuple[str, Callable[[dict[str, Any], County | None], object]]] = {
    "health": (HEALTH_FILE, lambda data, _: parse_health(data, HEALTH_FILE)),
    "packaging": (
        PACKAGING_FILE,
        lambda data, c: parse_packaging(
            data, PACKAGING_FILE, c.plan.standards.tape_width_max_mm if c else 45
        ),
    ),
    "emergency": (EMERGENCY_FILE, lambda data, _: parse_emergency(data)),
    "policy": (POLICY_FILE, lambda data, _: parse_policy(data)),
    "vehicle_rules": (VEHICLE_RULES_FILE, lambda data, _: parse_vehicle_rules(data, "")),
    "simulation": (SIMULATION_FILE, parse_simulation),
    "outlines": ("outlines.geojson", lambda data, c: pack_outlines(data, _outlined(c))),
}


def _outlined(county: County | None) -> set[str] | None:
    """The codes a pack's outline may name: the county's and its townships'."""
    if county is None:
        return None
    return {county.code} | {d.code for d in county.divisions_at(DivisionLevel.TOWNSHIP)}


def pack_documents(folder: Path, county: County | None = None) -> list[PackDocument]:
    """Every rule file of DOCUMENTS the pack folder has, each checked by its reader (for
    `county`, the pack's, when given); PackInvalid lists every problem of every file (file
    and field), nothing is kept."""
    if not folder.is_dir():
        return []
    found: list[PackDocument] = []
    problems: list[PackProblem] = []
    for name, (file, check) in DOCUMENTS.items():
        path = folder / file
        if not path.is_file():
            continue
        try:
            text = path.read_text(encoding="utf-8")
            data = json.loads(text) if file.endswith(".geojson") else tomllib.loads(text)
            json.dumps(data)  # stored as JSON: TOML dates and times have no place here
            check(data, county)
        except TypeError as exc:
            problems.append(PackProblem(file, None, None, f"a value JSON cannot hold: {exc}"))
            continue
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            problems.append(PackProblem(file, None, None, str(exc)))
            continue
        except json.JSONDecodeError as exc:
            problems.append(PackProblem(file, exc.lineno, None, exc.msg))
            continue
        except InvalidValue as exc:  # a GeoJSON outline that breaks a rule
            problems.append(PackProblem(file, None, exc.field, exc.reason))
            continue
        except PackInvalid as exc:
            problems += exc.problems
            continue
        found.append(PackDocument(name, data, text))
    if problems:
        raise PackInvalid(problems)
    return found


def write_documents(documents: list[PackDocument], folder: Path) -> list[Path]:
    """Write each stored file back into a pack folder as it was loaded (its text)."""
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for d in documents:
        path = folder / DOCUMENTS[d.name][0]
        path.write_text(d.source, encoding="utf-8")
        out.append(path)
    return out
