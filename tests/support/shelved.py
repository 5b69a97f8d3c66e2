"""Parcels shelved at times that cross the county's midnight and a month end (issue 12)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlalchemy import Engine

from countyexpress import bootstrap
from countyexpress.adapters.vault import Vault
from countyexpress.domain.delivery import DeliveryChoice
from countyexpress.services import centre, stations
from countyexpress.services import counties as county_service
from countyexpress.settings import Settings
from support.web import CARRIER, HESHUO, RECEIVER_PHONE, STATION

UTC = dt.UTC
MORNING = "ZT7312345679101"  # shelved 2026-12-03 02:39Z = 10:39 in the county
MIDNIGHT = "ZT7312345679102"  # shelved 2026-11-30 16:30Z = 2026-12-01 00:30 in the county
SHELVED = {
    MORNING: dt.datetime(2026, 12, 3, 2, 39, tzinfo=UTC),
    MIDNIGHT: dt.datetime(2026, 11, 30, 16, 30, tzinfo=UTC),
}


def seed_shelved(engine: Engine, settings: Settings, shelved: dict[str, dt.datetime]) -> None:
    """Each parcel on a manifest, sorted, dispatched and shelved at HS-STA-01 at its time."""
    vault = Vault(settings.data_key_bytes())
    uow = bootstrap.uow_factory(engine)
    first = min(shelved.values()) - dt.timedelta(hours=6)
    centre.record_consent(uow(), vault, HESHUO, RECEIVER_PHONE, DeliveryChoice.STATION, now=first)
    for waybill, at in shelved.items():
        item = {"waybill_no": waybill, "receiver_name": "张三", "receiver_phone": RECEIVER_PHONE,
                "address": "和硕县乌什塔拉回族乡塔拉村3组12号", "weight_kg": 1.2}  # fmt: skip
        centre.add_manifest(uow(), vault, HESHUO, CARRIER, [(1, item)],
                            now=at - dt.timedelta(hours=4))  # fmt: skip
        bag = centre.centre_inbound(uow(), HESHUO, waybill, "HS-CENTER",
                                    at=at - dt.timedelta(hours=3)).route_bag  # fmt: skip
        assert bag is not None
        centre.dispatch(uow(), HESHUO, bag, "VAN-01", "HS-CENTER", at=at - dt.timedelta(hours=2))
        stations.station_inbound(uow(), vault, HESHUO, STATION, waybill, at=at)


def shelved_county(folder: Path) -> tuple[Engine, Settings]:
    """Heshuo in a fresh SQLite database under `folder`, with SHELVED on HS-STA-01's shelf."""
    settings = Settings(database_url=f"sqlite:///{folder / 'shelved.db'}")
    engine = bootstrap.open_engine(settings)
    county_service.load_county(
        bootstrap.uow_factory(engine)(), bootstrap.read_pack_source("heshuo")
    )
    seed_shelved(engine, settings, SHELVED)
    return engine, settings
