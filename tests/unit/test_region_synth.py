"""Synthetic counties (issue 17): reserved codes, labels, seeded factors, packs that load."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from countyexpress.adapters.packs import builtin_pack_path
from countyexpress.adapters.packs.documents import pack_documents
from countyexpress.adapters.packs.reader import read_pack
from countyexpress.adapters.region_pack import is_synthetic_source, write_synthetic_pack
from countyexpress.domain.geography import county_code6
from countyexpress.planning.region_synth import (
    BAYINGOLIN,
    MAX_COUNTIES,
    synthetic_code,
    synthetic_counties,
)
from countyexpress.services.region import county_seed

HESHUO = builtin_pack_path("heshuo")


@given(st.integers(min_value=1, max_value=MAX_COUNTIES))
def test_a_synthetic_code_is_a_valid_county_code_in_the_reserved_range(n: int) -> None:
    """Every synthetic code is a county code (not a prefecture's) under province 99,
    which no real county has."""
    code = synthetic_code(n)
    assert county_code6(code) == code and code.startswith("99")


def test_synthetic_codes_are_distinct_and_never_a_real_bayingolin_code() -> None:
    """Codes of a large region differ from each other and from the real counties."""
    codes = [c.code for c in synthetic_counties(300, seed=1)]
    assert len(set(codes)) == 300
    assert not set(codes) & {r.code for r in BAYINGOLIN}


def test_the_same_seed_gives_the_same_counties_and_another_seed_other_factors() -> None:
    """Deterministic for a seed; county n does not depend on how many are asked for."""
    assert synthetic_counties(12, seed=3) == synthetic_counties(12, seed=3)
    assert synthetic_counties(12, seed=3)[:5] == synthetic_counties(5, seed=3)
    assert synthetic_counties(3, seed=3) != synthetic_counties(3, seed=4)


def test_each_county_is_named_synthetic_and_says_what_it_is_modelled_on() -> None:
    """模拟 in the name, 'not a real county' and the real model in the English name."""
    first = synthetic_counties(10, seed=0)
    assert first[0].name == "模拟县 01 (synthetic)"
    assert "Korla 652801" in first[0].name_en and "not a real county" in first[0].name_en
    assert first[9].model == first[0].model and first[9].seat != first[0].seat


def test_county_seeds_differ_between_counties_and_repeat_for_one() -> None:
    """A region run's per-county seeds: stable, and distinct across counties."""
    codes = [synthetic_code(n) for n in range(1, 101)]
    seeds = [county_seed(7, c) for c in codes]
    assert len(set(seeds)) == 100 and seeds == [county_seed(7, c) for c in codes]


@pytest.mark.parametrize("number", [1, 8, 10])
def test_a_synthetic_pack_reads_back_as_a_checked_pack_flagged_synthetic(
    tmp_path: Path, number: int
) -> None:
    """The written pack passes the pack reader: new code everywhere, the synthetic source,
    populations scaled, places moved to the model's seat, fewer or as many facilities."""
    assert HESHUO is not None
    spec = synthetic_counties(number, seed=2)[-1]
    template = read_pack(HESHUO)
    county = read_pack(write_synthetic_pack(HESHUO, spec, tmp_path / spec.code))
    pack_documents(tmp_path / spec.code, county)  # the rule files check against it too
    assert county.code == spec.code and county.name == spec.name
    assert all(d.code.startswith(spec.code) for d in county.divisions)
    assert any(is_synthetic_source(s.name, s.licence) for s in county.sources)
    assert county.seat == spec.seat
    assert county.population == int((template.population or 0) * spec.population)
    assert 0 < len(county.facilities) <= len(template.facilities)
    assert "和硕" not in county.name + "".join(f.name for f in county.facilities)
