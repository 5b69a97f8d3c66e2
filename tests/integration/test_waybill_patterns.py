"""The waybill-patterns TOML file: the shipped one loads, a bad one is refused with its place."""

from __future__ import annotations

from pathlib import Path

import pytest

from countyexpress.adapters.waybill_patterns import load_waybill_patterns
from countyexpress.domain.waybills import rank_carriers
from countyexpress.errors import PackInvalid

NINE = {"sf", "zto", "yto", "sto", "yunda", "jt", "jd", "ems", "cainiao"}


def test_the_shipped_patterns_cover_the_nine_carriers_with_sources() -> None:
    """Every pattern compiles and names its source in the note."""
    patterns = load_waybill_patterns()
    assert {p.carrier for p in patterns} == NINE
    assert all("[" in p.note for p in patterns)


@pytest.mark.parametrize(
    ("number", "first"),
    [("JT0019812345678", "jt"), ("79105030690097", "zto"), ("3967950525457", "yunda"),
     ("1240921381750", "ems"), ("JDVA11408814483", "jd"), ("EA123456789CN", "ems"),
     ("SF1234567890123", "sf"), ("YT1234567890123", "yto"), ("621123456789012", "cainiao"),
     ("773012345678901", "sto"), ("751234567890", "zto")],
)  # fmt: skip
def test_the_reference_samples_rank_their_carrier_first(number: str, first: str) -> None:
    """Each sample and pattern of the reference table puts its own carrier first."""
    assert rank_carriers(number, load_waybill_patterns(), {})[0].carrier == first


def test_the_zto_sample_that_breaks_the_73_to_78_list_is_still_zto() -> None:
    """79105030690097 fits only the wider ZTO pattern, with its lower prior."""
    patterns = load_waybill_patterns()
    wide = [p for p in patterns if p.carrier == "zto" and p.matches("79105030690097")]
    assert len(wide) == 1 and wide[0].prior < 1


def test_a_bad_entry_is_refused_naming_the_file_the_entry_and_its_line(tmp_path: Path) -> None:
    """A broken regex and an unknown key are both reported; nothing is half-loaded."""
    path = tmp_path / "patterns.toml"
    path.write_text(
        "# patterns\n"
        "[[pattern]]\ncarrier = 'jt'\nregex = 'JT[0-9]{12,13}'\nprior = 1.0\n\n"
        "[[pattern]]\ncarrier = 'yto'\nregex = 'YT([0-9]{13}'\nprior = 1.0\nweight = 2\n",
        encoding="utf-8",
    )
    with pytest.raises(PackInvalid) as info:
        load_waybill_patterns(path)
    text = [str(p) for p in info.value.problems]
    assert text == ["patterns.toml line 7: pattern 2 (yto).weight: unknown key"]
    path.write_text(path.read_text(encoding="utf-8").replace("weight = 2\n", ""), "utf-8")
    with pytest.raises(PackInvalid) as info:
        load_waybill_patterns(path)
    (problem,) = info.value.problems
    assert str(problem).startswith("patterns.toml line 7: pattern 2 (yto).regex: ")


@pytest.mark.parametrize(
    ("content", "words"),
    [("[[pattern]\n", "not valid TOML"), ("x = 1\n", "no [[pattern]] entries"),
     ("[[pattern]]\ncarrier = 'jt'\nprior = '1'\n", "pattern 1 (jt).regex: missing"),
     ("[[pattern]]\ncarrier = 'jt'\nregex = 'JT1'\nprior = true\n", "prior: must be a number")],
)  # fmt: skip
def test_a_malformed_file_is_refused_with_a_reason(
    tmp_path: Path, content: str, words: str
) -> None:
    """Bad TOML, no entries, a missing key, a prior that is not a number."""
    path = tmp_path / "p.toml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(PackInvalid) as info:
        load_waybill_patterns(path)
    assert any(words in str(p) for p in info.value.problems)


def test_a_missing_file_is_refused_naming_it(tmp_path: Path) -> None:
    """The file's name is in the problem."""
    with pytest.raises(PackInvalid) as info:
        load_waybill_patterns(tmp_path / "nope.toml")
    assert str(info.value.problems[0]).startswith("nope.toml: cannot be read")
