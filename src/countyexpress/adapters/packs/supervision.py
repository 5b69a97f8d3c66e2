"""A pack's `supervision.toml`: the regulator's clocks, credit, blacklist and inspection ratios.

The same plain form serves the pack file (TOML), the county's row in the database (JSON)
and the export (`to_data` / `rules_from_data`), so a county's rules round-trip. Problems
are reported like the pack reader's: file and field path. A pack without the file gets
the built-in defaults (the national time limits and the Heshuo scoring, no holidays),
marked as such in `notes`.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from countyexpress.adapters.packs.reader import BUILTIN_PACKS, builtin_pack_path
from countyexpress.adapters.packs.toml_file import checked, read_toml, write_toml
from countyexpress.domain.supervision.calendar import WorkingCalendar
from countyexpress.domain.supervision.clocks import ClockRule, Unit
from countyexpress.domain.supervision.credit import (
    BlacklistRule,
    CreditEventType,
    CreditRules,
    Level,
)
from countyexpress.domain.supervision.draws import InspectionRatios
from countyexpress.domain.supervision.quality import QualityRules
from countyexpress.domain.supervision.records import SubjectKind
from countyexpress.domain.supervision.rules import SupervisionRules, required_clocks
from countyexpress.errors import InvalidValue, PackInvalid, PackProblem

FILE = "supervision.toml"
DEFAULTS = Path(__file__).resolve().parents[2] / "packs" / "heshuo" / FILE

__all__ = [
    "FILE",
    "builtin_rules",
    "default_rules",
    "pack_rules",
    "read_supervision",
    "rules_from_data",
    "rules_from_stored",
    "to_data",
    "write_supervision",
]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class _Calendar(_Model):
    confidence: str = ""
    source: str = ""
    holidays: list[dt.date] = []
    workdays: list[dt.date] = []
    weekend: list[int] = [5, 6]


class _Clock(_Model):
    name: str = Field(min_length=1, max_length=60)
    length: int
    unit: Unit = Unit.CALENDAR_DAYS
    confidence: str = ""
    source: str = ""


class _Level(_Model):
    name: str = Field(min_length=1, max_length=10)
    min_score: int


class _Event(_Model):
    code: str = Field(min_length=1, max_length=60, pattern=r"^[a-z][a-z0-9_]*$")
    label: str = ""
    label_en: str = ""
    points: int
    valid_months: int
    source: str = ""


class _Blacklist(_Model):
    event: str
    count: int
    within_months: int
    repair_months: int
    subjects: list[SubjectKind] = []


class _Credit(_Model):
    base: int = 100
    confidence: str = ""
    source: str = ""
    levels: list[_Level]
    events: list[_Event]
    blacklist: list[_Blacklist] = []


class _Inspection(_Model):
    confidence: str = ""
    source: str = ""
    ratios: dict[str, float]


class _Quality(_Model):
    confidence: str = ""
    source: str = ""
    time_limits_hours: dict[str, int]


class _File(_Model):
    calendar: _Calendar = _Calendar()
    quality: _Quality | None = None
    clocks: list[_Clock]
    credit: _Credit
    inspection: _Inspection


def _rules(f: _File) -> SupervisionRules:
    names = [c.name for c in f.clocks]
    twice = sorted({n for n in names if names.count(n) > 1})
    if twice:
        raise InvalidValue("clocks", f"clock {twice[0]!r} is given twice")
    codes = [e.code for e in f.credit.events]
    if len(set(codes)) != len(codes):
        raise InvalidValue("credit.events", "an event code is given twice")
    credit = CreditRules(
        levels=tuple(Level(lv.name, lv.min_score) for lv in f.credit.levels),
        events={
            e.code: CreditEventType(e.code, e.points, e.valid_months, e.label, e.source, e.label_en)
            for e in f.credit.events
        },
        blacklist=tuple(
            BlacklistRule(b.event, b.count, b.within_months, b.repair_months, frozenset(b.subjects))
            for b in f.credit.blacklist
        ),
        base=f.credit.base,
    )
    notes = {
        part: f"{section.confidence}: {section.source}".strip(": ")
        for part, section in (
            ("calendar", f.calendar),
            ("credit", f.credit),
            ("inspection", f.inspection),
            *((("quality", f.quality),) if f.quality else ()),
        )
    }
    notes |= {f"clocks.{c.name}": f"{c.confidence}: {c.source}".strip(": ") for c in f.clocks}
    return SupervisionRules(
        clocks={c.name: ClockRule(c.name, c.length, c.unit, c.source) for c in f.clocks},
        credit=credit,
        ratios=InspectionRatios(tuple(lv.name for lv in f.credit.levels), f.inspection.ratios),
        calendar=WorkingCalendar.of(f.calendar.holidays, f.calendar.workdays, f.calendar.weekend),
        notes=notes,
        quality=QualityRules(dict(f.quality.time_limits_hours)) if f.quality else None,
    )


def rules_from_data(data: Mapping[str, Any], name: str = FILE) -> SupervisionRules:
    """Rules from the plain form; PackInvalid lists every problem with its field path."""
    f = checked(_File, data, name)
    try:
        return _rules(f)
    except InvalidValue as exc:
        raise PackInvalid([PackProblem(name, None, exc.field, exc.reason)]) from exc


def rules_from_stored(
    data: Mapping[str, Any], fallback: Callable[[], SupervisionRules]
) -> SupervisionRules:
    """Rules a county saved earlier: a clock that a newer release needs and the saved rules
    lack (say `emergency.report`, added after they were stored) takes `fallback`'s rule — the
    county's pack's, else the defaults — so an old install still loads its rules."""
    given = {str(c.get("name")) for c in data.get("clocks", []) if isinstance(c, Mapping)}
    missing = required_clocks() - given
    if missing:
        extra = [c for c in to_data(fallback())["clocks"] if c["name"] in missing]
        data = {**data, "clocks": [*data.get("clocks", []), *extra]}
    return rules_from_data(data)


def read_supervision(path: Path) -> SupervisionRules:
    """Read a `supervision.toml` (or the file in a pack folder)."""
    file = path / FILE if path.is_dir() else path
    data = read_toml(file)
    return rules_from_data(data, file.name)


def default_rules() -> SupervisionRules:
    """The rules of a pack without `supervision.toml`: national time limits and the default
    scoring, with no public holidays (every weekday worked) — say so where they are shown."""
    r = read_supervision(DEFAULTS)
    notes = {**r.notes, "calendar": "estimate: no holiday list in the pack (weekdays only)"}
    return SupervisionRules(
        r.clocks, r.credit, r.ratios, WorkingCalendar(), quality=r.quality, notes=notes
    )


def pack_rules(folder: Path) -> tuple[SupervisionRules, str]:
    """A pack folder's rules and where they came from: its `supervision.toml`, or the
    defaults when it has none."""
    file = folder / FILE
    if file.is_file():
        return read_supervision(file), f"{folder.name}/{FILE}"
    return default_rules(), "defaults"


def write_supervision(rules: SupervisionRules, folder: Path) -> Path:
    """Write `rules` as the pack's `supervision.toml` (read back equal by `read_supervision`)."""
    header = "Supervision rules, exported by County Express (see docs/supervision.md)."
    return write_toml(folder, FILE, header, to_data(rules))


def builtin_rules(county_code: str) -> SupervisionRules | None:
    """The rules of the built-in pack of this county, if there is one (a county loaded
    before its pack had rules, or by the first start, still gets its own holidays)."""
    for name in BUILTIN_PACKS:
        folder = builtin_pack_path(name)
        if folder is None or not (folder / FILE).is_file():
            continue
        data = tomllib.loads((folder / "county.toml").read_text(encoding="utf-8"))
        if str(data.get("county", {}).get("code", "")) == county_code:
            return read_supervision(folder / FILE)
    return None


def _split(note: str) -> tuple[str, str]:
    confidence, sep, source = note.partition(": ")
    if sep:
        return confidence, source
    known = {"confirmed", "unconfirmed", "estimate"}
    return (note, "") if note in known else ("", note)


def to_data(rules: SupervisionRules) -> dict[str, Any]:
    """The plain form of `rules` (TOML- and JSON-ready), read back by `rules_from_data`."""
    cal_conf, cal_src = _split(rules.notes.get("calendar", ""))
    credit_conf, credit_src = _split(rules.notes.get("credit", ""))
    insp_conf, insp_src = _split(rules.notes.get("inspection", ""))
    cal = rules.calendar
    data: dict[str, Any] = {
        "calendar": {
            "confidence": cal_conf,
            "source": cal_src,
            "holidays": [d.isoformat() for d in sorted(cal.holidays)],
            "workdays": [d.isoformat() for d in sorted(cal.workdays)],
            "weekend": sorted(cal.weekend),
        },
        "clocks": [
            {
                "name": c.name,
                "length": c.length,
                "unit": c.unit.value,
                "confidence": _split(rules.notes.get(f"clocks.{c.name}", ""))[0],
                "source": c.source,
            }
            for c in rules.clocks.values()
        ],
        "credit": {
            "base": rules.credit.base,
            "confidence": credit_conf,
            "source": credit_src,
            "levels": [{"name": lv.name, "min_score": lv.min_score} for lv in rules.credit.levels],
            "events": [
                {
                    "code": e.code,
                    "label": e.label,
                    **({"label_en": e.label_en} if e.label_en else {}),
                    "points": e.points,
                    "valid_months": e.valid_months,
                    "source": e.source,
                }
                for e in rules.credit.events.values()
            ],
            "blacklist": [
                {
                    "event": b.event,
                    "count": b.count,
                    "within_months": b.within_months,
                    "repair_months": b.repair_months,
                    "subjects": sorted(k.value for k in b.subjects),
                }
                for b in rules.credit.blacklist
            ],
        },
        "inspection": {
            "confidence": insp_conf,
            "source": insp_src,
            "ratios": dict(rules.ratios.ratios),
        },
    }
    if rules.quality is not None:
        q_conf, q_src = _split(rules.notes.get("quality", ""))
        data["quality"] = {
            "confidence": q_conf,
            "source": q_src,
            "time_limits_hours": dict(rules.quality.hours),
        }
    return data
