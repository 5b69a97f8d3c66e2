"""The vehicle registry on SQL (issue 14): a county's fleet replaced whole, listed, and the
audit trail of imports."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, delete, insert, select

from countyexpress.adapters.db.tables_vehicles import vehicle_imports, vehicles
from countyexpress.domain.vehicles import RegisteredVehicle


class SqlVehicles:
    """Vehicles of each county inside the unit of work's transaction."""

    def __init__(self, connection: Connection) -> None:
        self._conn = connection

    def replace(
        self,
        county_code: str,
        fleet: Sequence[RegisteredVehicle],
        *,
        by: str,
        at: dt.datetime,
        source: str,
    ) -> int:
        """Put `fleet` in place of the county's vehicles and record the import; its count."""
        self._conn.execute(delete(vehicles).where(vehicles.c.county_code == county_code))
        if fleet:
            self._conn.execute(
                insert(vehicles),
                [{"county_code": county_code, **_row(vehicle)} for vehicle in fleet],
            )
        self._conn.execute(
            insert(vehicle_imports).values(
                county_code=county_code, by=by, at=at.astimezone(dt.UTC),
                source=source[:200], count=len(fleet),
            )
        )  # fmt: skip
        return len(fleet)

    def fleet(self, county_code: str) -> list[RegisteredVehicle]:
        """The county's vehicles by unified number."""
        rows = self._conn.execute(
            select(vehicles).where(vehicles.c.county_code == county_code)
            .order_by(vehicles.c.unified_no)
        ).mappings()  # fmt: skip
        return [
            RegisteredVehicle(**{k: v for k, v in row.items() if k != "county_code"})
            for row in rows
        ]

    def imports(self, county_code: str) -> list[dict[str, Any]]:
        """The county's imports, latest first: who, when, from what, how many."""
        rows = self._conn.execute(
            select(vehicle_imports).where(vehicle_imports.c.county_code == county_code)
            .order_by(vehicle_imports.c.id.desc())
        ).mappings()  # fmt: skip
        return [dict(row) for row in rows]


def _row(vehicle: RegisteredVehicle) -> dict[str, Any]:
    return {
        "unified_no": vehicle.unified_no, "plate": vehicle.plate, "kind": vehicle.kind,
        "owner": vehicle.owner, "new_energy": vehicle.new_energy,
        "insured_until": vehicle.insured_until, "marked": vehicle.marked,
        "courier_staff_no": vehicle.courier_staff_no,
        "priority_permit": vehicle.priority_permit, "routing": dict(vehicle.routing),
    }  # fmt: skip
