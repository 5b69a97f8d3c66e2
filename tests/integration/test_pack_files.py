"""Reading county packs from files: every problem located, coordinates converted."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from openpyxl import Workbook

from countyexpress.adapters.packs import builtin_pack_path, read_pack, write_geojson, write_pack
from countyexpress.adapters.packs.writer import geojson
from countyexpress.domain.coords import gcj02_to_wgs84
from countyexpress.domain.facilities import FacilityKind
from countyexpress.domain.geography import DataQuality, DivisionLevel
from countyexpress.errors import PackInvalid
from packs import copy_pack, edit_line


def test_the_heshuo_pack_has_7_townships_25_villages_and_7_communities() -> None:
    """The default pack matches the plan's 25 administrative villages."""
    path = builtin_pack_path("heshuo")
    assert path is not None
    county = read_pack(path)
    s = county.summary()
    assert (county.code, s.townships, s.villages, s.communities) == ("652828", 7, 25, 7)
    assert s.population == 59299


def test_the_heshuo_pack_marks_what_is_not_verified() -> None:
    """Unknown village names are placeholders, facilities are demo, the CC-BY source is credited."""
    path = builtin_pack_path("heshuo")
    assert path is not None
    county = read_pack(path)
    villages = county.divisions_at(DivisionLevel.VILLAGE)
    placeholders = [v for v in villages if v.quality is DataQuality.PLACEHOLDER]
    assert placeholders and all("未知" in v.name for v in placeholders)
    assert county.has_placeholders()
    assert {f.quality for f in county.facilities_of(FacilityKind.STATION)} == {DataQuality.DEMO}
    assert any("CC-BY-4.0" in s.licence for s in county.sources)
    targets = {(t.indicator, t.year): t.value for t in county.plan.targets}
    assert targets[("urban_outlets", 2022)] == 15
    assert targets[("village_coverage_rate", 2021)] == pytest.approx(0.95)
    assert len(county.plan.tasks) == 20


def test_a_bad_latitude_and_a_duplicate_code_are_both_named_by_file_and_line(
    tmp_path: Path,
) -> None:
    """All problems are reported at once, each with file, line and field."""
    pack = copy_pack("heshuo", tmp_path)
    divisions = pack / "divisions.csv"
    edit_line(divisions, 4, "lat", "95.0")
    lines = divisions.read_text(encoding="utf-8").splitlines()
    second_code = lines[2].split(",")[0]
    edit_line(divisions, 9, "code", second_code)
    with pytest.raises(PackInvalid) as info:
        read_pack(pack)
    messages = [str(p) for p in info.value.problems]
    assert "divisions.csv line 4: lat: lat 95.0 is outside -90..90" in messages
    dup = [m for m in messages if "duplicate code" in m]
    assert dup == [f"divisions.csv line 9: code: duplicate code {second_code} (first on line 3)"]


@pytest.mark.parametrize(
    ("column", "value", "expected"),
    [
        ("population", "-5", "population -5 is negative"),
        ("population", "12.5", "population 12.5 is not a whole number"),
        ("level", "city", "level 'city' is not one of: township, village, community"),
        ("parent_code", "652828999000", "unknown parent township '652828999000'"),
        ("code", "65282810020", "must be 12 digits"),
        ("lon", "", "give both lat and lon, or neither"),
    ],
)
def test_each_bad_cell_is_refused_with_its_reason(
    tmp_path: Path, column: str, value: str, expected: str
) -> None:
    """A village row with one bad cell is refused on line 10, naming the field."""
    pack = copy_pack("heshuo", tmp_path)
    edit_line(pack / "divisions.csv", 10, column, value)
    with pytest.raises(PackInvalid) as info:
        read_pack(pack)
    [problem] = [p for p in info.value.problems if p.file == "divisions.csv"]
    assert problem.line == 10
    assert expected in problem.reason


def test_villages_that_outnumber_their_township_are_refused(tmp_path: Path) -> None:
    """An impossible population is caught on the township's line."""
    pack = copy_pack("heshuo", tmp_path)
    edit_line(pack / "divisions.csv", 10, "population", "999999")
    with pytest.raises(PackInvalid) as info:
        read_pack(pack)
    [problem] = info.value.problems
    assert problem.field == "population" and "more than the township" in problem.reason


def test_a_missing_column_and_a_missing_manifest_are_reported(tmp_path: Path) -> None:
    """Structure problems name the file; the header is line 1."""
    pack = copy_pack("heshuo", tmp_path)
    (pack / "county.toml").unlink()
    rows = list(csv.reader((pack / "divisions.csv").open(encoding="utf-8")))
    with (pack / "divisions.csv").open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows([r[:5] for r in rows])
    with pytest.raises(PackInvalid) as info:
        read_pack(pack)
    messages = [str(p) for p in info.value.problems]
    assert "county.toml: missing: every pack needs county.toml" in messages
    assert "divisions.csv line 1: missing column(s): lat, lon" in messages


def test_manifest_errors_carry_their_field_path(tmp_path: Path) -> None:
    """A bad county code and a target without a year are both located in county.toml."""
    pack = copy_pack("testcounty", tmp_path)
    toml = pack / "county.toml"
    text = toml.read_text(encoding="utf-8").replace('code = "990101"', 'code = "99"')
    toml.write_text(text.replace("year = 2022\n", ""), encoding="utf-8")
    with pytest.raises(PackInvalid) as info:
        read_pack(pack)
    messages = [str(p) for p in info.value.problems]
    assert any(m.startswith("county.toml: plan.targets.0.year") for m in messages)


def test_a_facility_must_name_a_division_of_the_pack(tmp_path: Path) -> None:
    """Facilities are checked against the divisions and carriers of the same pack."""
    pack = copy_pack("testcounty", tmp_path)
    edit_line(pack / "facilities.csv", 3, "division_code", "990101300000")
    edit_line(pack / "facilities.csv", 4, "carriers", "dhl")
    with pytest.raises(PackInvalid) as info:
        read_pack(pack)
    assert [str(p) for p in info.value.problems] == [
        "facilities.csv line 3: division_code: unknown division '990101300000'",
        "facilities.csv line 4: carriers: unknown carrier 'dhl'",
    ]


def test_gcj02_coordinates_are_converted_to_wgs84_on_load() -> None:
    """The fixture pack declares GCJ-02; stored points are the WGS-84 equivalents."""
    county = read_pack(Path(__file__).parent.parent / "fixtures" / "packs" / "testcounty")
    town = county.division("990101100000")
    assert town is not None and town.location is not None
    lat, lon = gcj02_to_wgs84(39.915, 116.404)
    assert (town.location.lat, town.location.lon) == pytest.approx((lat, lon), abs=1e-7)
    assert abs(town.location.lon - 116.404) > 0.004  # GCJ-02 shifts Beijing by ~500 m


def test_divisions_load_from_an_xlsx_file_as_from_csv(tmp_path: Path) -> None:
    """The same rows in divisions.xlsx give the same county; errors name the xlsx row."""
    pack = copy_pack("heshuo", tmp_path)
    rows = list(csv.reader((pack / "divisions.csv").open(encoding="utf-8")))
    (pack / "divisions.csv").unlink()
    wb = Workbook()
    sheet = wb.active
    for r in rows:
        sheet.append([int(c) if c.isdigit() and len(c) < 12 else c for c in r])
    wb.save(pack / "divisions.xlsx")
    expected = read_pack(builtin_pack_path("heshuo"))  # type: ignore[arg-type]
    assert read_pack(pack).divisions == expected.divisions
    sheet.cell(row=6, column=6, value=-100.0)
    wb.save(pack / "divisions.xlsx")
    with pytest.raises(PackInvalid) as info:
        read_pack(pack)
    assert [str(p) for p in info.value.problems] == [
        "divisions.xlsx line 6: lat: lat -100.0 is outside -90..90"
    ]


def test_a_written_pack_reads_back_to_the_same_county(tmp_path: Path) -> None:
    """Export then import is a round trip: divisions, facilities, carriers and plan."""
    original = read_pack(builtin_pack_path("heshuo"))  # type: ignore[arg-type]
    write_pack(original, tmp_path / "out")
    again = read_pack(tmp_path / "out")
    assert again.divisions == original.divisions
    assert again.facilities == original.facilities
    assert again.carriers == original.carriers
    assert again.plan == original.plan
    assert again.sources == original.sources
    assert again.operations == original.operations


def test_the_geojson_export_has_a_point_per_located_division_and_facility(tmp_path: Path) -> None:
    """Longitude first, as GeoJSON wants; the sources travel as attribution."""
    county = read_pack(builtin_pack_path("heshuo"))  # type: ignore[arg-type]
    doc = geojson(county)
    located = [d for d in county.divisions if d.location] + [
        f for f in county.facilities if f.location
    ]
    assert len(doc["features"]) == len(located)
    first = doc["features"][0]
    assert first["geometry"]["coordinates"] == [86.85, 42.267]
    assert "CC-BY-4.0" in doc["attribution"]
    path = write_geojson(county, tmp_path / "h.geojson")
    assert path.read_text(encoding="utf-8").startswith("{")
