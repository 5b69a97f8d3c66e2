"""The public look-up answers with a timeline in the county's time (issue 12, wrong result 4).

It printed the API's raw JSON and mixed +08:00 and +00:00. The API now gives every step's
time with the county's offset (+08:00) and the step's kind; the page translates the kinds and
shows the time, the step and the place, and nothing about the receiver."""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from countyexpress.entrypoints.api.app import create_app
from support.shelved import MIDNIGHT, MORNING, SHELVED, shelved_county
from support.web import RECEIVER_PHONE

_HOSTS = itertools.count(1)


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    engine, settings = shelved_county(tmp_path_factory.mktemp("timeline"))
    yield create_app(settings, engine)
    engine.dispose()


def _lookup(app: object, waybill: str) -> dict[str, object]:
    """One look-up from a fresh address (the look-up limit counts per address)."""
    n = next(_HOSTS)
    c = TestClient(app, client=(f"198.51.100.{n % 250 + 1}", 40000 + n))  # type: ignore[arg-type]
    r = c.post("/api/v1/parcels/lookup", json={"waybill_no": waybill, "phone_tail": "5678"})
    assert r.status_code == 200, r.text
    data: dict[str, object] = r.json()
    return data


def test_every_step_time_carries_the_county_offset(app: object) -> None:
    """One offset for all steps, +08:00; the shelving at 16:30Z is 00:30 on 1 December."""
    steps = _lookup(app, MIDNIGHT)["steps"]
    assert isinstance(steps, list) and steps
    assert all(str(s["at"]).endswith("+08:00") for s in steps), steps
    assert "+00:00" not in str(steps) and "Z'" not in str(steps)
    kinds = [s["kind"] for s in steps]
    assert kinds[:2] == ["arrive", "sort"] and kinds[-1] == "store", kinds
    assert steps[-1]["at"] == "2026-12-01T00:30+08:00"
    assert dt.datetime.fromisoformat(str(steps[-1]["at"])) == SHELVED[MIDNIGHT]


def test_the_steps_name_places_not_people(app: object) -> None:
    """Each step names the facility; nothing of the receiver's phone or name."""
    found = _lookup(app, MORNING)
    steps = found["steps"]
    assert isinstance(steps, list)
    assert all(s["where"] for s in steps) and {"at", "kind", "what", "where"} <= set(steps[0])
    text = str(steps)
    assert RECEIVER_PHONE not in text and "张三" not in text and "3组" not in text


def test_the_page_has_no_raw_json_and_translates_the_steps(app: object) -> None:
    """The look-up page carries the step names in the reader's language for lookup.js."""
    with TestClient(app) as client:  # type: ignore[arg-type]
        zh = client.get("/lookup").text
        en = client.get("/lookup?lang=en").text
    assert 'data-step-store="待取件"' in zh and 'data-step-sort="已分拣"' in zh
    assert 'data-step-store="waiting for pickup"' in en
    assert 'data-state-stored="待取件"' in zh
    script = (
        Path(__file__).resolve().parents[2] / "src/countyexpress/entrypoints/web/static/lookup.js"
    ).read_text()
    assert "JSON.stringify(value)" not in script and "Object.keys(data)" not in script
    assert re.search(r"data\.receiver|receiver_phone", script) is None  # never shown
