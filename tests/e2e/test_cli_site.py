"""`countyexpress site solve` end to end on small CSV files."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from countyexpress.entrypoints.cli import app

runner = CliRunner()

DEMAND = "id,lat,lon,weight\nv1,42.27,86.85,100\nv2,42.30,86.90,50\nv3,42.20,87.20,80\n"
CANDIDATES = "id,lat,lon,existing\nc1,42.27,86.85,1\nc2,42.30,86.91,0\nc3,42.21,87.19,0\n"


def _files(tmp_path: Path, demand: str = DEMAND) -> tuple[str, str]:
    d, c = tmp_path / "D.csv", tmp_path / "C.csv"
    d.write_text(demand, encoding="utf-8")
    c.write_text(CANDIDATES, encoding="utf-8")
    return str(d), str(c)


def test_site_solve_prints_the_chosen_sites_as_json(tmp_path: Path) -> None:
    """MCLP with one new site: the far village's site, proven optimal, with the sentence."""
    d, c = _files(tmp_path)
    args = ["site", "solve", "--demand", d, "--candidates", c, "--objective", "mclp"]
    result = runner.invoke(app, [*args, "--p", "1", "--radius-km", "2", "--json"])
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["chosen"] == ["c3"]
    assert data["objective"] == 180.0
    assert data["optimal"] is True
    assert set(data) >= {"chosen", "objective", "optimal", "gap", "seconds"}
    assert data["explanation"] == "this site raises coverage within 2 km from 43 % to 78 %"


def test_a_bad_csv_row_is_named_by_file_line_and_field(tmp_path: Path) -> None:
    """A latitude out of range on line 3 is refused before any solving."""
    d, c = _files(tmp_path, DEMAND.replace("42.30,86.90,50", "95,86.90,50"))
    result = runner.invoke(
        app, ["site", "solve", "--demand", d, "--candidates", c, "--objective", "pmedian",
              "--p", "1"],
    )  # fmt: skip
    assert result.exit_code == 1
    assert "D.csv line 3: lat: lat 95.0 is outside -90..90" in result.stderr
