"""Heshuo's indicators come out of its pack files; road matrices are read with located problems."""

from __future__ import annotations

import csv
import math
import tomllib
from pathlib import Path

import pytest

from countyexpress.adapters.packs import builtin_pack_path, read_pack
from countyexpress.adapters.packs.roads import (
    pack_road_distances,
    read_road_distances,
    road_distances_at,
)
from countyexpress.domain.county import County
from countyexpress.domain.coverage import coverage
from countyexpress.domain.facilities import FacilityKind
from countyexpress.domain.indicators import IndicatorValue, Status, evaluate
from countyexpress.domain.network_indicators import NETWORK_INDICATORS
from countyexpress.errors import PackInvalid
from packs import copy_pack

HESHUO = builtin_pack_path("heshuo")
assert HESHUO is not None


def rows(name: str) -> list[dict[str, str]]:
    """The rows of one of the Heshuo pack's CSV files."""
    with (HESHUO / name).open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def open_rows(kind: str) -> list[dict[str, str]]:
    """The open facilities of one kind in facilities.csv."""
    return [r for r in rows("facilities.csv") if r["kind"] == kind and r["status"] == "open"]


def toml_targets(indicator: str) -> dict[int, float]:
    """The pack's targets of one indicator, by year, read straight from county.toml."""
    data = tomllib.loads((HESHUO / "county.toml").read_text(encoding="utf-8"))
    return {t["year"]: t["value"] for t in data["plan"]["targets"] if t["indicator"] == indicator}


@pytest.fixture(scope="module")
def heshuo() -> County:
    """The Heshuo pack as read from its folder."""
    return read_pack(HESHUO)


def kpis(county: County, year: int) -> dict[str, IndicatorValue]:
    """Every network indicator of `county` for `year`, by name."""
    names = [i.name for i in NETWORK_INDICATORS]
    return {v.indicator: v for v in evaluate(county, year, names=names)}


def test_heshuo_urban_outlets_are_the_open_outlets_in_the_file_against_15(heshuo: County) -> None:
    """Value = open outlet rows of facilities.csv; target = the pack's 15 (2022)."""
    open_outlets = open_rows("outlet")
    v = kpis(heshuo, 2022)["urban_outlets"]
    assert v.value == len(open_outlets)
    assert v.target == toml_targets("urban_outlets")[2022] == 15
    assert v.lead_unit == "县商工局" and v.task == 2
    assert v.status is (Status.MET if len(open_outlets) >= 15 else Status.BEHIND)


def test_heshuo_standard_shortfall_is_computed_per_community_from_divisions_csv(
    heshuo: County,
) -> None:
    """Each community needs ceil(population/10,000 × 4); the shortfall sums what each lacks."""
    outlets: dict[str, int] = {}
    for r in rows("facilities.csv"):
        if r["kind"] == "outlet" and r["status"] == "open":
            outlets[r["division_code"]] = outlets.get(r["division_code"], 0) + 1
    communities = [r for r in rows("divisions.csv") if r["level"] == "community"]
    need = {r["code"]: math.ceil(int(r["population"]) * 4 / 10_000) for r in communities}
    shortfall = sum(max(0, need[c] - outlets.get(c, 0)) for c in need)
    v = kpis(heshuo, 2022)["outlet_standard_shortfall"]
    assert v.value == shortfall
    assert {p.code: p.required for p in v.parts} == need


@pytest.mark.parametrize("year", [2021, 2022])
def test_heshuo_village_coverage_is_villages_with_an_open_station_against_the_years_target(
    heshuo: County, year: int
) -> None:
    """Value = villages with an open station / village rows; 95 % in 2021, 100 % in 2022."""
    villages = {r["code"] for r in rows("divisions.csv") if r["level"] == "village"}
    with_station = {
        r["division_code"]
        for r in rows("facilities.csv")
        if r["kind"] == "station" and r["status"] == "open" and r["division_code"] in villages
    }
    v = kpis(heshuo, year)["village_coverage_rate"]
    assert v.value == pytest.approx(len(with_station) / len(villages))
    assert (v.target, v.target_year) == (toml_targets("village_coverage_rate")[year], year)
    assert len(villages) == toml_targets("administrative_villages")[2022] == 25


def test_heshuo_five_haves_rate_counts_stations_with_all_five_in_the_file(heshuo: County) -> None:
    """Stations with has_staff … has_sign all 1, over the open stations."""
    haves = ("has_staff", "has_premises", "has_shelves", "has_device", "has_sign")
    stations = open_rows("station")
    meeting = [r for r in stations if all(r[h] == "1" for h in haves)]
    v = kpis(heshuo, 2022)["stations_five_haves_rate"]
    assert v.value == pytest.approx(len(meeting) / len(stations))
    assert v.target == toml_targets("stations_five_haves_rate")[2022]


def test_heshuo_placeholders_are_the_placeholder_rows_of_divisions_csv(heshuo: County) -> None:
    """An honest count: divisions whose quality is placeholder."""
    expected = sum(r["quality"] == "placeholder" for r in rows("divisions.csv"))
    assert kpis(heshuo, 2022)["placeholder_divisions"].value == expected > 0


def test_heshuo_asked_for_a_year_past_the_targets_uses_the_latest_ones(heshuo: County) -> None:
    """2030: the 2022 targets still apply."""
    v = kpis(heshuo, 2030)["village_coverage_rate"]
    assert (v.target, v.target_year, v.year) == (1.0, 2022, 2030)


def test_heshuo_every_village_and_community_has_a_nearest_station(heshuo: County) -> None:
    """Coverage of 25 villages and 7 communities, each with a station distance."""
    report = coverage(heshuo, 5.0, kinds=[FacilityKind.STATION])
    assert len(report.places) == 32
    assert all(p.nearest[0].km is not None for p in report.places)


ROADS = "from_code,to_code,km\n652828100001,HS-OUT-01,0.4\n652828200201,HS-STA-01,1.2\n"


def test_a_road_matrix_is_read_from_the_pack_folder_when_it_has_one(tmp_path: Path) -> None:
    """road_distances.csv in the pack: read; absent: None."""
    pack = copy_pack("heshuo", tmp_path)
    assert pack_road_distances(pack) is None
    (pack / "road_distances.csv").write_text(ROADS, encoding="utf-8")
    roads = road_distances_at(pack, {"652828100001", "HS-OUT-01", "652828200201", "HS-STA-01"})
    assert roads is not None
    assert roads.between("HS-OUT-01", "652828100001") == 0.4
    assert len(roads) == 2


def test_a_bad_road_matrix_is_refused_naming_line_and_field(tmp_path: Path) -> None:
    """Negative km, an unknown code, a duplicate pair and a loop, each located."""
    path = tmp_path / "road_distances.csv"
    path.write_text("from_code,to_code,km\nA,B,-1\nA,Z,2\nA,B,3\nB,B,1\nA,C,x\n", encoding="utf-8")
    with pytest.raises(PackInvalid) as caught:
        read_road_distances(path, known={"A", "B", "C"})
    problems = {str(p) for p in caught.value.problems}
    assert problems == {
        "road_distances.csv line 2: km: km -1.0 must be 0 or more",
        "road_distances.csv line 3: to_code: unknown division or facility 'Z'",
        "road_distances.csv line 4: to_code: duplicate pair A–B (first on line 2)",
        "road_distances.csv line 5: to_code: a road distance joins two different places",
        "road_distances.csv line 6: km: km 'x' is not a number",
    }


def test_a_road_matrix_without_its_columns_is_refused(tmp_path: Path) -> None:
    """The header must name from_code, to_code and km."""
    path = tmp_path / "roads.csv"
    path.write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(PackInvalid, match="missing column"):
        read_road_distances(path)
