"""What a Dask worker runs for `region simulate` (issue 17): one county's simulated days
through the real services, against the database the worker's own settings name
(COUNTYEXPRESS_DATABASE_URL, and the data key of its data folder or environment — no secret
travels with the task). Start workers with the platform's environment: docs/deploy-postgresql.md.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from countyexpress.adapters.db.cached import CountyCachingUnitOfWork
from countyexpress.adapters.db.region_engine import worker_engine
from countyexpress.adapters.packs.simulation import params_for
from countyexpress.adapters.vault import Vault
from countyexpress.domain.county import County
from countyexpress.errors import CountyExpressError
from countyexpress.services import counties, simulation
from countyexpress.services.region import CountyFailed, county_seed
from countyexpress.settings import get_settings

__all__ = ["simulate_county"]

TOTALS = ("planned", "sorted", "dispatched", "door", "stored", "locker", "picked_up",
          "returned", "outbound_taken_in", "events")  # fmt: skip


def simulate_county(
    code: str, days: int, last: dt.date, seed: int, scale: float, outbound: bool, morning: bool
) -> dict[str, Any]:
    """Simulate the `days` days up to `last` in county `code` (days already simulated are
    skipped), with the county's own seed drawn from `seed`; with `morning`, also the next
    day's morning (its bags sorted at the centre, ready for `region plan`). Its figures."""
    settings = get_settings()
    engine = worker_engine(settings.database_url, settings.sqlite_synchronous)
    cache: dict[str, County] = {}

    def factory() -> CountyCachingUnitOfWork:
        return CountyCachingUnitOfWork(engine, cache)

    own = county_seed(seed, code)
    try:
        county = counties.get_county(factory(), code)
        stored = counties.stored_document(factory(), county.code, "simulation")
        params = params_for(county, None, stored)
        vault = Vault(settings.data_key_bytes())
        start = last - dt.timedelta(days=days - 1)
        run = simulation.simulate(factory, vault, county.code, params, start, days, seed=own,
                                  scale=scale, outbound=outbound)  # fmt: skip
        sorted_next = 0
        if morning:
            next_day = last + dt.timedelta(days=1)
            if next_day not in set(simulation.simulated_days(factory(), county.code)):
                sorted_next = simulation.simulate_morning(
                    factory, vault, county.code, params, next_day, seed=own, scale=scale
                ).sorted
    except CountyExpressError as exc:
        raise CountyFailed(str(exc)) from None
    finally:
        engine.dispose()
    return {
        "seed": own,
        "start": start.isoformat(),
        "simulated_days": len(run.stats),
        "skipped_days": len(run.skipped),
        "seconds": round(sum(s.seconds for s in run.stats), 1),
        **{name: run.total(name) for name in TOTALS},
        "morning_sorted": sorted_next,
    }
