"""Operational records on SQL: manifests, consent, shelves, attempts, lockers, outbox."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    DateTime,
    String,
    Table,
    and_,
    any_,
    bindparam,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from countyexpress.adapters.db import personal
from countyexpress.adapters.db.ledger import _aware, _chunks
from countyexpress.adapters.db.tables_ops import (
    consents,
    handover_attempts,
    locker_compartments,
    manifest_items,
    outbox,
    station_slots,
)
from countyexpress.domain.delivery import DeliveryChoice
from countyexpress.domain.facilities import LockerCompartments
from countyexpress.domain.lockers import Size
from countyexpress.domain.shelves import Attempt

Record = dict[str, Any]


def _utc(value: Any) -> Any:
    """A datetime bound as UTC. SQLAlchemy's SQLite DateTime stores the wall-clock fields
    and drops the offset, and reads come back as UTC: a county-time (+08:00) moment would
    come back eight hours late. PostgreSQL stores the instant either way."""
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        return value.astimezone(dt.UTC)
    return value


def _utc_row(row: Mapping[str, Any], table: Table) -> Record:
    """A row to insert into `table`, its datetimes bound as UTC."""
    out = dict(row)
    for name in _times(table):
        if name in out:
            out[name] = _utc(out[name])
    return out


@functools.cache
def _times(table: Table) -> tuple[str, ...]:
    return tuple(c.name for c in table.columns if isinstance(c.type, DateTime))


def _record(row: Any) -> Record:
    out = dict(row._mapping)
    for key, value in out.items():
        if value.__class__ is dt.datetime and value.tzinfo is None:
            out[key] = value.replace(tzinfo=dt.UTC)  # SQLite: stored as UTC, read back naive
    return out


_PLAIN = (str, bool, int, float, type(None))  # stored by sqlite3 as SQLAlchemy stores them
_PLAIN_TYPES = frozenset(_PLAIN)

_TIME_NAMES = frozenset(
    c.name
    for t in (manifest_items, consents, station_slots, handover_attempts, locker_compartments,
              outbox)
    for c in t.columns
    if isinstance(c.type, DateTime)
)  # fmt: skip


def _records(result: Any) -> Iterator[Record]:
    """The rows of a result as `_record` makes them, the naive-datetime check made only on
    the columns that hold times (a batch reads thousands of rows)."""
    keys = list(result.keys())
    times = [k for k in keys if k in _TIME_NAMES]
    for row in result:
        out = dict(zip(keys, row, strict=True))
        for k in times:
            value = out[k]
            if value.__class__ is dt.datetime and value.tzinfo is None:
                out[k] = value.replace(tzinfo=dt.UTC)
        yield out


def _sqlite_rows(table: Table, rows: Sequence[Record]) -> tuple[str, list[tuple[Any, ...]]] | None:
    """An INSERT of `rows` for SQLite's driver and its rows, values as SQLAlchemy's SQLite
    types store them (times as UTC text); None when the rows do not all name the same
    columns of `table` or hold other values than text, numbers, flags and times (the
    caller then inserts through SQLAlchemy)."""
    names = list(rows[0])
    if any(n not in table.c for n in names):
        return None
    times = [i for i, n in enumerate(names) if n in _times(table)]
    columns = rows[0].keys()
    out: list[tuple[Any, ...]] = []
    for row in rows:
        if row.keys() != columns:
            return None
        values = [row[n] for n in names]
        for i in times:
            if values[i].__class__ is dt.datetime:
                values[i] = _sqlite_time(values[i])
        if not _PLAIN_TYPES.issuperset(map(type, values)):
            return None
        out.append(tuple(values))
    marks = ", ".join("?" * len(names))
    return f"INSERT INTO {table.name} ({', '.join(names)}) VALUES ({marks})", out


def _sqlite_time(t: dt.datetime) -> str:
    """SQLAlchemy's SQLite DateTime storage: the UTC wall clock (a naive time as given)."""
    if t.tzinfo is not None:
        t = t.astimezone(dt.UTC).replace(tzinfo=None)
    return t.isoformat(" ", "microseconds")


@functools.cache
def _update_items(columns: tuple[str, ...]) -> Any:
    """UPDATE manifest_items SET columns WHERE county and waybill IN (…); one statement per
    set of columns, so that SQLAlchemy compiles it once (a statement built per group of
    items cost more than the update: 900 items in 56 route bags 14 ms, 7,000 items in two
    vans 100 ms, against 18 and 155 ms row by row in one executemany)."""
    c = manifest_items.c
    return (
        update(manifest_items)
        .where(
            c.county_code == bindparam("_county"),
            c.waybill_no.in_(bindparam("_ws", expanding=True)),
        )
        .values({k: bindparam(f"_{k}") for k in columns})
    )


@functools.cache
def _update_items_any(columns: tuple[str, ...]) -> Any:
    """`_update_items` on PostgreSQL: the waybills as one array (`= ANY(:_ws)`), so that the
    statement's text is the same for any number of them (prepared once by the driver) and
    the groups of a batch go in one pipelined executemany."""
    c = manifest_items.c
    return (
        update(manifest_items)
        .where(
            c.county_code == bindparam("_county"),
            c.waybill_no == any_(bindparam("_ws", type_=ARRAY(manifest_items.c.waybill_no.type))),
        )
        .values({k: bindparam(f"_{k}") for k in columns})
    )


class SqlOperations:
    """The centre's, stations' and lockers' working records in one transaction."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection
        self._dialect = connection.dialect.name

    def _among(self, column: Any, values: Sequence[Any]) -> Iterable[ColumnElement[bool]]:
        """`column IN values` as conditions to run one query each: on PostgreSQL one
        `column = ANY(array)` (one statement, the same text for any number of values); on
        other engines an IN (...) per chunk of `CHUNK` values (bound parameters' limit)."""
        if self._dialect == "postgresql":
            if values:
                yield column == any_(bindparam(None, list(values), type_=ARRAY(column.type)))
            return
        for chunk in _chunks(list(values)):
            yield column.in_(chunk)

    # manifests ---------------------------------------------------------------
    def _text_rows(
        self, table: Table, columns: Sequence[str], county: str, key: str, values: Sequence[str]
    ) -> Iterator[tuple[Any, ...]] | None:
        """SQLite only, text columns only: `columns` of the rows of `county` whose `key` is
        among `values`, through the driver (text needs no conversion, and SQLAlchemy's
        compiling of an IN of 500 values was most of a batch's read); None otherwise."""
        if self._dialect != "sqlite" or not all(
            isinstance(table.c[n].type, String) for n in (*columns, key)
        ):
            return None
        query = f"SELECT {', '.join(columns)} FROM {table.name} WHERE county_code = ? AND {key}"

        def rows() -> Iterator[tuple[Any, ...]]:
            for chunk in _chunks(list(values)):
                marks = ", ".join("?" * len(chunk))
                yield from self.connection.exec_driver_sql(
                    f"{query} IN ({marks})", (county, *chunk)
                )

        return rows()

    def known_waybills(self, county: str, waybills: Sequence[str]) -> set[str]:
        fast = self._text_rows(manifest_items, ["waybill_no"], county, "waybill_no", waybills)
        if fast is not None:
            return {w for (w,) in fast}
        found: set[str] = set()
        c = manifest_items.c
        for among in self._among(c.waybill_no, waybills):
            rows = self.connection.execute(
                select(c.waybill_no).where(c.county_code == county, among)
            )
            found.update(r.waybill_no for r in rows)
        return found

    def add_manifest_items(self, rows: Sequence[Record]) -> None:
        if rows:
            self._insert(manifest_items, rows)

    def _insert(self, table: Table, rows: Sequence[Record]) -> None:
        """Insert rows into `table` (times bound as UTC); on SQLite through the driver in
        one executemany when the values allow (SQLAlchemy's processing of each row was
        most of the cost of a day's manifest)."""
        if self._dialect == "postgresql" and self._copy(table, rows):
            return
        raw = _sqlite_rows(table, rows) if self._dialect == "sqlite" else None
        if raw is not None:
            self.connection.exec_driver_sql(*raw)
        else:
            self.connection.execute(insert(table), [_utc_row(r, table) for r in rows])

    def _copy(self, table: Table, rows: Sequence[Record]) -> bool:
        """PostgreSQL: `rows` (all naming the same columns) into `table` by COPY, the
        driver adapting each value (SQLAlchemy's executemany processed every value of
        every row in Python); False, nothing done, when the rows differ in their columns."""
        names = list(rows[0])
        columns = rows[0].keys()
        if any(n not in table.c for n in names) or any(r.keys() != columns for r in rows):
            return False
        raw = self.connection.connection.driver_connection
        assert raw is not None
        sql = f"COPY {table.name} ({', '.join(names)}) FROM STDIN"
        with raw.cursor() as cur, cur.copy(sql) as copy:
            for row in rows:
                copy.write_row([row[n] for n in names])
        return True

    def manifest_items_for(
        self, county: str, waybills: Sequence[str], columns: Sequence[str] = ()
    ) -> dict[str, Record]:
        """The items of these waybills that exist, by waybill: whole rows, or only
        `columns` (and waybill_no) — a batch of thousands reads what it uses."""
        if columns:
            names = ["waybill_no", *(n for n in columns if n != "waybill_no")]
            fast = self._text_rows(manifest_items, names, county, "waybill_no", waybills)
            if fast is not None:
                return {r[0]: dict(zip(names, r, strict=True)) for r in fast}
        c = manifest_items.c
        wanted = (
            [c.waybill_no, *(c[n] for n in columns if n != "waybill_no")]
            if columns
            else list(manifest_items.columns)
        )
        out: dict[str, Record] = {}
        for among in self._among(c.waybill_no, waybills):
            rows = self.connection.execute(select(*wanted).where(c.county_code == county, among))
            out.update({r["waybill_no"]: r for r in _records(rows)})
        return out

    def set_manifest_values(
        self, county: str, waybill_values: Sequence[tuple[str, Record]]
    ) -> None:
        """Update several items at once: items given the same values (a route bag, a
        vehicle) in one UPDATE … WHERE waybill_no IN (…); an item named twice gets both
        updates, the later value of a column winning."""
        latest: dict[str, Record] = {}
        for waybill, values in waybill_values:
            latest.setdefault(waybill, {}).update({k: _utc(v) for k, v in values.items()})
        if self._dialect == "sqlite" and all(
            isinstance(v, _PLAIN) for values in latest.values() for v in values.values()
        ):
            self._set_rows_sqlite(county, latest)
            return
        groups: dict[tuple[tuple[str, Any], ...], list[str]] = {}
        for waybill, values in latest.items():
            groups.setdefault(tuple(sorted(values.items())), []).append(waybill)
        if self._dialect == "postgresql" and len(groups) > 1:
            self._set_rows_postgresql(county, latest)
            return
        if self._dialect == "postgresql":  # one group: one UPDATE … = ANY(array)
            by_columns: dict[tuple[str, ...], list[Record]] = {}
            for values_key, waybills in groups.items():
                if values_key:
                    by_columns.setdefault(tuple(k for k, _ in values_key), []).append(
                        {"_county": county, "_ws": waybills, **{f"_{k}": v for k, v in values_key}}
                    )
            for columns, params in by_columns.items():
                self.connection.execute(_update_items_any(columns), params)
            return
        for values_key, waybills in groups.items():
            if not values_key:
                continue
            stmt = _update_items(tuple(k for k, _ in values_key))
            values = {f"_{k}": v for k, v in values_key}
            for chunk in _chunks(waybills):
                self.connection.execute(stmt, {"_county": county, "_ws": list(chunk), **values})

    def _set_rows_postgresql(self, county: str, latest: Mapping[str, Record]) -> None:
        """PostgreSQL: each set of columns in one UPDATE … FROM unnest(arrays) — every item
        its own values, one statement (a statement per route bag was 150 a day's sorting)."""
        by_columns: dict[tuple[str, ...], list[tuple[str, Record]]] = {}
        for waybill, values in latest.items():
            if values:
                by_columns.setdefault(tuple(values), []).append((waybill, values))
        for columns, items in by_columns.items():
            kinds = [manifest_items.c[n].type.compile(dialect=self.connection.dialect)
                     for n in columns]  # fmt: skip
            arrays = ", ".join(f"%(v{i})s::{kind}[]" for i, kind in enumerate(kinds))
            sets = ", ".join(f"{n} = v.{n}" for n in columns)
            params: dict[str, Any] = {"county": county, "ws": [w for w, _ in items]}
            for i, name in enumerate(columns):
                params[f"v{i}"] = [values[name] for _, values in items]
            self.connection.exec_driver_sql(
                f"UPDATE manifest_items AS m SET {sets} FROM unnest(%(ws)s::varchar[], {arrays})"
                f" AS v(waybill_no, {', '.join(columns)})"
                " WHERE m.county_code = %(county)s AND m.waybill_no = v.waybill_no",
                params,
            )

    def _set_rows_sqlite(self, county: str, latest: Mapping[str, Record]) -> None:
        """SQLite, plain values only: one UPDATE by primary key per item, each set of columns
        in one executemany through the driver (a statement per group of equal values cost
        more in SQLAlchemy than SQLite's work: 60 route bags of 6 parcels in a batch)."""
        by_columns: dict[tuple[str, ...], list[tuple[Any, ...]]] = {}
        for waybill, values in latest.items():
            if values:
                by_columns.setdefault(tuple(values), []).append((*values.values(), county, waybill))
        for columns, rows in by_columns.items():
            unknown = [name for name in columns if name not in manifest_items.c]
            if unknown:
                raise KeyError(f"no column {unknown[0]!r} in manifest_items")
            sets = ", ".join(f"{name} = ?" for name in columns)
            self.connection.exec_driver_sql(
                f"UPDATE manifest_items SET {sets} WHERE county_code = ? AND waybill_no = ?", rows
            )

    def undispatched(self, county: str, route_bag: str) -> list[Record]:
        """The waybill and carrier of each sorted, not yet dispatched item of a route bag,
        by waybill (only what a dispatch needs: reading whole rows was most of its cost).

        Sorted here, not in SQL: with ORDER BY waybill_no SQLite walks the primary key —
        every item of the county — instead of the route-bag index."""
        c = manifest_items.c
        q = select(c.waybill_no, c.carrier).where(
            c.county_code == county, c.route_bag == route_bag, c.vehicle.is_(None)
        )
        rows = [dict(r._mapping) for r in self.connection.execute(q)]
        return sorted(rows, key=lambda r: str(r["waybill_no"]))

    def undispatched_at(self, county: str, route_bags: Sequence[str]) -> dict[str, list[Record]]:
        """`undispatched` of several route bags in one read (a day's dispatch of every bag),
        by bag; a bag with none: an empty list."""
        c = manifest_items.c
        out: dict[str, list[Record]] = {b: [] for b in route_bags}
        for among in self._among(c.route_bag, sorted(set(route_bags))):
            q = select(c.waybill_no, c.carrier, c.route_bag).where(
                c.county_code == county, among, c.vehicle.is_(None)
            )
            for r in self.connection.execute(q):
                out[r.route_bag].append({"waybill_no": r.waybill_no, "carrier": r.carrier})
        for rows in out.values():
            rows.sort(key=lambda r: str(r["waybill_no"]))
        return out

    def manifest_ids(self, county: str, prefix: str = "", limit: int | None = None) -> list[str]:
        """Distinct manifest ids of a county starting with `prefix` (e.g. "SIM-"), sorted;
        with a `limit`, the first rows found (not sorted): a quick "is there any"."""
        c = manifest_items.c
        q = select(c.manifest_id).where(c.county_code == county)
        if prefix:
            q = q.where(c.manifest_id.startswith(prefix, autoescape=True))
        q = q.limit(limit) if limit is not None else q.distinct().order_by(c.manifest_id)
        return [r.manifest_id for r in self.connection.execute(q)]

    def manifest_item(self, county: str, waybill: str) -> Record | None:
        c = manifest_items.c
        row = self.connection.execute(
            select(manifest_items).where(c.county_code == county, c.waybill_no == waybill)
        ).one_or_none()
        return None if row is None else _record(row)

    def manifest_items(
        self,
        county: str,
        *,
        unresolved: bool = False,
        carrier: str | None = None,
        since: dt.datetime | None = None,
        until: dt.datetime | None = None,
    ) -> list[Record]:
        c = manifest_items.c
        q = select(manifest_items).where(c.county_code == county)
        if unresolved:
            q = q.where(c.division_code.is_(None))
        if carrier:
            q = q.where(c.carrier == carrier)
        if since:
            q = q.where(c.received_at >= _utc(since))
        if until:
            q = q.where(c.received_at < _utc(until))
        return list(_records(self.connection.execute(q.order_by(c.received_at, c.waybill_no))))

    def update_manifest_item(self, county: str, waybill: str, **values: Any) -> None:
        c = manifest_items.c
        self.connection.execute(
            update(manifest_items)
            .where(c.county_code == county, c.waybill_no == waybill)
            .values(**values)
        )

    # consent -----------------------------------------------------------------
    def consent(self, county: str, phone_hash: str) -> DeliveryChoice | None:
        c = consents.c
        choice = self.connection.scalar(
            select(c.choice).where(c.county_code == county, c.phone_hash == phone_hash)
        )
        return None if choice is None else DeliveryChoice(choice)

    def consents_for(self, county: str, phone_hashes: Sequence[str]) -> dict[str, DeliveryChoice]:
        wanted = sorted(set(phone_hashes))
        fast = self._text_rows(consents, ["phone_hash", "choice"], county, "phone_hash", wanted)
        if fast is not None:
            return {h: DeliveryChoice(choice) for h, choice in fast}
        c = consents.c
        out: dict[str, DeliveryChoice] = {}
        for among in self._among(c.phone_hash, wanted):
            rows = self.connection.execute(
                select(c.phone_hash, c.choice).where(c.county_code == county, among)
            )
            out.update({r.phone_hash: DeliveryChoice(r.choice) for r in rows})
        return out

    def language_of(self, county: str, phone_hash: str) -> str | None:
        """The language a receiver chose for their SMS, or None."""
        c = consents.c
        return self.connection.scalar(
            select(c.language).where(c.county_code == county, c.phone_hash == phone_hash)
        )

    def set_language(self, county: str, phone_hash: str, language: str | None) -> None:
        """Record the receiver's language on their consent (recorded before)."""
        c = consents.c
        self.connection.execute(
            update(consents)
            .where(c.county_code == county, c.phone_hash == phone_hash)
            .values(language=language)
        )

    def set_consents(
        self,
        county: str,
        choices: Sequence[tuple[str, DeliveryChoice]],
        at: dt.datetime,
        source: str,
    ) -> None:
        """Record many choices in one upsert (the latest choice of a phone wins)."""
        if not choices:
            return
        latest = {h: c for h, c in choices}
        dialect = self.connection.dialect.name
        if dialect not in ("sqlite", "postgresql"):
            for h, c in latest.items():
                self.set_consent(county, h, c, at, source)
            return
        make = sqlite_insert if dialect == "sqlite" else pg_insert
        stmt = make(consents)
        stmt = stmt.on_conflict_do_update(
            index_elements=["county_code", "phone_hash"],
            set_={
                "choice": stmt.excluded.choice,
                "recorded_at": stmt.excluded.recorded_at,
                "source": stmt.excluded.source,
            },
        )
        self.connection.execute(
            stmt,
            [
                {
                    "county_code": county,
                    "phone_hash": h,
                    "choice": c.value,
                    "recorded_at": _utc(at),
                    "source": source,
                }
                for h, c in latest.items()
            ],
        )

    def set_consent(
        self, county: str, phone_hash: str, choice: DeliveryChoice, at: dt.datetime, source: str
    ) -> None:
        c = consents.c
        where = and_(c.county_code == county, c.phone_hash == phone_hash)
        done = self.connection.execute(
            update(consents)
            .where(where)
            .values(choice=choice.value, recorded_at=_utc(at), source=source)
        )
        if done.rowcount == 0:
            self.connection.execute(
                insert(consents).values(
                    county_code=county,
                    phone_hash=phone_hash,
                    choice=choice.value,
                    recorded_at=_utc(at),
                    source=source,
                )
            )

    # station shelves ---------------------------------------------------------
    def shelf_occupancy(self, county: str, facility: str) -> dict[str, int]:
        c = station_slots.c
        rows = self.connection.execute(
            select(c.shelf, func.count())
            .where(c.county_code == county, c.facility == facility, c.closed_at.is_(None))
            .group_by(c.shelf)
        )
        return {shelf: int(n) for shelf, n in rows}

    def slots_stored(self, county: str, facility: str) -> int:
        c = station_slots.c
        q = select(func.count()).where(c.county_code == county, c.facility == facility)
        return int(self.connection.scalar(q) or 0)

    def open_slot(self, county: str, waybill: str) -> Record | None:
        c = station_slots.c
        row = self.connection.execute(
            select(station_slots).where(
                c.county_code == county, c.waybill_no == waybill, c.closed_at.is_(None)
            )
        ).one_or_none()
        return None if row is None else _record(row)

    def open_slots(self, county: str, facility: str | None = None) -> list[Record]:
        c = station_slots.c
        q = select(station_slots).where(c.county_code == county, c.closed_at.is_(None))
        if facility:
            q = q.where(c.facility == facility)
        return list(_records(self.connection.execute(q.order_by(c.stored_at))))

    def open_slots_at(self, county: str, facilities: Sequence[str]) -> dict[str, list[Record]]:
        """The open slots of each of these facilities (oldest first; a facility with none:
        an empty list): one read for a van's run or a day's hand-overs at many stations."""
        c = station_slots.c
        out: dict[str, list[Record]] = {f: [] for f in facilities}
        for among in self._among(c.facility, sorted(set(facilities))):
            q = select(station_slots).where(c.county_code == county, among, c.closed_at.is_(None))
            for r in _records(self.connection.execute(q.order_by(c.stored_at))):
                out[r["facility"]].append(r)
        return out

    def slots_stored_at(self, county: str, facilities: Sequence[str]) -> dict[str, int]:
        """How many parcels each of these facilities has shelved, ever (`slots_stored`)."""
        c = station_slots.c
        out = dict.fromkeys(facilities, 0)
        for among in self._among(c.facility, sorted(set(facilities))):
            q = (
                select(c.facility, func.count())
                .where(c.county_code == county, among)
                .group_by(c.facility)
            )
            out.update({f: int(n) for f, n in self.connection.execute(q)})
        return out

    def add_slots(self, rows: Sequence[Record]) -> None:
        """Shelve parcels; a parcel shelved before (and since closed) gets its new place."""
        if not rows:
            return
        rows = list({r["waybill_no"]: r for r in rows}.values())  # shelved twice: the later
        c = station_slots.c
        county = rows[0]["county_code"]
        for among in self._among(c.waybill_no, [r["waybill_no"] for r in rows]):
            self.connection.execute(station_slots.delete().where(c.county_code == county, among))
        self._insert(station_slots, rows)

    def close_slots(self, county: str, closing: Sequence[tuple[str, dt.datetime]], by: str) -> None:
        if not closing:
            return
        if self._dialect == "sqlite":  # through the driver: one executemany, times as text
            self.connection.exec_driver_sql(
                "UPDATE station_slots SET closed_at = ?, closed_by = ?"
                " WHERE county_code = ? AND waybill_no = ? AND closed_at IS NULL",
                [(_sqlite_time(at), by, county, w) for w, at in closing],
            )
            return
        c = station_slots.c
        stmt = (
            update(station_slots)
            .where(c.county_code == county, c.waybill_no == bindparam("_w"), c.closed_at.is_(None))
            .values(closed_at=bindparam("_at"), closed_by=by)
        )
        self.connection.execute(stmt, [{"_w": w, "_at": _utc(at)} for w, at in closing])

    # hand-over attempts ------------------------------------------------------
    def attempts(self, county: str, waybill: str) -> list[Attempt]:
        c = handover_attempts.c
        rows = self.connection.execute(
            select(c.at, c.ok).where(c.county_code == county, c.waybill_no == waybill)
        )
        return [Attempt(_aware(r.at), bool(r.ok)) for r in rows]

    def attempts_for(self, county: str, waybills: Sequence[str]) -> dict[str, list[Attempt]]:
        """The hand-over attempts of each of these parcels (a parcel with none: no key)."""
        c = handover_attempts.c
        out: dict[str, list[Attempt]] = {}
        for among in self._among(c.waybill_no, sorted(set(waybills))):
            rows = self.connection.execute(
                select(c.waybill_no, c.at, c.ok)
                .where(c.county_code == county, among)
                .order_by(c.id)
            )
            for r in rows:
                out.setdefault(r.waybill_no, []).append(Attempt(_aware(r.at), bool(r.ok)))
        return out

    def add_attempts_at(
        self, county: str, attempts: Sequence[tuple[str, str, dt.datetime, bool]]
    ) -> None:
        """Hand-over attempts at several stations in one insert, (facility, waybill, at, ok)
        each, recorded in the order given."""
        if attempts:
            self._insert(
                handover_attempts,
                [
                    {"county_code": county, "facility": f, "waybill_no": w, "at": at, "ok": ok}
                    for f, w, at, ok in attempts
                ],
            )

    def station_failures(self, county: str, facility: str, since: dt.datetime) -> list[dt.datetime]:
        c = handover_attempts.c
        rows = self.connection.execute(
            select(c.at).where(
                c.county_code == county,
                c.facility == facility,
                c.at >= _utc(since),
                c.ok.is_(False),
            )
        )
        return [_aware(r.at) for r in rows]

    def add_attempts(
        self, county: str, facility: str, attempts: Sequence[tuple[str, dt.datetime, bool]]
    ) -> None:
        if attempts:
            self.connection.execute(
                insert(handover_attempts),
                [
                    {
                        "county_code": county,
                        "facility": facility,
                        "waybill_no": w,
                        "at": _utc(at),
                        "ok": ok,
                    }
                    for w, at, ok in attempts
                ],
            )

    # lockers -----------------------------------------------------------------
    def ensure_compartments(self, county: str, facility: str, c: LockerCompartments) -> None:
        t = locker_compartments.c
        have = self.connection.scalar(
            select(func.count()).where(t.county_code == county, t.facility == facility)
        )
        if have:
            return
        rows = [
            {
                "county_code": county,
                "facility": facility,
                "compartment": f"{size}{i:02d}",
                "size": size,
            }
            for size, n in (
                (Size.S.value, c.small),
                (Size.M.value, c.medium),
                (Size.L.value, c.large),
            )
            for i in range(1, n + 1)
        ]
        self.connection.execute(insert(locker_compartments), rows)

    def compartments(self, county: str, facility: str) -> list[Record]:
        """Every compartment of a locker, free or not, by compartment: what a batch of
        deposits or pickups reads once (none: the locker's compartments were never made)."""
        t = locker_compartments.c
        q = select(locker_compartments).where(t.county_code == county, t.facility == facility)
        return list(_records(self.connection.execute(q.order_by(t.compartment))))

    def free_compartments(self, county: str, facility: str) -> list[tuple[str, Size]]:
        t = locker_compartments.c
        rows = self.connection.execute(
            select(t.compartment, t.size).where(
                t.county_code == county, t.facility == facility, t.waybill_no.is_(None)
            )
        )
        return [(r.compartment, Size(r.size)) for r in rows]

    def occupy(
        self,
        county: str,
        facility: str,
        compartment: str,
        waybill: str,
        code: str,
        at: dt.datetime,
    ) -> None:
        t = locker_compartments.c
        self.connection.execute(
            update(locker_compartments)
            .where(t.county_code == county, t.facility == facility, t.compartment == compartment)
            .values(waybill_no=waybill, pickup_code=code, deposited_at=_utc(at))
        )

    def occupy_many(
        self,
        county: str,
        facility: str,
        deposits: Sequence[tuple[str, str, str, dt.datetime]],
    ) -> None:
        """Fill compartments: (compartment, waybill, pickup code, deposited at) each."""
        if not deposits:
            return
        t = locker_compartments.c
        stmt = (
            update(locker_compartments)
            .where(
                t.county_code == county,
                t.facility == facility,
                t.compartment == bindparam("_c"),
            )
            .values(waybill_no=bindparam("_w"), pickup_code=bindparam("_p"),
                    deposited_at=bindparam("_at"))
        )  # fmt: skip
        self.connection.execute(
            stmt, [{"_c": c, "_w": w, "_p": p, "_at": _utc(at)} for c, w, p, at in deposits]
        )

    def release_many(self, county: str, facility: str, compartments: Sequence[str]) -> None:
        """Empty these compartments of a locker."""
        if not compartments:
            return
        t = locker_compartments.c
        stmt = (
            update(locker_compartments)
            .where(
                t.county_code == county,
                t.facility == facility,
                t.compartment == bindparam("_c"),
            )
            .values(waybill_no=None, pickup_code=None, deposited_at=None)
        )
        self.connection.execute(stmt, [{"_c": c} for c in compartments])

    def occupied_compartments(self, county: str, facility: str) -> list[Record]:
        t = locker_compartments.c
        rows = self.connection.execute(
            select(locker_compartments).where(
                t.county_code == county, t.facility == facility, t.waybill_no.is_not(None)
            )
        )
        return [_record(r) for r in rows]

    def compartment_of(self, county: str, waybill: str) -> Record | None:
        t = locker_compartments.c
        row = self.connection.execute(
            select(locker_compartments).where(t.county_code == county, t.waybill_no == waybill)
        ).one_or_none()
        return None if row is None else _record(row)

    def release(self, county: str, facility: str, compartment: str) -> None:
        t = locker_compartments.c
        self.connection.execute(
            update(locker_compartments)
            .where(t.county_code == county, t.facility == facility, t.compartment == compartment)
            .values(waybill_no=None, pickup_code=None, deposited_at=None)
        )

    # outbox ------------------------------------------------------------------
    def enqueue(
        self,
        county: str,
        channel: str,
        to_enc: str,
        to_masked: str,
        template: str,
        params: Mapping[str, Any],
        at: dt.datetime,
    ) -> None:
        self.connection.execute(
            insert(outbox).values(
                county_code=county,
                channel=channel,
                to_enc=to_enc,
                to_masked=to_masked,
                template=template,
                params=dict(params),
                created_at=_utc(at),
            )
        )

    def purge_personal(self, county: str, before: dt.datetime) -> dict[str, int]:
        """Every personal column (by its mark) of `county`'s rows older than `before` cleared,
        in this transaction; rows per table (adapters.db.personal)."""
        return personal.purge(self.connection, county, before)

    def outbox(self, county: str) -> list[Record]:
        rows = self.connection.execute(
            select(outbox).where(outbox.c.county_code == county).order_by(outbox.c.id)
        )
        return [_record(r) for r in rows]
