"""Operations: request ids, structured logs without personal data, metrics, health."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from countyexpress import bootstrap
from countyexpress.entrypoints.api.app import create_app
from countyexpress.entrypoints.api.observability import scrub_personal_data
from countyexpress.services import counties as service
from countyexpress.settings import Settings
from support.web import PEOPLE, add_user, log_in

PHONE, ID_NUMBER = "13812345678", "360426199101010071"


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'ops.db'}")
    engine = bootstrap.open_engine(settings)
    service.load_county(bootstrap.uow_factory(engine)(), bootstrap.read_pack_source("heshuo"))
    add_user(engine, PEOPLE["regulator"])
    with TestClient(create_app(settings, engine)) as c:
        log_in(c, "reg")
        yield c
    engine.dispose()


def test_the_log_processor_masks_mobiles_and_id_numbers() -> None:
    """Whatever a log line carries, a phone shows its tail only and an ID two characters."""
    event = {"event": f"call {PHONE} about {ID_NUMBER}", "items": [PHONE], "n": 3}
    out = scrub_personal_data(None, "info", dict(event))
    text = json.dumps(out)
    assert PHONE not in text and ID_NUMBER not in text
    assert "5678" in out["event"] and out["n"] == 3


def test_each_request_logs_one_json_line_with_its_id_and_no_personal_data(
    client: TestClient, capsys: pytest.CaptureFixture[str]
) -> None:
    """The caller's X-Request-ID comes back and tags the line; the raw path is not logged."""
    capsys.readouterr()
    r = client.get(f"/api/v1/parcels/{PHONE}", params={"phone": PHONE},
                   headers={"X-Request-ID": "req-42"})  # fmt: skip
    assert r.headers["x-request-id"] == "req-42"
    lines = [json.loads(x) for x in capsys.readouterr().err.splitlines() if x.startswith("{")]
    mine = [x for x in lines if x.get("request_id") == "req-42"]
    assert len(mine) == 1
    line = mine[0]
    assert line["route"] == "/api/v1/parcels/{waybill_no}" and line["principal"] == "user:1"
    assert PHONE not in json.dumps(lines)


def test_a_request_without_an_id_gets_a_fresh_one(client: TestClient) -> None:
    """Ids that are missing or not sane are replaced, never echoed."""
    a = client.get("/healthz").headers["x-request-id"]
    b = client.get("/healthz", headers={"X-Request-ID": "bad id!"}).headers["x-request-id"]
    assert a != b and len(a) == 32 and "bad" not in b


def test_metrics_count_requests_by_route_template(client: TestClient) -> None:
    """Prometheus text format, labelled by route template, not by raw path."""
    for _ in range(3):
        client.get("/counties/652828/overview")
    text = client.get("/metrics").text
    wanted = (
        'countyexpress_http_requests_total{method="GET",route="/counties/{code}/overview",'
        'status="200"} 3.0'
    )
    assert wanted in text
    assert "/counties/652828" not in text
