"""Inspection on intake (收寄验视): what is in the parcel, and whether it may be taken in.

The prohibited categories are the 19 of 禁止寄递物品指导目录 (2016) as the reference lists
them; their wording and order are [memory], not checked against the gazette, so the list
is data a county could correct. Everything that is not prohibited is an allowed content
category; those here are the farm products Heshuo sends up to town (农产品进城) plus
"other", which needs a description of what the inspector saw.

The rules of intake, in the order they are checked (`decide`):

1. real-name check: an ID that does not pass its check is refused (邮件快件实名收寄管理办法);
2. a sender who refuses inspection is refused (快递暂行条例) [memory for the article];
3. a prohibited category is refused, naming the category.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from countyexpress.domain.privacy import scrub
from countyexpress.errors import InvalidValue

__all__ = [
    "Category",
    "ContentCategory",
    "Inspection",
    "IntakeDecision",
    "ProhibitedCategory",
    "decide",
    "parse_category",
]

MAX_DESCRIPTION_CHARS = 200
MAX_INSPECTOR_CHARS = 100


class ProhibitedCategory(StrEnum):
    """禁止寄递物品指导目录 (2016): the 19 categories no parcel may contain [memory]."""

    FIREARMS = "firearms"
    CONTROLLED_KNIVES = "controlled_knives"
    EXPLOSIVES = "explosives"
    GASES = "gases"
    FLAMMABLE_LIQUIDS = "flammable_liquids"
    FLAMMABLE_SOLIDS = "flammable_solids"
    OXIDISERS = "oxidisers"
    TOXIC = "toxic"
    INFECTIOUS = "infectious"
    RADIOACTIVE = "radioactive"
    CORROSIVES = "corrosives"
    DRUGS = "drugs"
    ILLEGAL_PUBLICATIONS = "illegal_publications"
    ESPIONAGE_DEVICES = "espionage_devices"
    FORGED_ITEMS = "forged_items"
    COUNTERFEIT_GOODS = "counterfeit_goods"
    ENDANGERED_WILDLIFE = "endangered_wildlife"
    BANNED_IMPORT_EXPORT = "banned_import_export"
    BANNED_BY_LAW = "banned_by_law"

    @property
    def label(self) -> str:
        """The Chinese name of the category."""
        return _PROHIBITED_LABELS[self]

    @property
    def number(self) -> int:
        """Its place in the list, 1–19."""
        return list(ProhibitedCategory).index(self) + 1


_PROHIBITED_LABELS: dict[ProhibitedCategory, str] = {
    ProhibitedCategory.FIREARMS: "枪支（含仿制品、主要零部件）弹药",
    ProhibitedCategory.CONTROLLED_KNIVES: "管制器具",
    ProhibitedCategory.EXPLOSIVES: "爆炸物品",
    ProhibitedCategory.GASES: "压缩和液化气体及其容器",
    ProhibitedCategory.FLAMMABLE_LIQUIDS: "易燃液体",
    ProhibitedCategory.FLAMMABLE_SOLIDS: "易燃固体、自燃物质、遇水易燃物质",
    ProhibitedCategory.OXIDISERS: "氧化剂和过氧化物",
    ProhibitedCategory.TOXIC: "毒性物质",
    ProhibitedCategory.INFECTIOUS: "生化制品、传染性、感染性物质",
    ProhibitedCategory.RADIOACTIVE: "放射性物质",
    ProhibitedCategory.CORROSIVES: "腐蚀性物质",
    ProhibitedCategory.DRUGS: "毒品及吸毒工具、非正当用途的麻醉药品和精神药品、易制毒化学品",
    ProhibitedCategory.ILLEGAL_PUBLICATIONS: "非法出版物、印刷品、音像制品等宣传品",
    ProhibitedCategory.ESPIONAGE_DEVICES: "间谍专用器材",
    ProhibitedCategory.FORGED_ITEMS: "非法伪造物品",
    ProhibitedCategory.COUNTERFEIT_GOODS: "侵犯知识产权和假冒伪劣物品",
    ProhibitedCategory.ENDANGERED_WILDLIFE: "濒危野生动物及其制品",
    ProhibitedCategory.BANNED_IMPORT_EXPORT: "禁止进出境物品",
    ProhibitedCategory.BANNED_BY_LAW: "其他法律法规禁止寄递的物品",
}


class ContentCategory(StrEnum):
    """Allowed contents: Heshuo's farm products going up to town, and other goods."""

    PEPPERS = "peppers"  # 辣椒, Heshuo's best-known crop
    TOMATOES = "tomatoes"  # 番茄
    GRAPES = "grapes"  # 葡萄
    DRIED_FRUIT = "dried_fruit"  # 干果 (dates, walnuts, raisins …)
    OTHER = "other"  # 其他: describe what was inspected

    @property
    def label(self) -> str:
        """The Chinese name of the category."""
        return _CONTENT_LABELS[self]


_CONTENT_LABELS: dict[ContentCategory, str] = {
    ContentCategory.PEPPERS: "辣椒",
    ContentCategory.TOMATOES: "番茄",
    ContentCategory.GRAPES: "葡萄",
    ContentCategory.DRIED_FRUIT: "干果",
    ContentCategory.OTHER: "其他",
}

Category = ContentCategory | ProhibitedCategory


def parse_category(text: str) -> Category:
    """A category from its code ("peppers", "explosives") or its Chinese label ("辣椒")."""
    key = text.strip()
    for enum in (ContentCategory, ProhibitedCategory):
        for member in enum:
            if key.lower() == member.value or key == member.label:
                return member
    allowed = ", ".join(c.value for c in ContentCategory)
    raise InvalidValue(
        "category",
        f"unknown category {key!r}: use one of {allowed} or a prohibited category's code",
    )


@dataclass(frozen=True)
class Inspection:
    """What the inspector recorded: the category, a description, who inspected, and
    whether the sender refused to have the parcel opened.

    The description is free text, so a resident ID or mobile number typed into it is
    masked (privacy.scrub) before it is kept.
    """

    category: Category
    description: str = ""
    inspected_by: str = ""
    refused_by_sender: bool = False

    def __post_init__(self) -> None:
        if not isinstance(self.category, ContentCategory | ProhibitedCategory):
            object.__setattr__(self, "category", parse_category(str(self.category)))
        text = scrub(" ".join(self.description.split()))
        if len(text) > MAX_DESCRIPTION_CHARS:
            raise InvalidValue(
                "description", f"a description has at most {MAX_DESCRIPTION_CHARS} characters"
            )
        object.__setattr__(self, "description", text)
        who = " ".join(self.inspected_by.split())
        if not who:
            raise InvalidValue("inspected_by", "name who inspected the parcel")
        if len(who) > MAX_INSPECTOR_CHARS:
            raise InvalidValue(
                "inspected_by", f"inspected_by has at most {MAX_INSPECTOR_CHARS} characters"
            )
        object.__setattr__(self, "inspected_by", who)
        if self.category is ContentCategory.OTHER and not text and not self.refused_by_sender:
            raise InvalidValue("description", "for category other, describe what was inspected")

    @property
    def prohibited(self) -> bool:
        """Whether the contents fall in a prohibited category."""
        return isinstance(self.category, ProhibitedCategory)


@dataclass(frozen=True)
class IntakeDecision:
    """Whether a parcel may be taken in; when not, the field to fix and a one-line reason."""

    accepted: bool
    reason: str = ""
    field: str = ""

    @classmethod
    def accept(cls) -> IntakeDecision:
        """Taken in."""
        return cls(True)

    @classmethod
    def refuse(cls, field: str, reason: str) -> IntakeDecision:
        """Refused, with what to act on."""
        return cls(False, reason, field)


def decide(inspection: Inspection, id_problem: str | None = None) -> IntakeDecision:
    """Accept or refuse an intake: the ID's problem (from identity.validate_id) first, then
    a sender refusing inspection, then a prohibited category."""
    if id_problem:
        return IntakeDecision.refuse("id_number", f"real-name check failed: {id_problem}")
    if inspection.refused_by_sender:
        return IntakeDecision.refuse(
            "inspection",
            "the sender refuses inspection: a parcel is taken in only after its contents "
            "are inspected (收寄验视)",
        )
    if isinstance(inspection.category, ProhibitedCategory):
        c = inspection.category
        return IntakeDecision.refuse(
            "category",
            f"{c.label} ({c.value}) is prohibited (禁止寄递物品指导目录 2016, category "
            f"{c.number}): refuse the parcel",
        )
    return IntakeDecision.accept()
