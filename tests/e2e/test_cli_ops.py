"""`countyexpress id validate` and `countyexpress carrier detect`, end to end."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from countyexpress.entrypoints.cli import app
from countyexpress.settings import get_settings

runner = CliRunner()


@pytest.fixture(autouse=True)
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """A fresh database: `carrier detect` reads the county's stored confirmations."""
    monkeypatch.setenv("COUNTYEXPRESS_DATABASE_URL", f"sqlite:///{tmp_path / 'cx.db'}")
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def cli(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_id_validate_answers_one_object_per_number_in_order() -> None:
    """Valid, valid, bad check character: {"valid", "reason"} each, in the order given."""
    code, out, _ = cli("id", "validate", "360426199101010071", "120103198806018241",
                       "360426199101010072", "--json")  # fmt: skip
    assert code == 0
    answer = json.loads(out)
    assert answer[:2] == [{"valid": True, "reason": None}, {"valid": True, "reason": None}]
    assert answer[2]["valid"] is False and "check character" in answer[2]["reason"]
    assert len(answer) == 3


def test_id_validate_refuses_a_future_birth_date_as_of_the_given_day() -> None:
    """Born 2026-03-01 is in the future on 2026-02-28 and fine on 2026-03-01."""
    body = "65282820260301001"
    total = sum(int(d) * w for d, w in zip(body, (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8,
                                                   4, 2), strict=True))  # fmt: skip
    number = body + "10X98765432"[total % 11]
    _, out, _ = cli("id", "validate", number, "--on", "2026-02-28", "--json")
    assert "in the future" in json.loads(out)[0]["reason"]
    _, out, _ = cli("id", "validate", number, "--on", "2026-03-01", "--json")
    assert json.loads(out) == [{"valid": True, "reason": None}]


def test_id_validate_checks_unified_social_credit_codes_with_type_uscc() -> None:
    """A published valid code passes; an early-pilot code fails its check character."""
    code, out, _ = cli("id", "validate", "--type", "uscc", "91310110666007217T",
                       "91350211M00013FA1N", "--json")  # fmt: skip
    assert code == 0
    answer = json.loads(out)
    assert answer[0] == {"valid": True, "reason": None}
    assert answer[1]["valid"] is False


def test_id_validate_never_prints_a_full_id_number() -> None:
    """The table shows masked numbers only; the JSON none at all."""
    for extra in ([], ["--json"]):
        code, out, _ = cli("id", "validate", "360426199101010071", "360426199101010072", *extra)
        assert code == 0
        assert "360426199101010071" not in out and "360426199101010072" not in out


def test_id_validate_refuses_a_bad_date_option() -> None:
    """--on must be YYYY-MM-DD: exit 2 with the reason."""
    code, _, err = cli("id", "validate", "360426199101010071", "--on", "yesterday")
    assert code == 2 and "not a date" in err


def test_carrier_detect_ranks_candidates_with_scores_summing_to_1() -> None:
    """An EMS-or-Yunda 13-digit number lists both, EMS first."""
    code, out, _ = cli("carrier", "detect", "1240921381750", "--json")
    assert code == 0
    candidates = json.loads(out)["candidates"]
    assert [c["carrier"] for c in candidates] == ["ems", "yunda"]
    assert abs(sum(c["score"] for c in candidates) - 1) < 1e-3


def test_carrier_detect_finds_jt_for_a_jt_number() -> None:
    """JT0019812345678 → jt first."""
    code, out, _ = cli("carrier", "detect", "JT0019812345678", "--json")
    assert code == 0
    assert json.loads(out)["candidates"][0]["carrier"] == "jt"


def test_carrier_detect_gives_no_candidates_for_an_unknown_number() -> None:
    """Nothing fits: an empty list, and the table tells the person to choose by hand."""
    code, out, _ = cli("carrier", "detect", "HELLO", "--json")
    assert code == 0 and json.loads(out) == {"candidates": []}
    code, out, _ = cli("carrier", "detect", "HELLO")
    assert code == 0 and "by hand" in out


def test_carrier_detect_refuses_a_bad_patterns_file_naming_the_entry(tmp_path: Path) -> None:
    """Exit 1; the file and the entry are named."""
    path = tmp_path / "mine.toml"
    path.write_text("[[pattern]]\ncarrier = 'jt'\nregex = '('\nprior = 1\n", encoding="utf-8")
    code, _, err = cli("carrier", "detect", "JT0019812345678", "--patterns", str(path))
    assert code == 1
    assert "mine.toml line 1: pattern 1 (jt).regex" in err


def test_carrier_confirm_counts_by_shape_and_detect_ranks_with_the_counts() -> None:
    """Two yunda confirmations put yunda first for other numbers of the same shape."""
    assert runner.invoke(app, ["county", "load", "heshuo"]).exit_code == 0
    code, out, _ = cli("carrier", "confirm", "1240921381750", "yunda", "--json")
    assert code == 0
    first = json.loads(out)
    assert (first["shape"], first["confirmations"], first["pattern_fits"]) == ("13:12", 1, True)
    cli("carrier", "confirm", "1240921381751", "yunda", "--county", "652828")
    code, out, _ = cli("carrier", "detect", "1240000000000", "--json")
    candidates = json.loads(out)["candidates"]
    assert [c["carrier"] for c in candidates] == ["yunda", "ems"]
    assert set(candidates[0]) == {"carrier", "score"}


def test_carrier_confirm_refuses_an_unknown_carrier_and_needs_a_county() -> None:
    """Exit 1 with the reason: no county loaded, then a carrier the county does not know."""
    code, _, err = cli("carrier", "confirm", "1240921381750", "yunda")
    assert code == 1 and "no county is loaded" in err
    assert runner.invoke(app, ["county", "load", "heshuo"]).exit_code == 0
    code, _, err = cli("carrier", "confirm", "1240921381750", "dhl")
    assert code == 1 and "unknown carrier" in err
