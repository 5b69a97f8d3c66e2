"""Green packaging (task 17): report rows, intake facts, the pack's rules and the indicators."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from countyexpress.adapters.packs.packaging import (
    packaging_rules_for,
    parse_packaging,
    read_packaging,
)
from countyexpress.adapters.packs.reader import builtin_pack_path, read_pack
from countyexpress.domain.indicators import Status, evaluate
from countyexpress.domain.packaging import (
    BagType,
    Counts,
    PackagingReport,
    ParcelPackaging,
    aggregate,
    read_report_rows,
)
from countyexpress.domain.packaging_indicators import INPUT, PackagingSnapshot
from countyexpress.errors import Bilingual, InvalidValue, PackInvalid

_FOUND = builtin_pack_path("heshuo")
assert _FOUND is not None
HESHUO: Path = _FOUND


def test_counts_refuse_negative_numbers_and_shares_above_the_parcels() -> None:
    with pytest.raises(InvalidValue) as neg:
        Counts(parcels=-1)
    assert neg.value.field == "parcels"
    with pytest.raises(InvalidValue) as over:
        Counts(parcels=10, slim_tape=11)
    assert over.value.field == "slim_tape"
    with pytest.raises(InvalidValue) as bags:
        Counts(transit_bags=3, reusable_transit_bags=4)
    assert bags.value.field == "reusable_transit_bags"


def test_a_report_month_is_inside_2000_to_2099() -> None:
    assert PackagingReport("zto", "2022-3", Counts()).month == "2022-03"
    with pytest.raises(InvalidValue) as exc:
        PackagingReport("zto", "1999-12", Counts())
    assert exc.value.field == "month"


def test_rows_are_read_with_every_problem_located_and_a_key_twice_refused() -> None:
    rows = [
        (2, {"carrier": "ZTO", "month": "2022-03", "parcels": "100", "slim_tape": "90"}),
        (3, {"carrier": "zto", "month": "2022-03", "parcels": "5"}),
        (4, {"carrier": "sto", "month": "2022-03", "parcels": "10", "e_waybill": "x"}),
        (5, {"carrier": "sto", "month": "2022-13", "parcels": "10"}),
        (6, {"carrier": "sto", "month": "2022-04", "parcels": "10", "not_reboxed": "11"}),
        (7, {"carrier": "sto", "month": "", "parcels": "10"}),
    ]
    reports, problems = read_report_rows(rows, "report.csv")
    assert [(n, r.carrier, r.counts.slim_tape) for n, r in reports] == [(2, "zto", 90)]
    assert [(p.file, p.line, p.field) for p in problems] == [
        ("report.csv", 3, "month"),
        ("report.csv", 4, "e_waybill"),
        ("report.csv", 5, "month"),
        ("report.csv", 6, "not_reboxed"),
        ("report.csv", 7, "month"),
    ]


facts = st.builds(
    ParcelPackaging,
    bag_type=st.sampled_from(list(BagType)),
    tape_width_mm=st.none() | st.floats(min_value=1, max_value=100),
    e_waybill=st.booleans(),
    reboxed=st.booleans(),
)


@given(st.lists(facts, max_size=30), st.lists(facts, max_size=30))
def test_intake_facts_aggregate_into_valid_counts_that_add_up(
    a: list[ParcelPackaging], b: list[ParcelPackaging]
) -> None:
    both = aggregate(a + b, 45)
    assert both == aggregate(a, 45) + aggregate(b, 45)
    assert both.parcels == len(a) + len(b)
    assert both.slim_tape == sum(1 for p in a + b if p.tape_width_mm is None
                                 or p.tape_width_mm <= 45)  # fmt: skip
    assert both.non_degradable_bags == sum(
        1 for p in a + b if p.bag_type in {BagType.NON_DEGRADABLE_BAG, BagType.WOVEN_BAG}
    )


def test_the_heshuo_pack_gives_targets_with_their_quality_and_source() -> None:
    rules = packaging_rules_for("652828", 45)
    years = {(t.indicator, t.year): t for t in rules.targets}
    assert years[("slim_tape_share", 2020)].value == 0.9
    assert years[("not_reboxed_share", 2023)].note_en.startswith("verified: ")
    assert years[("e_waybill_share", 2019)].note_en.startswith("estimate: ")
    assert "not checked against the notice" in years[("e_waybill_share", 2019)].note_en
    # the note in the county's language: the quality and the source in Chinese
    assert years[("not_reboxed_share", 2023)].note.startswith("已核实：")
    assert years[("e_waybill_share", 2019)].note.startswith("估计：")
    assert "national" in rules.no_target["cartons_reused"]
    why = rules.no_target["cartons_reused"]
    assert isinstance(why, Bilingual) and "全国性指标" in why.in_language("zh_CN")


def test_a_packaging_file_without_its_english_fields_still_loads() -> None:
    """`source_en` and `no_target_en` are optional: a file in one language loads and says
    its text in both."""
    rules = parse_packaging(
        {"targets": [{"indicator": "slim_tape_share", "year": 2020, "value": 0.9,
                      "quality": "verified", "source": "本县规定"}],
         "no_target": {"cartons_reused": "全国性指标"}},
        "x/packaging.toml",
    )  # fmt: skip
    assert rules.targets[0].note == "已核实：本县规定"
    assert rules.targets[0].note_en == "verified: 本县规定"
    why = rules.no_target["cartons_reused"]
    assert isinstance(why, Bilingual) and why.in_language("en") == "全国性指标"


def test_a_bad_packaging_file_names_the_file_and_field(tmp_path: Path) -> None:
    bad = tmp_path / "packaging.toml"
    bad.write_text(
        '[[targets]]\nindicator = "slim_tape_share"\nyear = 2020\nvalue = 0.9\n'
        'quality = "guess"\nsource = "x"\n',
        encoding="utf-8",
    )
    with pytest.raises(PackInvalid) as exc:
        read_packaging(bad)
    assert [(p.file, p.field) for p in exc.value.problems] == [
        ("packaging.toml", "targets.0.quality")
    ]


def _report(carrier: str, month: str, outlet: str = "", **counts: int) -> PackagingReport:
    return PackagingReport(carrier, month, Counts(**counts), outlet)


def test_indicators_for_a_year_by_carrier_against_the_national_target() -> None:
    county = read_pack(HESHUO)
    rules = packaging_rules_for("652828", 45)
    reports = [
        _report("zto", "2022-03", "HS-OUT-01", parcels=100, slim_tape=95, not_reboxed=60,
                reusable_boxes_in_use=4, cartons_reused=30),
        _report("zto", "2022-04", "HS-OUT-01", parcels=100, slim_tape=85, not_reboxed=90,
                reusable_boxes_in_use=6, cartons_reused=20),
        _report("sto", "2022-04", parcels=50, slim_tape=50, transit_bags=10,
                reusable_transit_bags=9, reusable_boxes_in_use=1),
    ]  # fmt: skip
    snap = PackagingSnapshot(2022, reports, rules)
    names = ["slim_tape_share", "not_reboxed_share", "reusable_transit_bag_share",
             "reusable_boxes_in_use", "cartons_reused", "prohibited_bag_share"]  # fmt: skip
    values = {v.indicator: v for v in evaluate(county, 2022, inputs={INPUT: snap}, names=names)}
    slim = values["slim_tape_share"]
    assert slim.value == pytest.approx(230 / 250)
    assert (slim.target, slim.target_year, slim.status) == (0.9, 2020, Status.MET)
    assert slim.lead_unit and slim.task == 17
    by_carrier = {p.code: p for p in slim.parts if p.level == "carrier"}
    assert by_carrier["zto"].value == pytest.approx(0.9) and by_carrier["sto"].value == 1
    not_reboxed = values["not_reboxed_share"]
    assert (not_reboxed.target, not_reboxed.target_year) == (0.8, 2021)
    assert not_reboxed.status is Status.BEHIND  # 150 / 250 = 0.6
    assert values["reusable_transit_bag_share"].value == pytest.approx(0.9)
    assert values["reusable_boxes_in_use"].value == 7  # zto's April (6) + sto's (1)
    assert values["reusable_boxes_in_use"].status is Status.NO_TARGET
    assert "national" in values["reusable_boxes_in_use"].note
    assert values["cartons_reused"].value == 50
    prohibited = values["prohibited_bag_share"]
    assert prohibited.status is Status.MET  # 0 against the implied 0
    assert {(p.required, p.status) for p in prohibited.parts} == {(0.0, Status.MET)}


def test_without_reports_for_the_year_there_is_no_data() -> None:
    county = read_pack(HESHUO)
    snap = PackagingSnapshot(2022, [], packaging_rules_for("652828"))
    [v] = evaluate(county, 2022, inputs={INPUT: snap}, names=["slim_tape_share"])
    assert v.status is Status.NO_DATA and "no packaging reports for 2022" in v.note


@st.composite
def reports(draw: st.DrawFn) -> PackagingReport:
    parcels = draw(st.integers(0, 500))
    part = st.integers(0, parcels)
    bags = draw(st.integers(0, 50))
    reusable = draw(st.integers(0, bags))
    counts = Counts(parcels=parcels, slim_tape=draw(part), not_reboxed=draw(part),
                    transit_bags=bags, reusable_transit_bags=reusable)  # fmt: skip
    return PackagingReport(draw(st.sampled_from(["zto", "sto", "jt"])),
                           f"2022-{draw(st.integers(1, 12)):02d}", counts)  # fmt: skip


@given(st.lists(reports(), max_size=12, unique_by=lambda r: r.key))
def test_a_share_is_between_0_and_1_and_its_carriers_add_up_to_it(
    found: list[PackagingReport],
) -> None:
    county = read_pack(HESHUO)
    snap = PackagingSnapshot(2022, found, packaging_rules_for("652828"))
    for v in evaluate(county, 2022, inputs={INPUT: snap},
                      names=["slim_tape_share", "reusable_transit_bag_share"]):  # fmt: skip
        carriers = [p for p in v.parts if p.level == "carrier"]
        if v.value is None:
            assert all(p.value is None for p in carriers)
            continue
        assert 0 <= v.value <= 1
        top, bottom = ("slim_tape", "parcels") if v.indicator == "slim_tape_share" else (
            "reusable_transit_bags", "transit_bags")  # fmt: skip
        num = sum(int(p.detail[top] or 0) for p in carriers)
        den = sum(int(p.detail[bottom] or 0) for p in carriers)
        assert v.value == pytest.approx(num / den)
