"""The centre's screen over HTTP: inbound and sort, dispatch, the manual queue."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from countyexpress import bootstrap
from countyexpress.adapters.db.uow import SqlUnitOfWork
from countyexpress.adapters.packs import builtin_pack_path
from countyexpress.adapters.vault import Vault
from countyexpress.entrypoints.api.app import create_app
from countyexpress.services import centre, vehicles
from countyexpress.services import counties as service
from countyexpress.settings import Settings
from support.web import CARRIER, HESHUO, PEOPLE, RECEIVER_PHONE, add_user, csrf_of, log_in

GOOD, LOST = "ZT7312345678911", "ZT7312345678912"


@pytest.fixture
def operator(tmp_path: Path) -> Iterator[TestClient]:
    """A centre operator logged in; two parcels on a manifest, one with an unknown address."""
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'desk.db'}")
    engine = bootstrap.open_engine(settings)
    service.load_county(bootstrap.uow_factory(engine)(), bootstrap.read_pack_source("heshuo"))
    pack = builtin_pack_path("heshuo") or Path("heshuo")
    vehicles.load_pack_vehicles(bootstrap.uow_factory(engine)(), HESHUO, pack)  # registry
    add_user(engine, PEOPLE["centre_operator"])
    vault = Vault(settings.data_key_bytes())
    now = dt.datetime.now(dt.UTC)
    base = {"receiver_name": "张三", "receiver_phone": RECEIVER_PHONE, "weight_kg": 1.0}
    items = [
        {**base, "waybill_no": GOOD, "address": "和硕县乌什塔拉回族乡塔拉村3组12号"},
        {**base, "waybill_no": LOST, "address": "某某路无名小区"},
    ]
    centre.add_manifest(SqlUnitOfWork(engine), vault, HESHUO, CARRIER,
                        list(enumerate(items, start=1)), now=now)  # fmt: skip
    with TestClient(create_app(settings, engine)) as client:
        log_in(client, "centre")
        yield client
    engine.dispose()


def _post(client: TestClient, url: str, **form: str) -> str:
    page = client.get(url.rsplit("/", 1)[0])
    r = client.post(url, data={"csrf_token": csrf_of(page.text), **form})
    return r.text


def test_a_parcel_is_sorted_to_its_bag_and_the_bag_dispatched(operator: TestClient) -> None:
    """Scan in: route bag named; the bag waits with one parcel; dispatch empties it."""
    page = operator.get(f"/counties/{HESHUO}/centre")
    assert page.url.path.endswith("/centre/HS-CENTER") and "共配中心" in page.text
    base = page.url.path
    html = _post(operator, f"{base}/inbound", waybill=GOOD)
    bag = re.search(r'class="big route-bag">([^<]+)<', html).group(1)  # type: ignore[union-attr]
    assert f'data-bag="{bag}"' in operator.get(base).text
    html = _post(operator, f"{base}/dispatch", route_bag=bag, vehicle="HS-KD-DEMO-V01")
    assert 'data-outcome="dispatched"' in html and f'data-bag="{bag}"' not in html


def test_an_unresolved_address_waits_in_the_queue_until_resolved(operator: TestClient) -> None:
    """The manual queue lists it masked; resolved by hand, it sorts on the next scan."""
    base = f"/counties/{HESHUO}/centre/HS-CENTER"
    html = _post(operator, f"{base}/inbound", waybill=LOST)
    assert 'data-outcome="queued"' in html and f'data-waybill="{LOST}"' in html
    assert RECEIVER_PHONE not in html and "张三" not in html
    village = re.search(r'<option value="(\d{12})">', html).group(1)  # type: ignore[union-attr]
    html = _post(operator, f"{base}/resolve", waybill=LOST, division=village)
    assert 'data-outcome="resolved"' in html and f'data-waybill="{LOST}"' not in html
    assert 'data-outcome="sorted"' in _post(operator, f"{base}/inbound", waybill=LOST)


def test_a_station_keeper_may_not_open_the_centre(tmp_path: Path) -> None:
    """The centre's screen is the centre's: a keeper gets 403."""
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'k.db'}")
    engine = bootstrap.open_engine(settings)
    service.load_county(bootstrap.uow_factory(engine)(), bootstrap.read_pack_source("heshuo"))
    add_user(engine, PEOPLE["station_keeper"])
    with TestClient(create_app(settings, engine)) as client:
        log_in(client, "keeper")
        assert client.get(f"/counties/{HESHUO}/centre/HS-CENTER").status_code == 403
    engine.dispose()


SENDER_ID = "360426199101010071"


@pytest.fixture
def keeper(tmp_path: Path) -> Iterator[TestClient]:
    """HS-STA-01's keeper, logged in."""
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'intake.db'}")
    engine = bootstrap.open_engine(settings)
    service.load_county(bootstrap.uow_factory(engine)(), bootstrap.read_pack_source("heshuo"))
    add_user(engine, PEOPLE["station_keeper"])
    with TestClient(create_app(settings, engine)) as client:
        log_in(client, "keeper")
        yield client
    engine.dispose()


def _intake(client: TestClient, **form: str) -> tuple[int, str]:
    url = f"/counties/{HESHUO}/stations/HS-STA-01"
    token = csrf_of(client.get(url).text)
    fields = {"waybill": "ZT7312345670001", "carrier": "ems", "id_type": "resident_id",
              "id_number": SENDER_ID, "name": "李四", "category": "peppers", **form}  # fmt: skip
    r = client.post(f"{url}/intake", data={"csrf_token": token, **fields})
    return r.status_code, r.text


def test_a_keeper_takes_a_farm_parcel_in_with_real_name_and_inspection(
    keeper: TestClient,
) -> None:
    """Accepted: the answer shows the sender and the ID masked, and where it is screened."""
    status, html = _intake(keeper)
    assert status == 200 and 'data-outcome="taken-in"' in html
    assert SENDER_ID not in html and "李四" not in html
    assert "李*" in html and "3****************1" in html


@pytest.mark.parametrize(
    ("form", "field"),
    [
        ({"id_number": "360426199101010072"}, "number"),  # wrong check character
        ({"refuses_inspection": "true"}, "inspection"),
    ],
)
def test_an_intake_the_rules_refuse_names_the_field(
    keeper: TestClient, form: dict[str, str], field: str
) -> None:
    """A bad ID or a refused inspection: nothing taken in, the reason shown, no ID echoed."""
    status, html = _intake(keeper, **form)
    assert status == 422 and 'data-outcome="refused"' in html
    assert "360426199101010072" not in html
    assert f"<code>{field}</code>" in html
