"""Inspection on intake: prohibited categories are refused, and so is a refusing sender."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from countyexpress.domain.inspection import (
    ContentCategory,
    Inspection,
    ProhibitedCategory,
    decide,
    parse_category,
)
from countyexpress.errors import InvalidValue

descriptions = st.text(max_size=80)
inspectors = st.text(min_size=1, max_size=20).filter(lambda s: s.split())


def test_the_catalogue_has_19_prohibited_categories_with_chinese_labels() -> None:
    """禁止寄递物品指导目录 (2016) lists 19 categories; each has its own Chinese label."""
    assert len(ProhibitedCategory) == 19
    labels = [c.label for c in ProhibitedCategory]
    assert len(set(labels)) == 19
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in label) for label in labels)
    assert [c.number for c in ProhibitedCategory] == list(range(1, 20))


def test_no_code_is_both_allowed_and_prohibited() -> None:
    """A category code means one thing."""
    assert not {c.value for c in ContentCategory} & {c.value for c in ProhibitedCategory}


@pytest.mark.parametrize("category", list(ProhibitedCategory))
def test_each_prohibited_category_is_refused_with_its_label_and_number(
    category: ProhibitedCategory,
) -> None:
    """The reason names the category in Chinese, its code and its number in the list."""
    decision = decide(Inspection(category, "", "王师傅"))
    assert not decision.accepted and decision.field == "category"
    assert category.label in decision.reason and f"category {category.number}" in decision.reason
    assert "\n" not in decision.reason


@given(
    category=st.sampled_from(list(ProhibitedCategory)),
    description=descriptions,
    inspector=inspectors,
    sender_refuses=st.booleans(),
)
def test_a_prohibited_category_is_never_accepted(
    category: ProhibitedCategory, description: str, inspector: str, sender_refuses: bool
) -> None:
    """Whatever else the inspection says, prohibited contents are refused."""
    inspection = Inspection(category, description, inspector, sender_refuses)
    assert not decide(inspection).accepted


@given(
    category=st.sampled_from([c for c in ContentCategory if c is not ContentCategory.OTHER]),
    description=descriptions,
    inspector=inspectors,
)
def test_farm_products_inspected_with_a_valid_id_are_accepted(
    category: ContentCategory, description: str, inspector: str
) -> None:
    """Peppers, tomatoes, grapes, dried fruit: accepted when the sender lets them be seen."""
    assert decide(Inspection(category, description, inspector)).accepted


@pytest.mark.parametrize("category", [ContentCategory.PEPPERS, ProhibitedCategory.EXPLOSIVES])
def test_a_sender_refusing_inspection_is_refused(category: ContentCategory) -> None:
    """No inspection, no intake — whatever the sender says is inside."""
    decision = decide(Inspection(category, "", "王师傅", refused_by_sender=True))
    assert not decision.accepted and decision.field == "inspection"
    assert "refuses inspection" in decision.reason


def test_an_id_problem_is_the_first_reason_given() -> None:
    """The real-name check comes before the contents."""
    decision = decide(Inspection(ProhibitedCategory.EXPLOSIVES, "", "王"), "bad check char")
    assert (decision.accepted, decision.field) == (False, "id_number")
    assert decision.reason == "real-name check failed: bad check char"


def test_other_contents_need_a_description() -> None:
    """ "other" says nothing by itself: the inspector writes what was inside."""
    with pytest.raises(InvalidValue, match="describe"):
        Inspection(ContentCategory.OTHER, "  ", "王师傅")
    assert decide(Inspection(ContentCategory.OTHER, "手工地毯 1 条", "王师傅")).accepted


def test_an_inspection_names_who_inspected() -> None:
    """An inspection without an inspector is not a record."""
    with pytest.raises(InvalidValue, match="inspected"):
        Inspection(ContentCategory.PEPPERS, "", "   ")


def test_an_id_or_phone_typed_into_the_description_is_masked() -> None:
    """Free text is scrubbed before it is kept."""
    i = Inspection(ContentCategory.GRAPES, "寄件人 360426199101010071 电话 13812345678", "王")
    assert "360426199101010071" not in i.description and "13812345678" not in i.description
    assert "5678" in i.description


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("peppers", ContentCategory.PEPPERS),
        (" Dried_Fruit ", ContentCategory.DRIED_FRUIT),
        ("葡萄", ContentCategory.GRAPES),
        ("explosives", ProhibitedCategory.EXPLOSIVES),
        ("易燃液体", ProhibitedCategory.FLAMMABLE_LIQUIDS),
    ],
)
def test_a_category_is_read_from_its_code_or_its_chinese_label(text: str, expected: object) -> None:
    """Station keepers may type either."""
    assert parse_category(text) is expected


def test_an_unknown_category_is_refused_listing_the_allowed_ones() -> None:
    """The reason lists what may be typed."""
    with pytest.raises(InvalidValue, match="peppers, tomatoes"):
        parse_category("watermelons")
