"""`countyexpress licence …` end to end: a licence granted with its clocks, a filing under
it that lapses when the licence is cancelled, refusals exiting 2 with the reason."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from test_cli_supervision import COMMUNITY, COUNTY, cli, cli_json, database  # noqa: F401

from countyexpress.adapters.packs import builtin_pack_path
from countyexpress.domain.county_time import county_today


def test_a_cancelled_licence_lapses_its_filings_and_refusals_exit_2(database: Path) -> None:  # noqa: F811
    code, _, err = cli("county", "load", str(builtin_pack_path("heshuo")))
    assert code == 0, err
    today = county_today()
    granted = dt.date(today.year - 1, 6, 1)
    lic = cli_json("licence", "grant", "--county", COUNTY, "--carrier", "zto",
                   "--number", "新A-0777", "--granted", granted.isoformat(),
                   "--holder", "branch", "--holder-name", "中通快递和硕分公司")  # fmt: skip
    assert lic["state"] == "valid" and lic["facts"]["number"] == "新A-0777"
    [listed] = cli_json("licence", "list", "--county", COUNTY)["licences"]
    assert listed["expires"] == dt.date(today.year + 4, 6, 1).isoformat()
    assert listed["renewal"]["due"] == dt.date(today.year + 4, 5, 2).isoformat()
    assert listed["annual_report"]["due"] == dt.date(today.year, 4, 30).isoformat()
    filing = cli_json("filing", "submit", "--county", COUNTY, "--carrier", "zto",
                      "--outlet", "HS-OUT-90", "--name", "中通新区驿站", "--community", COMMUNITY,
                      "--opened", today.isoformat(), "--licence", "新A-0777")  # fmt: skip
    cli_json("filing", "review", str(filing["id"]), "--county", COUNTY, "--decision", "accept")
    code, _, err = cli("licence", "expire", str(lic["id"]), "--county", COUNTY)
    assert code == 2 and "valid until" in err
    cancelled = cli_json("licence", "cancel", str(lic["id"]), "--county", COUNTY,
                         "--reason", "停业")  # fmt: skip
    assert cancelled["state"] == "cancelled"
    records = cli_json("filing", "list", "--county", COUNTY)["records"]
    [lapsed] = [r for r in records if r["id"] == filing["id"]]
    assert lapsed["state"] == "lapsed"
    assert lapsed["trail"][-1]["note"].startswith("licence 新A-0777 cancelled")
    code, _, err = cli("licence", "grant", "--county", COUNTY, "--carrier", "nosuch",
                       "--number", "X", "--granted", granted.isoformat())  # fmt: skip
    assert code == 2 and "nosuch" in err
