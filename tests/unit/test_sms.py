"""SMS texts in the receiver's language (issue 18): Chinese by default, Uyghur or English
when the receiver chose it; every template's placeholders filled in every language."""

from __future__ import annotations

import re

import pytest

from countyexpress.domain.sms import LANGUAGES, TEMPLATES, checked_language, sms_text
from countyexpress.entrypoints.web.i18n import gettext_for
from countyexpress.errors import InvalidValue

PARAMS = {
    "pickup_ready": {"waybill_tail": "8931", "facility": "塔拉村服务站", "pickup_code": "A-0146"},
    "locker_ready": {"waybill_tail": "8948", "locker": "HS-LCK-01", "pickup_code": "381204",
                     "free_hours": 24},
}  # fmt: skip


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("template", sorted(TEMPLATES))
def test_every_template_reads_in_every_language_with_its_values(
    template: str, language: str
) -> None:
    text = sms_text(template, {**PARAMS[template], "lang": language}, gettext_for)
    assert all(str(v) in text for v in PARAMS[template].values()), text
    assert "%(" not in text
    script = {"zh_CN": r"[\u4e00-\u9fff]", "ug": r"[\u0600-\u06ff]", "en": r"[A-Za-z]{4,}"}
    assert re.search(script[language], text), (language, text)


def test_a_message_without_a_language_is_in_chinese() -> None:
    text = sms_text("pickup_ready", PARAMS["pickup_ready"], gettext_for)
    assert text == sms_text("pickup_ready", {**PARAMS["pickup_ready"], "lang": "zh_CN"},
                            gettext_for)  # fmt: skip
    assert "取件码" in text


def test_an_unknown_template_keeps_its_values() -> None:
    assert sms_text("later", {"a": 1, "lang": "ug"}, gettext_for) == "later: a=1"


@pytest.mark.parametrize("value", ["fr", "zh", "UG", "english"])
def test_a_language_not_offered_is_refused_by_name(value: str) -> None:
    with pytest.raises(InvalidValue) as caught:
        checked_language(value)
    assert caught.value.field == "language"


def test_no_language_is_the_default() -> None:
    assert checked_language(None) is None and checked_language("") is None
    assert checked_language("ug") == "ug"
