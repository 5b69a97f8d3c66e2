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
from countyexpress.errors import InvalidValue
from countyexpress.planning.simulation.demand import Outbound
from countyexpress.services import scans

if TYPE_CHECKING:
    from countyexpress.services.simulation import DayStats, Simulator, _Waiting

LINE_HAUL_VEHICLE = "DEMO-LINEHAUL"
TRUNK_VEHICLE = "DEMO-TRUNK"
INSPECTOR = "站长(模拟)"

Move = tuple[str, str, str, dt.datetime, str | None]
"""A departure: facility, waybill, vehicle, device time, and the facility it goes to."""


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

    def _batch(self, fn: Any, *args: Any, **kwargs: Any) -> set[str]:
        """Call a batch form of an intake service; refusals are counted (a person would fix
        them), each parcel done is one scan. The waybills done."""
        result = fn(self.sim.uow(), *args, **kwargs)
        self.stats.outbound_refused += len(result.refused)
        self.stats.events += len(result.done)
        return {d.waybill_no for d in result.done}

    def _departures(self, moves: Sequence[Move], actor: str) -> set[str]:
        """(facility, waybill, vehicle, at, to) each, in one batch; the waybills that left."""
        if not moves:
            return set()
        departures = [self.intake.Departure(f, w, v, at, to) for f, w, v, at, to in moves]
        return self._batch(self.intake.depart_outbound_many, self.code, departures, actor=actor)

    def _arrive(self, arrivals: Sequence[tuple[str, str, str, dt.datetime]]) -> None:
        """The facilities' handhelds upload the arrival scans of outbound parcels:
        (waybill, carrier, facility, at) each, in one upload."""
        records: list[tuple[int, Mapping[str, Any]]] = [
            (n, {"event_id": self.sim._event_id(self.rng), "waybill_no": w, "carrier": c,
                 "kind": "arrive", "facility": facility, "at": at.isoformat(),
                 "actor": "sim-outbound"})
            for n, (w, c, facility, at) in enumerate(arrivals)
            if facility in self.sim.facilities
        ]  # fmt: skip
        if records:
            result = scans.ingest(self.sim.uow(), records, county=self.code)
            self.stats.events += result.accepted

    def collect(self, waiting: Iterable[_Waiting]) -> None:
        """The morning van takes yesterday's parcels from the stations to the centre."""
        t = self.sim.params.timetable
        parcels = list(waiting)
        moves = [
            (w.station, w.waybill, self.sim._van_for(w.station),
             self.sim._at(self.day, t.dispatch_time, self.sim._minutes_to(w.station) + 5), None)
            for w in parcels
        ]  # fmt: skip
        left = self._departures(moves, "sim-driver")
        moved = [(w.waybill, w.carrier) for w in parcels if w.waybill in left]
        at = self._at(15)
        centre = self.sim.centre.code
        self._arrive([(w, c, centre, at + dt.timedelta(seconds=n))
                      for n, (w, c) in enumerate(moved)])  # fmt: skip
        self._leave(centre, moved)

    def take_in(self, parcels: Sequence[Outbound]) -> list[_Waiting]:
        """Senders hand parcels in; station parcels wait for tomorrow's van."""
        from countyexpress.services.simulation import _Waiting

        ordered = sorted(parcels, key=lambda p: p.take_in_minute)
        requests = []
        for p in ordered:
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
            requests.append(
                self.intake.TakeIn(p.facility, p.carrier, p.waybill, identity, inspection, at)
            )
        taken = (
            self._batch(self.intake.take_in_many, self.sim.cipher, self.code, requests,
                        actor="sim-station")
            if requests else set()
        )  # fmt: skip
        waiting: list[_Waiting] = []
        at_office: dict[str, list[tuple[str, str]]] = {}
        for p in ordered:
            if p.waybill not in taken:
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
        """Out of the county, each screened once where the rules say; the departures from
        `here` in one batch, arrivals uploaded in one batch."""
        moves: list[Move] = []
        for i, (waybill, carrier) in enumerate(parcels):
            place = self.rules.place_for(carrier)
            s = float(i)
            if not place.in_county:
                moves.append((here, waybill, LINE_HAUL_VEHICLE, self._at(20, 0, s), None))
            elif here != place.facility:
                moves.append((here, waybill, LINE_HAUL_VEHICLE, self._at(16, 0, s), place.facility))
        left = self._departures(moves, "sim-centre")
        to_office: dict[str, list[tuple[str, str]]] = {}
        to_sorting: dict[str, list[tuple[str, str]]] = {}
        arrivals: list[tuple[str, str, str, dt.datetime]] = []
        for i, (waybill, carrier) in enumerate(parcels):
            place = self.rules.place_for(carrier)
            s = float(i)
            if not place.in_county:
                if waybill in left:
                    to_sorting.setdefault(place.facility, []).append((waybill, carrier))
            elif here == place.facility:
                to_office.setdefault(here, []).append((waybill, carrier))
            elif waybill in left:
                arrivals.append((waybill, carrier, place.facility, self._at(16, 20, s)))
                to_office.setdefault(place.facility, []).append((waybill, carrier))
        self._arrive(arrivals)
        for office, group in to_office.items():  # screened at the carrier's own machine
            self._screen_and_go(office, group, (18, 0), (19, 0), LINE_HAUL_VEHICLE)
        for sorting, group in to_sorting.items():
            if sorting not in self.sim.facilities:
                continue  # the sorting centre is not in the pack: its scans are not ours
            at = self._at(22, 30)
            self._arrive([(w, c, sorting, at + dt.timedelta(seconds=n))
                          for n, (w, c) in enumerate(group)])  # fmt: skip
            self._screen_and_go(sorting, group, (22, 45), (23, 30), TRUNK_VEHICLE)

    def _screen_and_go(
        self,
        facility: str,
        group: Sequence[tuple[str, str]],
        screen_at: tuple[int, int],
        leave_at: tuple[int, int],
        vehicle: str,
    ) -> None:
        """Each parcel of the group screened, then all leave (a batch each)."""
        if not group:
            return
        screenings = [self.intake.Screening(facility, w, self._at(*screen_at, float(i)))
                      for i, (w, _carrier) in enumerate(group)]  # fmt: skip
        screened = self._batch(self.intake.screen_many, self.code, screenings,
                               actor="sim-screening")  # fmt: skip
        self.stats.screened += len(screened)
        self._departures([(facility, w, vehicle, self._at(*leave_at, float(i)), None)
                          for i, (w, _carrier) in enumerate(group)], "sim-screening")  # fmt: skip
