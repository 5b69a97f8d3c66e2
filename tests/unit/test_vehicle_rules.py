"""The vehicle registry's list rules: a wrong unified number or a plate twice refuses the
list, each problem named by row and field."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from countyexpress.domain.vehicles import RegisteredVehicle, check_fleet

FORMAT = r"HS-KD-[A-Z0-9-]{3,12}"


def van(number: str, plate: str, kind: str = "van") -> RegisteredVehicle:
    return RegisteredVehicle(unified_no=number, plate=plate, kind=kind)


def test_a_good_list_has_no_problems() -> None:
    rows = [(2, van("HS-KD-V01", "新F-00001")), (3, van("HS-KD-V02", "新F-00002", "etricycle"))]
    assert check_fleet(rows, FORMAT) == []


def test_a_wrong_number_and_a_duplicate_plate_are_named_by_row_and_field() -> None:
    rows = [
        (2, van("HS-KD-V01", "新F-00001")),
        (3, van("XX-01", "新F-00002")),
        (4, van("HS-KD-V03", "新F-00001")),
        (5, van("HS-KD-V04", "新F-00004", "bus")),
    ]
    found = {(p.row, p.field) for p in check_fleet(rows, FORMAT)}
    assert found == {(3, "number"), (4, "plate"), (5, "kind")}


def test_an_empty_list_is_refused() -> None:
    assert check_fleet([], FORMAT)


@given(st.lists(st.sampled_from(["新F-1", "新F-2", "新F-3", "新F-4"]), min_size=1, max_size=8))
def test_a_list_passes_exactly_when_its_plates_are_distinct(plates: list[str]) -> None:
    rows = [(i + 2, van(f"HS-KD-V{i:02d}", p)) for i, p in enumerate(plates)]
    assert (check_fleet(rows, FORMAT) == []) == (len(set(plates)) == len(plates))
