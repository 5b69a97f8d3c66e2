"""The scan ledger on SQL: append events, read them back by parcel, keep the projection."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from typing import Any

from sqlalchemy import Connection, Table, func, insert, select

from countyexpress.adapters.db import pg_ledger
from countyexpress.adapters.db.tables_ledger import parcels, scan_events, scan_personal
from countyexpress.adapters.db.tables_ops import locker_compartments, station_slots
from countyexpress.domain.lifecycle import ParcelState, ParcelSummary
from countyexpress.domain.scans import ScanEvent, ScanKind
from countyexpress.errors import InvalidValue

CHUNK = 500  # bound parameters per IN (...) query, within every backend's limits


def _chunks(items: Sequence[str]) -> Iterable[Sequence[str]]:
    for i in range(0, len(items), CHUNK):
        yield items[i : i + CHUNK]


def _aware(value: dt.datetime) -> dt.datetime:
    """SQLite hands back naive datetimes; they were stored as UTC."""
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def _read_time(value: dt.datetime | str) -> dt.datetime:
    """A stored time as an aware UTC datetime, from SQLAlchemy's or the SQLite driver's row
    (SQLite's text is UTC without its offset: parsed with it, which is quicker than adding
    the zone to the parsed time)."""
    if isinstance(value, str):
        return dt.datetime.fromisoformat(value + "+00:00")
    return _aware(value)


def _sqlite_time(t: dt.datetime | None) -> str | None:
    """SQLAlchemy's SQLite DateTime storage format, for the driver-level fast paths."""
    if t is None:
        return None
    if t.tzinfo is None:
        return t.isoformat(" ", "microseconds")
    return t.astimezone(dt.UTC).isoformat(" ", "microseconds")[:-6]  # less its "+00:00"


def _same(t: dt.datetime | None) -> dt.datetime | None:
    return t


def _utc(t: dt.datetime | None) -> dt.datetime | None:
    return t.astimezone(dt.UTC) if t is not None else None


def _event_rows(
    county_code: str,
    events: Sequence[ScanEvent],
    received_at: dt.datetime,
    fps: Mapping[str, str],
    when: Callable[[dt.datetime | None], Any],
) -> list[tuple[Any, ...]]:
    """scan_events' rows for the driver-level fast paths, columns in order; times through
    `when`, each event's time text and payload JSON made once, for the row and its digest."""
    received = when(received_at)
    digest = fps.get
    return [
        (e.event_id, county_code, e.waybill_no, e.carrier, e.kind._value_, e.facility, e.actor,
         when(e.at), at_text, received, payload or "{}", digest(e.event_id) or e.fingerprint())
        for e in events
        for at_text, payload in (e.texts(),)
    ]  # fmt: skip


def _insert_sql(table: Table) -> str:
    names = [c.name for c in table.columns]
    return f"INSERT INTO {table.name} ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})"


_WHOLE_SECOND = len("2026-11-28T09:30:00+08:00")  # an event's time text: whole seconds,
_FRACTION = len("2026-11-28T09:30:00.123456+08:00")  # or with microseconds
_BY_SQLITE = frozenset({_WHOLE_SECOND, _FRACTION})
_COLUMNS = [c.name for c in scan_events.columns]  # the rows' order, as _event_rows makes them
_AT, _AT_TEXT = _COLUMNS.index("at") + 1, _COLUMNS.index("at_text") + 1
_SQLITE_INSERT_EVENTS = (
    f"INSERT INTO scan_events ({', '.join(_COLUMNS)}) VALUES ("
    + ", ".join(
        f"COALESCE(?{n}, CASE length(?{_AT_TEXT}) WHEN {_WHOLE_SECOND} THEN "
        f"strftime('%Y-%m-%d %H:%M:%S', ?{_AT_TEXT}) || '.000000' ELSE "
        f"strftime('%Y-%m-%d %H:%M:%S', substr(?{_AT_TEXT}, 1, 19) || substr(?{_AT_TEXT}, 27))"
        f" || '.' || substr(?{_AT_TEXT}, 21, 6) END)"
        if n == _AT
        else f"?{n}"
        for n in range(1, len(_COLUMNS) + 1)
    )
    + ")"
)
"""The embedded default's insert of events: an event's UTC time (SQLAlchemy's SQLite
storage format) is given, or, for a time text of whole seconds or of microseconds with a
minute offset, SQLite's strftime makes it from the text, which carries the offset (the
fraction is cut off before and put back after: strftime keeps milliseconds only) —
formatting it in Python cost about a tenth of an ingest."""


_PARCEL_COLUMNS = ("county_code", "waybill_no", "carrier", "state", "place", "last_at", "events",
                   "anomalies", "open_exception", "updated_at")  # fmt: skip
"""The projection's columns as save_summaries writes them: the key first."""
assert set(_PARCEL_COLUMNS) == {c.name for c in parcels.columns}


_STATES = {s._value_: s for s in ParcelState}


class SqlLedger:
    """Scan events and the parcel projection of one connection's transaction."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection

    def fingerprints(self, event_ids: Sequence[str]) -> dict[str, str]:
        """The stored fingerprint of each of these event ids that is already in the ledger."""
        dialect = self.connection.dialect.name
        if dialect == "postgresql":  # one statement, one array
            return pg_ledger.fingerprints(self.connection, event_ids)
        out: dict[str, str] = {}
        for chunk in _chunks(list(event_ids)):
            if dialect == "sqlite":  # the embedded default's fast path: no statement to compile
                rows = self.connection.exec_driver_sql(
                    "SELECT event_id, fingerprint FROM scan_events WHERE event_id IN "
                    f"({', '.join('?' * len(chunk))})",
                    tuple(chunk),
                )
            else:
                rows = self.connection.execute(
                    select(scan_events.c.event_id, scan_events.c.fingerprint).where(
                        scan_events.c.event_id.in_(chunk)
                    )
                )
            out.update({i: f for i, f in rows})
        return out

    def personal_digests(self, event_ids: Sequence[str]) -> dict[str, dict[str, str]]:
        """The keyed digests of the personal values of these events, by event id and path
        ("" where the purge has emptied them)."""
        out: dict[str, dict[str, str]] = {}
        c = scan_personal.c
        for chunk in _chunks(list(event_ids)):
            rows = self.connection.execute(
                select(c.event_id, c.path, c.value_hash).where(c.event_id.in_(chunk))
            )
            for r in rows:
                out.setdefault(r.event_id, {})[r.path] = r.value_hash or ""
        return out

    def add_personal(
        self,
        county_code: str,
        rows: Sequence[tuple[str, str, str, str]],
        received_at: dt.datetime,
    ) -> None:
        """Keep events' personal values: (event id, path, ciphertext, digest) each."""
        if rows:
            self.connection.execute(
                insert(scan_personal),
                [
                    {"event_id": e, "path": p, "county_code": county_code, "value_enc": v,
                     "value_hash": h, "received_at": received_at}
                    for e, p, v, h in rows
                ],
            )  # fmt: skip

    def waiting(self, county_code: str, waybills: Sequence[str]) -> dict[str, dict[str, Any]]:
        """Where each of these parcels waits for its pickup code, if it does: `facility`,
        `since` and `compartment` (None for a station's shelf slot)."""
        out: dict[str, dict[str, Any]] = {}
        s, lk = station_slots.c, locker_compartments.c
        sqlite = self.connection.dialect.name == "sqlite"
        for chunk in _chunks(list(waybills)):
            if sqlite:  # the embedded default's fast path: the driver's rows, parsed here
                marks = ", ".join("?" * len(chunk))
                slots: Iterable[Any] = self.connection.exec_driver_sql(
                    "SELECT waybill_no, facility, stored_at FROM station_slots WHERE "
                    f"county_code = ? AND waybill_no IN ({marks}) AND closed_at IS NULL",
                    (county_code, *chunk),
                ).all()
                lockers: Iterable[Any] = self.connection.exec_driver_sql(
                    "SELECT waybill_no, facility, compartment, deposited_at FROM "
                    f"locker_compartments WHERE county_code = ? AND waybill_no IN ({marks})",
                    (county_code, *chunk),
                )
            else:
                slots = self.connection.execute(
                    select(s.waybill_no, s.facility, s.stored_at).where(
                        s.county_code == county_code, s.waybill_no.in_(chunk), s.closed_at.is_(None)
                    )
                )
                lockers = self.connection.execute(
                    select(lk.waybill_no, lk.facility, lk.compartment, lk.deposited_at).where(
                        lk.county_code == county_code, lk.waybill_no.in_(chunk)
                    )
                )
            for w, facility, stored_at in slots:
                out[w] = {"facility": facility, "since": _read_time(stored_at), "compartment": None}
            for w, facility, compartment, since in lockers:
                out[w] = {
                    "facility": facility,
                    "since": _read_time(since) if since else dt.datetime.min.replace(tzinfo=dt.UTC),
                    "compartment": compartment,
                }
        return out

    def append(
        self,
        county_code: str,
        events: Sequence[ScanEvent],
        received_at: dt.datetime,
        fingerprints: Mapping[str, str] | None = None,
    ) -> None:
        """Add new events; the caller has removed duplicates (and may pass their fingerprints,
        by event id, when it computed them already)."""
        if not events:
            return
        if self.connection.dialect.name == "sqlite":
            self._append_sqlite(county_code, events, received_at, fingerprints or {})
            return
        self._append_postgresql(county_code, events, received_at, fingerprints or {})

    def _append_postgresql(
        self,
        county_code: str,
        events: Sequence[ScanEvent],
        received_at: dt.datetime,
        fps: Mapping[str, str],
    ) -> None:
        """PostgreSQL at region scale (adapters/db/pg_ledger.py): COPY the batch into a
        staging table, open the partitions its months lack, claim the ids in the id index and
        insert the events in one statement; when an id was taken (a concurrent upload of the
        same events: the caller looked them up before), exact repeats are skipped and the
        batch is refused if one was another content."""
        conn = self.connection
        pg_ledger.stage_events(conn, _event_rows(county_code, events, received_at, fps, _same))
        lacking = pg_ledger.unpartitioned_months(conn)
        if lacking:  # on demand, or the default partition (a plain table: nothing)
            pg_ledger.on_demand(conn, lacking, received_at)
        clash = pg_ledger.append_staged(conn)
        if clash:
            raise InvalidValue(
                "event_id",
                f"event_id {clash[0]} conflicts: already recorded with other content "
                f"({len(clash)} such in the batch; nothing of it was kept)",
            )

    def _append_sqlite(
        self,
        county_code: str,
        events: Sequence[ScanEvent],
        received_at: dt.datetime,
        fps: Mapping[str, str],
    ) -> None:
        """The embedded default's fast path: one executemany through the driver, values in
        the storage formats SQLAlchemy's SQLite types read back (same table, same rows);
        each event's time text and payload JSON made once, for the row and its digest."""

        received = _sqlite_time(received_at)
        digest = fps.get
        rows = [
            (e.event_id, county_code, e.waybill_no, e.carrier, e.kind._value_, e.facility, e.actor,
             None if len(at_text) in _BY_SQLITE else _sqlite_time(e.at), at_text, received,
             payload or "{}", digest(e.event_id) or e.fingerprint())
            for e in events
            for at_text, payload in (e.texts(),)
        ]  # fmt: skip
        self.connection.exec_driver_sql(_SQLITE_INSERT_EVENTS, rows)

    def events_of(self, county_code: str, waybills: Sequence[str]) -> dict[str, list[ScanEvent]]:
        """Every stored event of these parcels, by waybill number."""
        out: dict[str, list[ScanEvent]] = {w: [] for w in waybills}
        cols = scan_events.c
        for chunk in _chunks(list(waybills)):
            rows = self.connection.execute(
                select(
                    cols.event_id,
                    cols.waybill_no,
                    cols.carrier,
                    cols.kind,
                    cols.facility,
                    cols.at_text,
                    cols.actor,
                    cols.payload,
                ).where(cols.county_code == county_code, cols.waybill_no.in_(chunk))
            )
            for r in rows:
                out[r.waybill_no].append(
                    ScanEvent(
                        event_id=r.event_id,
                        waybill_no=r.waybill_no,
                        carrier=r.carrier,
                        kind=ScanKind(r.kind),
                        facility=r.facility,
                        at=dt.datetime.fromisoformat(r.at_text),
                        actor=r.actor,
                        payload=r.payload,
                    )
                )
        return out

    def summaries(self, county_code: str, waybills: Sequence[str]) -> dict[str, ParcelSummary]:
        """The projection rows of these parcels (those that have one), by waybill number."""
        out: dict[str, ParcelSummary] = {}
        c = parcels.c
        cols = (c.waybill_no, c.carrier, c.state, c.place, c.last_at, c.events, c.anomalies)
        sqlite = self.connection.dialect.name == "sqlite"
        for chunk in _chunks(list(waybills)):
            if sqlite:  # the embedded default's fast path: the driver's rows, parsed here
                marks = ", ".join("?" * len(chunk))
                rows = self.connection.exec_driver_sql(
                    f"SELECT {', '.join(col.name for col in cols)}, open_exception FROM parcels"
                    f" WHERE county_code = ? AND waybill_no IN ({marks})",
                    (county_code, *chunk),
                )
            else:
                rows = self.connection.execute(
                    select(*cols, c.open_exception).where(
                        c.county_code == county_code, c.waybill_no.in_(chunk)
                    )
                )
            for waybill, carrier, state, place, last_at, events, anomalies, exc in rows:
                out[waybill] = ParcelSummary(
                    waybill,
                    carrier,
                    _STATES[state],
                    place,
                    _read_time(last_at) if last_at is not None else None,
                    events,
                    anomalies,
                    bool(exc),
                )
        return out

    def received_at(self, event_ids: Sequence[str]) -> dict[str, dt.datetime]:
        """When the server received each of these events."""
        out: dict[str, dt.datetime] = {}
        for chunk in _chunks(list(event_ids)):
            rows = self.connection.execute(
                select(scan_events.c.event_id, scan_events.c.received_at).where(
                    scan_events.c.event_id.in_(chunk)
                )
            )
            out.update({r.event_id: _aware(r.received_at) for r in rows})
        return out

    def save_summaries(
        self, county_code: str, summaries: Sequence[ParcelSummary], existing: Collection[str]
    ) -> None:
        """Write these parcels' projection rows: update those in `existing` (the waybills
        that have a row), insert the others."""
        if not summaries:
            return
        now = dt.datetime.now(dt.UTC)
        sqlite = self.connection.dialect.name == "sqlite"
        when = _sqlite_time if sqlite else _utc  # the SQLite fast path's storage format
        stamp = when(now)
        rows = {
            s.waybill_no: (county_code, s.waybill_no, s.carrier, s.state._value_, s.place,
                           when(s.last_at), s.events, s.anomalies, s.open_exception, stamp)
            for s in summaries
        }  # fmt: skip
        if not sqlite:
            pg_ledger.upsert_parcels(self.connection, list(_PARCEL_COLUMNS), list(rows.values()))
            return
        new = [r for w, r in rows.items() if w not in existing]
        if new:
            marks = ", ".join("?" * len(_PARCEL_COLUMNS))
            self.connection.exec_driver_sql(
                f"INSERT INTO parcels ({', '.join(_PARCEL_COLUMNS)}) VALUES ({marks})", new
            )
        old = [(*r[2:], *r[:2]) for w, r in rows.items() if w in existing]  # keys last
        if old:
            sets = ", ".join(f"{n} = ?" for n in _PARCEL_COLUMNS[2:])
            self.connection.exec_driver_sql(
                f"UPDATE parcels SET {sets} WHERE county_code = ? AND waybill_no = ?", old
            )

    def counts_by_state(self, county_code: str) -> dict[str, int]:
        """How many parcels of a county are in each state (the dashboard's query)."""
        rows = self.connection.execute(
            select(parcels.c.state, func.count())
            .where(parcels.c.county_code == county_code)
            .group_by(parcels.c.state)
        )
        return {state: int(n) for state, n in rows}

    def open_exceptions(self, county_code: str, place: str) -> list[str]:
        """The parcels whose last event is an open exception at `place` (the centre's manual
        queue), by waybill number."""
        c = parcels.c
        rows = self.connection.execute(
            select(c.waybill_no)
            .where(c.county_code == county_code, c.place == place, c.open_exception.is_(True))
            .order_by(c.last_at, c.waybill_no)
        )
        return [w for (w,) in rows]

    def places_in_state(self, county_code: str, state: str) -> dict[str, int]:
        """How many parcels in `state` are at each place (e.g. delivered per facility)."""
        rows = self.connection.execute(
            select(parcels.c.place, func.count())
            .where(parcels.c.county_code == county_code, parcels.c.state == state)
            .group_by(parcels.c.place)
        )
        return {place: int(n) for place, n in rows}

    def stuck(
        self, county_code: str, before: dt.datetime, states: Sequence[str]
    ) -> list[tuple[str, str, str, str, dt.datetime]]:
        """Parcels in one of `states` whose last event is older than `before` (the overview's
        parcel ageing): waybill, carrier, state, place, last event time; oldest first."""
        c = parcels.c
        rows = self.connection.execute(
            select(c.waybill_no, c.carrier, c.state, c.place, c.last_at)
            .where(
                c.county_code == county_code,
                c.state.in_(list(states)),
                c.last_at.is_not(None),
                c.last_at < before.astimezone(dt.UTC),
            )
            .order_by(c.last_at, c.waybill_no)
        )
        parse = dt.datetime.fromisoformat
        return [
            (w, carrier, state, place, _aware(parse(t) if isinstance(t, str) else t))
            for w, carrier, state, place, t in rows
        ]

    def event_count(self, county_code: str) -> int:
        """How many events a county's ledger holds."""
        q = (
            select(func.count())
            .select_from(scan_events)
            .where(scan_events.c.county_code == county_code)
        )
        return int(self.connection.scalar(q) or 0)
