"""One name per vehicle (issue 12): "unified number · plate · kind", the parts it has."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from countyexpress.domain.vehicles import KINDS, RegisteredVehicle, vehicle_name

CODES = st.text(alphabet="ABCDEFGHJK0123456789-新F", min_size=1, max_size=12)


def test_a_van_reads_number_plate_and_kind() -> None:
    van = RegisteredVehicle("HS-KD-001", "新F-12345", "van")
    assert (
        van.name
        == vehicle_name("HS-KD-001", "新F-12345", "van")
        == "HS-KD-001 · 新F-12345 · 厢式货车"
    )


def test_a_tricycle_without_a_plate_leaves_the_plate_out() -> None:
    assert vehicle_name("HS-KD-T01", "", "etricycle") == "HS-KD-T01 · 电动三轮车"
    assert vehicle_name("HS-KD-T01", "", "e_tricycle") == "HS-KD-T01 · 电动三轮车"  # routing's kind


@given(number=CODES, plate=CODES, kind=st.sampled_from(KINDS), key=CODES)
def test_a_vehicle_is_known_by_its_number_plate_or_code_only(
    number: str, plate: str, kind: str, key: str
) -> None:
    v = RegisteredVehicle(number, plate, kind, routing={"code": "R-1"})
    assert v.name.startswith(f"{number} · {plate} · ")
    assert v.known_as(number) and v.known_as(plate) and v.known_as(" R-1 ")
    assert v.known_as(key) == (key.strip() in (number, plate, "R-1") and bool(key.strip()))
