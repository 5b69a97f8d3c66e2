"""自取: which station or outlet a receiver who chose to collect a parcel goes to."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from countyexpress.domain.delivery import pickup_point
from countyexpress.domain.facilities import (
    Facility,
    FacilityKind,
    FacilityStatus,
    FiveHaves,
    OutletFiling,
)

V, C = "652828200201", "652828100001"  # a village, a community


def station(code: str, division: str = V, status: FacilityStatus = FacilityStatus.OPEN):
    return Facility(code, "站", FacilityKind.STATION, division_code=division, status=status,
                    five_haves=FiveHaves())  # fmt: skip


def outlet(code: str, carriers: tuple[str, ...], division: str = C,
           status: FacilityStatus = FacilityStatus.OPEN) -> Facility:  # fmt: skip
    return Facility(code, "网点", FacilityKind.OUTLET, division_code=division, status=status,
                    carriers=carriers, filing=OutletFiling())  # fmt: skip


def test_a_village_parcel_goes_to_the_village_station_whatever_the_carrier() -> None:
    here = [outlet("O1", ("zto",), V), station("S2"), station("S1")]
    assert pickup_point(here, V, "yto") == here[2]


def test_a_town_parcel_goes_to_its_carriers_outlet_else_a_shared_one() -> None:
    zto, yto = outlet("O1", ("zto",)), outlet("O2", ("yto",))
    shared = outlet("O3", ("zto", "yto", "sto"))
    assert pickup_point([zto, yto, shared], C, "zto") == zto
    assert pickup_point([zto, yto, shared], C, "jt") == shared
    assert pickup_point([zto, yto], C, "jt") is None  # another carrier's outlet takes none
    assert pickup_point([outlet("O4", ("jt",), status=FacilityStatus.CLOSED)], C, "jt") is None
    assert pickup_point([zto], None, "zto") is None


codes = st.sampled_from(["zto", "yto", "sto", "jt", "sf"])
facilities = st.lists(
    st.one_of(
        st.builds(
            station,
            st.sampled_from(["S1", "S2"]),
            st.sampled_from([V, C]),
            st.sampled_from(list(FacilityStatus)),
        ),
        st.builds(
            outlet,
            st.sampled_from(["O1", "O2", "O3"]),
            st.lists(codes, max_size=3, unique=True).map(tuple),
            st.sampled_from([V, C]),
            st.sampled_from(list(FacilityStatus)),
        ),
    ),
    max_size=8,
)


@given(facilities, st.sampled_from([V, C]), codes)
def test_the_point_is_open_in_the_division_and_takes_the_carrier(
    fs: list[Facility], division: str, carrier: str
) -> None:
    point = pickup_point(fs, division, carrier)
    candidates = [f for f in fs if f.division_code == division and f.is_operating]
    if point is None:
        assert not any(f.kind is FacilityKind.STATION for f in candidates)
        assert not any(
            f.kind is FacilityKind.OUTLET and (carrier in f.carriers or len(f.carriers) != 1)
            for f in candidates
        )
        return
    assert point in candidates
    if point.kind is FacilityKind.OUTLET:
        assert not any(f.kind is FacilityKind.STATION for f in candidates)  # stations first
        assert carrier in point.carriers or len(point.carriers) != 1
