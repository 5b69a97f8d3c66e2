"""The region screen's set-based queries on PostgreSQL (issue 17, item 5): the same rows as
on SQLite for two counties, a prefecture narrowing them, a stuck parcel counted."""

from __future__ import annotations

import datetime as dt

from countyexpress import bootstrap
from countyexpress.domain.access import SYSTEM, Principal, Role
from countyexpress.services import counties as county_service
from countyexpress.services import region_overview
from countyexpress.settings import Settings
from packs import FIXTURES
from support.shelved import seed_shelved


def test_the_region_rows_on_postgresql(postgres_url: str) -> None:
    settings = Settings(database_url=postgres_url)
    engine = bootstrap.open_engine(settings)
    try:
        uow = bootstrap.uow_factory(engine)
        for source in ("heshuo", str(FIXTURES / "testcounty")):
            county_service.load_county(uow(), bootstrap.read_pack_source(source))
        now = dt.datetime.now(dt.UTC)
        seed_shelved(engine, settings, {"ZT7312345679401": now - dt.timedelta(hours=50)})
        every = region_overview.region(uow(), SYSTEM, sort="stuck")
        assert [r.code for r in every.rows] == ["652828", "990101"]
        heshuo = every.rows[0]
        assert heshuo.stuck == 1 and heshuo.volume == 1 and heshuo.unclaimed == 0
        assert heshuo.village_coverage is not None and heshuo.resident_coverage is not None
        assert heshuo.targets_met is None  # no snapshot taken
        assert heshuo.estimated and not heshuo.simulated  # estimated villages; real parcels
        bayingolin = Principal("p", "p", Role.REGULATOR, "6528")
        assert [r.code for r in region_overview.region(uow(), bayingolin).rows] == ["652828"]
    finally:
        engine.dispose()
