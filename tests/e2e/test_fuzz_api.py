"""T5 fuzzing, the suite's share: schemathesis over the whole OpenAPI document, as every role.

Every operation of /api/v1/openapi.json gets a few derandomized generated requests through
the real app, anonymously, as each person's role (logged in through the form) and as a
carrier's API key, on a loaded county; no answer may be a server error or differ from the
document (status, media type, headers, body). The longer run, with invalid requests too,
is benchmarks/reliability/fuzz.py, its figures in benchmarks/reliability/results/.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from countyexpress.domain.geography import county_code6
from countyexpress.domain.scans import normalise_waybill
from countyexpress.entrypoints.api.openapi import SESSION_COOKIE
from countyexpress.entrypoints.api.schemas import COUNTY_CODE, WAYBILL_NO
from countyexpress.entrypoints.web import shell
from countyexpress.errors import InvalidValue

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = 4  # per operation and role: ~1,400 requests in all


@pytest.fixture(scope="module")
def fuzz() -> ModuleType:
    sys.path.insert(0, str(ROOT / "benchmarks" / "reliability"))
    import fuzz as module

    return module


@pytest.fixture(scope="module")
def world(fuzz: ModuleType, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    with fuzz.world(tmp_path_factory.mktemp("fuzz")) as w:
        yield w


ROLES = ("anonymous", "regulator", "centre_operator", "station_keeper", "driver", "admin",
         "carrier")  # fmt: skip


@pytest.mark.parametrize("role", ROLES)
def test_every_answer_is_what_the_document_says(fuzz: ModuleType, world: Any, role: str) -> None:
    tally = fuzz.fuzz(world, [role], EXAMPLES)
    assert tally.requests >= EXAMPLES * 20, tally.requests
    unknown = [f for f in tally.failures if not fuzz.known(f)]
    assert unknown == [], "\n".join(
        f"{f['operation']} → {f['status']}: {' / '.join(x for x in f['message'] if x)}"
        for f in unknown[:20]
    )


def test_the_document_declares_security_and_refusals(world: Any) -> None:
    """Every non-public operation names its credentials and its 401/403; the 422 is the
    app's real shape; the session scheme names the app's cookie."""
    doc = world.app.openapi()
    schemes = doc["components"]["securitySchemes"]
    assert schemes["ApiKey"] == {**schemes["ApiKey"], "in": "header", "name": "X-API-Key"}
    assert schemes["Session"]["name"] == SESSION_COOKIE == shell.SESSION_COOKIE
    for path, ops in doc["paths"].items():
        for method, op in ops.items():
            public = path == "/api/v1/parcels/lookup"
            credentials = [{"ApiKey": []}, {"Bearer": []}, {"Session": []}]
            assert op["security"] == ([] if public else credentials), (method, path)
            if not public:
                assert {"401", "403"} <= set(op["responses"]), (method, path)
            invalid = op["responses"]["422"]["content"]["application/json"]["schema"]
            assert {"$ref": "#/components/schemas/InvalidValue"} in invalid["anyOf"]


@given(st.from_regex(COUNTY_CODE, fullmatch=True))
def test_a_county_code_of_the_documented_pattern_is_accepted(code: str) -> None:
    assert county_code6(code) == code[:6]


@given(st.text(alphabet="0123456789a ", max_size=14))
def test_a_county_code_outside_the_pattern_is_refused(code: str) -> None:
    assume(" " not in code and not re.fullmatch(COUNTY_CODE, code))
    with pytest.raises(InvalidValue):
        county_code6(code)


@given(st.from_regex(WAYBILL_NO, fullmatch=True))
def test_a_waybill_number_of_the_documented_pattern_is_accepted(number: str) -> None:
    assert re.fullmatch(r"[A-Z0-9]{6,32}", normalise_waybill(number))


@given(st.text(alphabet="AZaz09- _#", max_size=40))
def test_a_waybill_number_outside_the_pattern_is_refused(number: str) -> None:
    assume(not re.fullmatch(WAYBILL_NO, number))
    with pytest.raises(InvalidValue):
        normalise_waybill(number)


@pytest.mark.parametrize("record_id", ["99999999999999999999", "2147483648", "0", "-1"])
def test_a_record_id_out_of_range_is_refused_not_a_server_error(world: Any, record_id: str) -> None:
    from fastapi.testclient import TestClient

    client = TestClient(world.app, raise_server_exceptions=False)
    creds = world.credentials["admin"]
    client.cookies.update(creds["cookies"])
    base = f"/api/v1/counties/652828/records/{record_id}"
    got = client.get(f"{base}/attachments/1", headers=creds["headers"])
    assert got.status_code == 422, got.text
    assert "record_id" in got.text
    step = {"verb": "close", "on": "2026-11-02"}
    posted = client.post(f"{base}/steps", json=step, headers=creds["headers"])
    assert posted.status_code == 422, posted.text


def test_the_largest_record_id_is_not_found_rather_than_refused(world: Any) -> None:
    from fastapi.testclient import TestClient

    client = TestClient(world.app, raise_server_exceptions=False)
    creds = world.credentials["admin"]
    client.cookies.update(creds["cookies"])
    got = client.get("/api/v1/counties/652828/records/2147483647/attachments/1",
                     headers=creds["headers"])  # fmt: skip
    assert got.status_code == 404, got.text
