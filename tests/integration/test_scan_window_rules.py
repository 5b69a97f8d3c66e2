"""The scan window is a rule of the county pack: read from `[operations.scan_window]`,
written back, checked."""

from __future__ import annotations

import pytest

from countyexpress import bootstrap
from countyexpress.adapters.rules_codec import rules_from_dict, rules_to_dict
from countyexpress.domain.scans import ScanWindow
from countyexpress.errors import InvalidValue


def test_the_heshuo_pack_sets_its_window_and_it_reads_back() -> None:
    county = bootstrap.read_pack_source("heshuo")
    window = county.operations.scan_window
    assert window == ScanWindow(days_back=30, minutes_ahead=10)
    rules = rules_from_dict({"scan_window": {"days_back": 7, "minutes_ahead": 2}})
    assert rules.scan_window == ScanWindow(7, 2)
    assert rules_from_dict(rules_to_dict(rules)) == rules


def test_rules_stored_before_the_window_existed_get_the_defaults() -> None:
    assert rules_from_dict({"return_after_days": 7}).scan_window == ScanWindow()


@pytest.mark.parametrize("section", [{"days_back": 0}, {"minutes_ahead": -5}, {"hours_back": 3}])
def test_a_bad_window_is_refused_naming_it(section: dict) -> None:
    with pytest.raises(InvalidValue, match="scan_window"):
        rules_from_dict({"scan_window": section})
