"""Write a synthetic county's pack folder from a template pack (issue 17, `region synth`).

The template's files are copied with the county's code, names, places and populations
changed and some outlets, lockers and stations left out (planning.region_synth says by how
much); the result is read and loaded like any other pack, so it is checked the same way.
Every synthetic pack says so three times: the county's name (模拟县 NN (synthetic)), its
English name (modelled on which real county, not a real county), and a `[[sources]]` entry
whose licence is `synthetic` — the flag that stays with the county in storage.
"""

from __future__ import annotations

import csv
import io
import random
import re
import shutil
import tomllib
from pathlib import Path
from typing import Any

from countyexpress.domain.geography import Coordinates
from countyexpress.planning.region_synth import SYNTHETIC_LICENCE, SyntheticCounty

__all__ = ["SOURCE_NAME", "is_synthetic_source", "write_synthetic_pack"]

SOURCE_NAME = "County Express `region synth` (模拟 synthetic county)"
_DROPPABLE = {"outlet", "locker", "station"}
_FIXED = {"sorting_center"}  # the prefecture's, where it is: not moved with the county


def is_synthetic_source(name: str, licence: str) -> bool:
    """Whether a county's source entry is the one `region synth` writes."""
    return licence == SYNTHETIC_LICENCE and name == SOURCE_NAME


def write_synthetic_pack(template: Path, spec: SyntheticCounty, dest: Path) -> Path:
    """The template pack as synthetic county `spec`, written to `dest` (a new folder)."""
    head = tomllib.loads((template / "county.toml").read_text(encoding="utf-8"))["county"]
    code, name = str(head["code"]), str(head["name"])
    seat = Coordinates(float(head["seat"]["lat"]), float(head["seat"]["lon"]))
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    texts = {p.name: p.read_text(encoding="utf-8") for p in template.iterdir() if p.is_file()}
    referenced = "\n".join(t for n, t in texts.items() if n.endswith(".toml"))
    short = f"模拟县{spec.number:02d}"
    for file, text in texts.items():  # the template's code and names first, then the rest
        text = text.replace(code, spec.code)
        text = text.replace(name, short).replace(name.removesuffix("县"), short)
        text = re.sub(r"\b(Heshuo|Hoxud)\b", f"Synthetic county {spec.number:02d}", text)
        if file == "divisions.csv":
            text = _divisions(text, code, spec, seat)
        elif file == "facilities.csv":
            text = _facilities(text, code, spec, seat, referenced)
        elif file == "county.toml":
            text = _manifest(text, spec, head)
        elif file == "README.md":
            text = _readme(spec)
        (dest / file).write_text(text, encoding="utf-8")
    return dest


def _rows(text: str) -> tuple[list[str], list[dict[str, str]]]:
    reader = csv.DictReader(io.StringIO(text))
    return list(reader.fieldnames or []), list(reader)


def _csv(fields: list[str], rows: list[dict[str, str]]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fields, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def _moved(row: dict[str, str], spec: SyntheticCounty, seat: Coordinates) -> None:
    if row.get("lat") and row.get("lon"):
        where = spec.place(Coordinates(float(row["lat"]), float(row["lon"])), seat)
        row["lat"], row["lon"] = f"{where.lat:.5f}", f"{where.lon:.5f}"


def _divisions(text: str, code: str, spec: SyntheticCounty, seat: Coordinates) -> str:
    fields, rows = _rows(text)
    for row in rows:
        _moved(row, spec, seat)
        if row.get("population"):  # rounded down: villages never outnumber their township
            row["population"] = str(int(int(row["population"]) * spec.population))
        if "note" in row:
            row["note"] = f"模拟 synthetic: generated from the {code} pack's row"
    return _csv(fields, rows)


def _facilities(
    text: str, code: str, spec: SyntheticCounty, seat: Coordinates, referenced: str
) -> str:
    fields, rows = _rows(text)
    rng = random.Random(f"facilities|{spec.seed}")
    kept: list[dict[str, str]] = []
    for kind in dict.fromkeys(r["kind"] for r in rows):
        of_kind = [r for r in rows if r["kind"] == kind]
        fixed = [r for r in of_kind if kind not in _DROPPABLE or r["code"] in referenced]
        rest = [r for r in of_kind if r not in fixed]
        chosen = rng.sample(rest, max(1, round(len(rest) * spec.keep))) if rest else []
        kept += fixed + chosen
    order = {r["code"]: i for i, r in enumerate(rows)}
    kept.sort(key=lambda r: order[r["code"]])
    for row in kept:
        if row["kind"] not in _FIXED:
            _moved(row, spec, seat)
        if "note" in row:
            row["note"] = f"模拟 synthetic: generated from the {code} pack's facility"
    return _csv(fields, kept)


def _manifest(text: str, spec: SyntheticCounty, head: dict[str, Any]) -> str:
    """county.toml with the [county] table's name, population and seat replaced and the
    synthetic source entry first among the sources."""
    start = text.index("[county]")
    end = text.find("\n[", start + 1)
    end = len(text) if end < 0 else end
    section = text[start:end]
    population = int(int(head.get("population") or 0) * spec.population)
    values = {
        "name": _q(spec.name),
        "name_en": _q(spec.name_en),
        "population": str(population),
        "population_source": _q(f"模拟 synthetic: {spec.population:g} × the template's"),
        "seat": f"{{ lat = {spec.seat.lat}, lon = {spec.seat.lon} }}",
    }
    for key, value in values.items():
        section = re.sub(rf"(?m)^{key}\s*=.*$", f"{key} = {value}", section, count=1)
    source = (
        f'[[sources]]\nname = {_q(SOURCE_NAME)}\nlicence = {_q(SYNTHETIC_LICENCE)}\nurl = ""\n'
        f"covers = {_q(_covers(spec, head))}\n\n"
    )
    rest = text[end:]
    at = rest.find("[[sources]]")
    rest = rest[:at] + source + rest[at:] if at >= 0 else rest + "\n" + source
    return text[:start] + section + rest


def _covers(spec: SyntheticCounty, head: dict[str, Any]) -> str:
    return (
        f"synthetic = true: everything in this pack is generated (region synth county "
        f"{spec.number}, seed {spec.seed}) from the {head['code']} pack as a template, moved "
        f"to the seat of {spec.model.name} {spec.model.code} (spread ×{spec.spread:g}, "
        f"population ×{spec.population:g}, facilities kept {spec.keep:.0%})"
    )


def _readme(spec: SyntheticCounty) -> str:
    return (
        f"# {spec.name}\n\n模拟数据 — a synthetic county written by `countyexpress region synth`"
        f"; not a real county. {spec.name_en}.\n"
    )


def _q(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
