"""Simulated outbound farm parcels (农产品进城) through the intake services.

Taken in at a village station (real-name check of a synthetic cooperative's USCC,
inspection), picked up by the next morning's van, unloaded at the centre, and sent out of
the county; screened once where the county's screening rules say — at the prefecture
sorting centre, or at the carrier's county-town office for carriers that bypass it.

`services.intake` and `domain.inspection` are looked up at run time (see
`simulation._intake_module`), so this module loads even where they are not installed.
"""

from __future__ import annotations

import datetime as dt
import importlib
import random
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from countyexpress.domain.identity import IdType, SenderIdentity
from countyexpress.errors import CountyExpressError, InvalidValue
from countyexpress.planning.simulation.demand import Outbound
from countyexpress.services import scans

if TYPE_CHECKING:
    from countyexpress.services.simulation import DayStats, Simulator, _Waiting

LINE_HAUL_VEHICLE = "DEMO-LINEHAUL"
TRUNK_VEHICLE = "DEMO-TRUNK"
INSPECTOR = "站长(模拟)"


class OutboundRun:
    """One day's outbound work for a Simulator."""

    def __init__(self, sim: Simulator, day: dt.date, rng: random.Random, stats: DayStats) -> None:
        self.sim = sim
        self.day = day
        self.rng = rng
        self.stats = stats
        self.code = sim.county.code
        self.intake: Any = sim.intake
        self.inspection: Any = importlib.import_module("countyexpress.domain.inspection")
        self.rules = sim.county.operations.screening

    def _at(self, hour: int, minute: int = 0, seconds: float = 0.0) -> dt.datetime:
        return self.sim.params.timetable.at(self.day, dt.time(hour, minute), seconds / 60)

    def _call(self, fn: Any, *args: Any, **kwargs: Any) -> bool:
        """Call an intake service; a refusal is counted, not raised (a person would fix it)."""
        try:
            fn(self.sim.uow(), *args, **kwargs)
        except (CountyExpressError, InvalidValue):
            self.stats.outbound_refused += 1
            return False
        self.stats.events += 1
        return True

    def _arrive(self, waybills: Sequence[tuple[str, str]], facility: str, at: dt.datetime) -> None:
        """The facility's handheld uploads the arrival scans of outbound parcels."""
        if not waybills or facility not in self.sim.facilities:
            return
        records: list[tuple[int, Mapping[str, Any]]] = [
            (n, {"event_id": self.sim._event_id(self.rng), "waybill_no": w, "carrier": c,
                 "kind": "arrive", "facility": facility,
                 "at": (at + dt.timedelta(seconds=n)).isoformat(), "actor": "sim-outbound"})
            for n, (w, c) in enumerate(waybills)
        ]  # fmt: skip
        result = scans.ingest(self.sim.uow(), records, county=self.code)
        self.stats.events += result.accepted

    def collect(self, waiting: Iterable[_Waiting]) -> None:
        """The morning van takes yesterday's parcels from the stations to the centre."""
        t = self.sim.params.timetable
        parcels = list(waiting)
        moved: list[tuple[str, str]] = []
        for w in parcels:
            van = self.sim._van_for(w.station)
            visit = self.sim._at(self.day, t.dispatch_time, self.sim._minutes_to(w.station) + 5)
            if self._call(
                self.intake.depart_outbound, self.code, w.station, w.waybill, van,
                actor="sim-driver", at=visit,
            ):  # fmt: skip
                moved.append((w.waybill, w.carrier))
        self._arrive(moved, self.sim.centre.code, self._at(15))
        self._leave(self.sim.centre.code, moved)

    def take_in(self, parcels: Sequence[Outbound]) -> list[_Waiting]:
        """Senders hand parcels in; station parcels wait for tomorrow's van."""
        from countyexpress.services.simulation import _Waiting

        waiting: list[_Waiting] = []
        at_office: dict[str, list[tuple[str, str]]] = {}
        for p in sorted(parcels, key=lambda p: p.take_in_minute):
            try:
                category = self.inspection.parse_category(p.category)
                description = ""
            except InvalidValue:
                category, description = self.inspection.ContentCategory.OTHER, p.category
            identity = SenderIdentity(IdType.USCC, p.sender_uscc, p.sender_name, self.day)
            inspection = self.inspection.Inspection(
                category=category, description=description, inspected_by=INSPECTOR
            )
            at = self.sim._at(self.day, dt.time(0), p.take_in_minute)
            if not self._call(
                self.intake.take_in, self.sim.cipher, self.code, p.facility, p.carrier,
                p.waybill, identity, inspection, actor="sim-station", at=at,
            ):  # fmt: skip
                continue
            self.stats.outbound_taken_in += 1
            self.stats.events += 1  # collect and inspect: two scans
            facility = self.sim.facilities[p.facility]
            if facility.kind.value in ("station", "outlet"):
                waiting.append(_Waiting(p.waybill, p.carrier, p.facility))
            else:
                at_office.setdefault(p.facility, []).append((p.waybill, p.carrier))
        for office, group in at_office.items():
            self._leave(office, group)
        return waiting

    def _leave(self, here: str, parcels: Sequence[tuple[str, str]]) -> None:
        """Out of the county, each screened once where the rules say; arrivals uploaded in
        one batch per place."""
        to_office: dict[str, list[tuple[str, str]]] = {}
        to_sorting: dict[str, list[tuple[str, str]]] = {}
        for i, (waybill, carrier) in enumerate(parcels):
            place = self.rules.place_for(carrier)
            s = float(i)
            if not place.in_county:
                if self._call(
                    self.intake.depart_outbound, self.code, here, waybill, LINE_HAUL_VEHICLE,
                    actor="sim-centre", at=self._at(20, 0, s),
                ):  # fmt: skip
                    to_sorting.setdefault(place.facility, []).append((waybill, carrier))
            elif here == place.facility:
                to_office.setdefault(here, []).append((waybill, carrier))
            elif self._call(
                self.intake.depart_outbound, self.code, here, waybill, LINE_HAUL_VEHICLE,
                actor="sim-centre", at=self._at(16, 0, s), to=place.facility,
            ):  # fmt: skip
                self._arrive([(waybill, carrier)], place.facility, self._at(16, 20, s))
                to_office.setdefault(place.facility, []).append((waybill, carrier))
        for office, group in to_office.items():  # screened at the carrier's own machine
            self._screen_and_go(office, group, (18, 0), (19, 0), LINE_HAUL_VEHICLE)
        for sorting, group in to_sorting.items():
            if sorting not in self.sim.facilities:
                continue  # the sorting centre is not in the pack: its scans are not ours
            self._arrive(group, sorting, self._at(22, 30))
            self._screen_and_go(sorting, group, (22, 45), (23, 30), TRUNK_VEHICLE)

    def _screen_and_go(
        self,
        facility: str,
        group: Sequence[tuple[str, str]],
        screen_at: tuple[int, int],
        leave_at: tuple[int, int],
        vehicle: str,
    ) -> None:
        for i, (waybill, _carrier) in enumerate(group):
            if self._call(
                self.intake.screen, self.code, facility, waybill,
                actor="sim-screening", at=self._at(*screen_at, float(i)),
            ):  # fmt: skip
                self.stats.screened += 1
            self._call(
                self.intake.depart_outbound, self.code, facility, waybill, vehicle,
                actor="sim-screening", at=self._at(*leave_at, float(i)),
            )  # fmt: skip
