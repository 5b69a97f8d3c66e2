"""Read a county pack folder into a County, all problems located by file, line and field."""

from __future__ import annotations

import tomllib
from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from countyexpress.adapters.packs.manifest import Manifest
from countyexpress.adapters.packs.rows import Row, read_table
from countyexpress.adapters.rules_codec import rules_from_dict
from countyexpress.domain.coords import CoordinateSystem, to_wgs84
from countyexpress.domain.county import County, Source, check_facilities
from countyexpress.domain.facilities import (
    Carrier,
    ColdStore,
    Facility,
    FacilityKind,
    FacilityStatus,
    FiveHaves,
    LockerCompartments,
    OutletFiling,
)
from countyexpress.domain.geography import (
    Coordinates,
    DataQuality,
    Division,
    DivisionLevel,
    RowProblem,
    check_divisions,
)
from countyexpress.domain.plan import CountyPlan, PlanTask, Standards, Target, Unit
from countyexpress.errors import InvalidValue, PackInvalid, PackProblem

DIVISION_COLUMNS = ("code", "name", "level", "parent_code", "population", "lat", "lon")
FACILITY_COLUMNS = ("code", "name", "kind")
CARRIER_COLUMNS = ("code", "name")
BUILTIN_PACKS = ("heshuo",)


def builtin_pack_path(name: str) -> Path | None:
    """The folder of a pack shipped in the package, or None."""
    if name not in BUILTIN_PACKS:
        return None
    return Path(str(resources.files("countyexpress.packs").joinpath(name)))


def read_pack(path: Path) -> County:
    """Read and check a whole pack; raise PackInvalid listing every problem found."""
    if not path.is_dir():
        raise PackInvalid([PackProblem(str(path), None, None, "not a folder")])
    problems: list[PackProblem] = []
    county = _read_manifest(path / "county.toml", problems)
    system = CoordinateSystem.WGS84
    if county is not None:
        system = _coordinate_system(path, problems)
    divisions, refused = _read_divisions(path, county, system, problems)
    carriers = _read_carriers(path / "carriers.csv", problems)
    facilities = _read_facilities(path / "facilities.csv", system, problems)
    if county is not None:
        carrier_codes = {c.code for c in carriers} if carriers else None
        codes = {d.code for _, d in divisions} | refused  # refused rows: reported already
        for p in check_facilities([f for _, f in facilities], codes, carrier_codes):
            problems.append(_located("facilities.csv", facilities, p))
    if problems or county is None:
        raise PackInvalid(problems)
    county.divisions = [d for _, d in divisions]
    county.facilities = [f for _, f in facilities]
    county.carriers = carriers
    return county


def _coordinate_system(path: Path, problems: list[PackProblem]) -> CoordinateSystem:
    data = tomllib.loads((path / "county.toml").read_text(encoding="utf-8"))
    raw = str(data.get("county", {}).get("coordinate_system", "WGS84"))
    try:
        return CoordinateSystem.parse(raw)
    except ValueError as exc:
        problems.append(PackProblem("county.toml", None, "county.coordinate_system", str(exc)))
        return CoordinateSystem.WGS84


def _read_manifest(path: Path, problems: list[PackProblem]) -> County | None:
    if not path.is_file():
        problems.append(PackProblem(path.name, None, None, "missing: every pack needs county.toml"))
        return None
    try:
        data: dict[str, Any] = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        problems.append(PackProblem(path.name, getattr(exc, "lineno", None), None, str(exc)))
        return None
    try:
        m = Manifest.model_validate(data)
    except ValidationError as exc:
        for err in exc.errors():
            field = ".".join(str(part) for part in err["loc"])
            problems.append(PackProblem(path.name, None, field, err["msg"]))
        return None
    try:
        known = {f for f in Standards.__dataclass_fields__ if f != "extra"}
        std: dict[str, Any] = {k: v for k, v in m.plan.standards.items() if k in known}
        if "five_haves" in std:
            std["five_haves"] = tuple(std["five_haves"])
        extra = {k: v for k, v in m.plan.standards.items() if k not in known}
        plan = CountyPlan(
            title=m.plan.title,
            title_en=m.plan.title_en,
            issued_on=m.plan.issued_on,
            issuer=m.plan.issuer,
            units=tuple(Unit(u.code, u.name, u.name_en) for u in m.plan.units),
            tasks=tuple(
                PlanTask(
                    t.number, t.title, t.title_en, t.section, tuple(t.lead), tuple(t.cooperating)
                )
                for t in m.plan.tasks
            ),
            targets=tuple(
                Target(t.indicator, t.value, t.year, t.task, t.unit, t.note, t.note_en)
                for t in m.plan.targets
            ),
            standards=Standards(**std, extra=extra),
        )
        c = m.county
        seat = Coordinates(c.seat.lat, c.seat.lon) if c.seat else None
        return County(
            code=c.code,
            name=c.name,
            name_en=c.name_en,
            province=c.province,
            prefecture=c.prefecture,
            population=c.population,
            population_source=c.population_source,
            population_source_en=c.population_source_en,
            seat=seat,
            sources=tuple(Source(s.name, s.licence, s.url, s.covers, s.name_en) for s in m.sources),
            plan=plan,
            operations=rules_from_dict(m.operations),
        )
    except (InvalidValue, TypeError, ValueError) as exc:
        where = exc.field if isinstance(exc, InvalidValue) else None
        reason = exc.reason if isinstance(exc, InvalidValue) else str(exc)
        problems.append(PackProblem(path.name, None, where, reason))
        return None


def _location(row: Row, system: CoordinateSystem) -> Coordinates | None:
    lat, lon = row.number("lat"), row.number("lon")
    if lat is None and lon is None:
        return None
    if lat is None or lon is None:
        row.problem("lat" if lat is None else "lon", "give both lat and lon, or neither")
        return None
    try:
        Coordinates(lat, lon)  # range check on the values as written
    except InvalidValue as exc:
        row.problem(exc.field, exc.reason)
        return None
    wlat, wlon = to_wgs84(lat, lon, system)
    return Coordinates(round(wlat, 7), round(wlon, 7))


def _divisions_file(path: Path) -> Path | None:
    for name in ("divisions.csv", "divisions.xlsx"):
        if (path / name).is_file():
            return path / name
    return None


def _read_divisions(
    path: Path, county: County | None, system: CoordinateSystem, problems: list[PackProblem]
) -> tuple[list[tuple[int, Division]], set[str]]:
    """The divisions read, with their lines, and the codes of rows refused."""
    file = _divisions_file(path)
    if file is None:
        problems.append(
            PackProblem("divisions.csv", None, None, "missing: give divisions.csv or .xlsx")
        )
        return [], set()
    out: list[tuple[int, Division]] = []
    refused: set[str] = set()  # codes of rows already reported, not to be reported as parents
    for row in read_table(file, DIVISION_COLUMNS, problems):
        quality = row.choice("quality", DataQuality, DataQuality.VERIFIED)
        coord_quality = row.choice("coord_quality", DataQuality, quality or DataQuality.VERIFIED)
        fields = dict(
            code=row.text("code", required=True),
            name=row.text("name", required=True),
            level=row.choice("level", DivisionLevel),
            parent_code=row.text("parent_code"),
            population=row.integer("population"),
            location=_location(row, system),
            quality=quality,
            coord_quality=coord_quality,
            note=row.text("note"),
        )
        division = _build(row, Division, fields)
        problems.extend(row.problems)
        if division is not None:
            out.append((row.line, division))
        else:
            refused.add(row.text("code"))
    if county is not None and out:
        for p in check_divisions(county.code, [d for _, d in out]):
            if p.field == "parent_code" and out[p.index][1].parent_code in refused:
                continue
            problems.append(_located(file.name, out, p))
    return out, refused


def _located(file: str, rows: list[tuple[int, Any]], p: RowProblem) -> PackProblem:
    reason = p.reason
    if p.first_index is not None:
        reason += f" (first on line {rows[p.first_index][0]})"
    return PackProblem(file, rows[p.index][0], p.field, reason)


def _build(row: Row, cls: type[Any], fields: dict[str, Any]) -> Any:
    """Construct a domain object from parsed cells, unless a cell was already refused."""
    if row.problems:
        return None
    try:
        return cls(**fields)
    except InvalidValue as exc:
        row.problem(exc.field, exc.reason)
        return None


def _read_carriers(path: Path, problems: list[PackProblem]) -> list[Carrier]:
    if not path.is_file():
        return []
    out: list[Carrier] = []
    seen: dict[str, int] = {}
    for row in read_table(path, CARRIER_COLUMNS, problems):
        code = row.text("code", required=True).lower()
        carrier = _build(
            row,
            Carrier,
            dict(
                code=code,
                name=row.text("name", required=True),
                name_en=row.text("name_en"),
                note=row.text("note"),
                note_en=row.text("note_en"),
            ),
        )
        if code in seen:
            row.problem("code", f"duplicate code {code} (first on line {seen[code]})")
        seen.setdefault(code, row.line)
        problems.extend(row.problems)
        if carrier is not None and not row.problems:
            out.append(carrier)
    return out


def _facility_part(row: Row, kind: FacilityKind | None) -> dict[str, Any]:
    if kind is FacilityKind.OUTLET:
        return {
            "filing": OutletFiling(
                filing_no=row.text("filing_no"),
                opened_on=row.date("opened_on"),
                filed_on=row.date("filed_on"),
                has_storage=row.boolean("has_storage"),
                has_communications=row.boolean("has_communications"),
                has_shelves=row.boolean("has_shelves"),
                has_cctv=row.boolean("has_cctv"),
                has_carrier_sign=row.boolean("has_carrier_sign"),
            )
        }
    if kind is FacilityKind.STATION:
        return {
            "five_haves": FiveHaves(
                staff=row.boolean("has_staff"),
                premises=row.boolean("has_premises"),
                shelves=row.boolean("has_shelves"),
                device=row.boolean("has_device"),
                sign=row.boolean("has_sign"),
            )
        }
    if kind is FacilityKind.LOCKER:
        return {
            "compartments": LockerCompartments(
                small=row.integer("compartments_s") or 0,
                medium=row.integer("compartments_m") or 0,
                large=row.integer("compartments_l") or 0,
            )
        }
    if kind in (FacilityKind.COLD_STORAGE, FacilityKind.PRECOOLING):
        return {"cold": ColdStore(row.number("capacity_t"), row.number("min_temp_c"))}
    return {}


def _read_facilities(
    path: Path, system: CoordinateSystem, problems: list[PackProblem]
) -> list[tuple[int, Facility]]:
    if not path.is_file():
        return []
    out: list[tuple[int, Facility]] = []
    for row in read_table(path, FACILITY_COLUMNS, problems):
        kind = row.choice("kind", FacilityKind)
        try:
            part = _facility_part(row, kind)
        except InvalidValue as exc:
            row.problem(exc.field, exc.reason)
            part = {}
        fields = dict(
            code=row.text("code", required=True),
            name=row.text("name", required=True),
            kind=kind,
            location=_location(row, system),
            division_code=row.text("division_code"),
            operator=row.text("operator"),
            status=row.choice("status", FacilityStatus, FacilityStatus.OPEN),
            quality=row.choice("quality", DataQuality, DataQuality.VERIFIED),
            carriers=tuple(row.text("carriers").lower().split()),
            note=row.text("note"),
            **part,
        )
        facility = _build(row, Facility, fields)
        problems.extend(row.problems)
        if facility is not None:
            out.append((row.line, facility))
    return out
