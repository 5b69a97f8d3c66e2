"""Station prints (issue 18): the two thermal rolls by name, and what a printed QR holds."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from countyexpress.domain.prints import (
    LABEL_PAPER,
    PAPERS,
    RECEIPT_PAPER,
    Paper,
    paper_named,
    parcel_qr,
)


@given(
    st.sampled_from(sorted(PAPERS)),
    st.sampled_from(["x", "X", "×", " x ", "*"]),
    st.sampled_from(["", "mm", " mm"]),
    st.sampled_from(["", " ", "  "]),
)
def test_a_roll_is_found_however_its_size_is_written(
    name: str, times: str, unit: str, pad: str
) -> None:
    width, height = name.split("x")
    assert paper_named(f"{pad}{width}{times}{height}{unit}{pad}") == PAPERS[name]


@pytest.mark.parametrize("name", ["", "A4", "100x100", "150x100", "76", "x130"])
def test_another_size_is_refused_naming_the_rolls_there_are(name: str) -> None:
    with pytest.raises(ValueError, match="100x150 or 76x130"):
        paper_named(name)


def test_the_two_rolls_are_the_label_and_the_receipt_printers() -> None:
    assert (LABEL_PAPER.width_mm, LABEL_PAPER.height_mm) == (100, 150)
    assert (RECEIPT_PAPER.width_mm, RECEIPT_PAPER.height_mm) == (76, 130)


@pytest.mark.parametrize(("w", "h"), [(210, 297), (30, 100), (76, 40)])
def test_no_thermal_roll_is_made_of_an_office_or_odd_size(w: float, h: float) -> None:
    with pytest.raises(ValueError, match="no thermal roll"):
        Paper(w, h)


def test_the_qr_names_the_county_and_the_waybill() -> None:
    assert parcel_qr("652828", "ZT7312345679101") == "CXP|652828|ZT7312345679101"
