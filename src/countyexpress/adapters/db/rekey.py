"""Key rotation in the database, driven by the personal-column marks (adapters/db/personal.py).

In the caller's one transaction:

- every column marked `ciphertext` (personal) or `sealed` (a Vault value that is not personal,
  such as a webhook's secret) is decrypted with the old vault and encrypted with the new one
  (a purged value, '' or NULL, is left as it is);
- every `digest` column with an `"of"` is recomputed from that column's plaintext, passed
  through its `"normalise"` function of `domain.privacy` (or none). The old digest must equal
  the old key's digest of the same value, else the marks are wrong and the rotation stops
  before anything is kept: a digest is never guessed;
- a `digest` column without an `"of"` (a consent is kept by the phone's digest alone) is
  mapped from old to new through the digests just recomputed with the same normalisation;
  one whose value occurs nowhere else cannot be recomputed and is left as it was ("stale":
  counted and reported, and cleared by the purge in time).

Writers are kept out while it runs: SQLite's write lock is taken before the first read, and
on PostgreSQL the personal tables are locked against writes.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Column, Connection, Engine, Table, and_, bindparam, select, update

from countyexpress.adapters.db.personal import personal_columns, sealed_columns, vault_tables
from countyexpress.adapters.vault import Vault, ciphertext_prefix, is_ciphertext
from countyexpress.domain import privacy
from countyexpress.errors import CountyExpressError

BATCH = 1000
Changes = list[tuple[dict[str, Any], dict[str, Any]]]
"""(primary key, new values) of the rows to rewrite."""


class MarkError(CountyExpressError):
    """The personal-column marks do not let the rotation recompute a digest."""


@dataclass
class Rekeyed:
    """What a rotation rewrote, per `table.column`."""

    columns: dict[str, int] = field(default_factory=dict)
    stale: dict[str, int] = field(default_factory=dict)
    """Digests with no plaintext anywhere to recompute them from, left as they were."""


def _kind(column: Column[Any]) -> str:
    return str(column.info.get("personal", ""))


def _ciphertexts(table: Table) -> list[Column[Any]]:
    """The Vault ciphertext columns of `table`: personal ones and sealed ones."""
    return [c for c in personal_columns(table) if _kind(c) == "ciphertext"] + sealed_columns(table)


def _normaliser(table: Table, column: Column[Any]) -> tuple[str, Callable[[str], str]]:
    name = str(column.info.get("normalise", "none"))
    if name == "none":
        return name, lambda value: value
    fn = getattr(privacy, name, None)
    if not callable(fn):
        raise MarkError(
            f"{table.name}.{column.name}: normalise {name!r} is not a function of domain.privacy"
        )
    return name, fn


def _lock(connection: Connection, tables: Iterable[Table]) -> None:
    """Keep writers out from before the first read to the commit."""
    tables = list(tables)
    if connection.dialect.name == "sqlite":
        if tables:  # a write statement takes the database's write lock (it changes nothing)
            first = tables[0]
            col = next(iter(first.columns))
            connection.execute(update(first).where(col != col).values({col.name: col}))
    elif connection.dialect.name == "postgresql":
        for table in tables:
            connection.exec_driver_sql(f'LOCK TABLE "{table.name}" IN SHARE ROW EXCLUSIVE MODE')


def _write(connection: Connection, table: Table, changes: Changes) -> None:
    """Apply (primary key, new values) pairs, grouped by the set of columns they change."""
    pk = list(table.primary_key.columns)
    groups: dict[tuple[str, ...], list[dict[str, Any]]] = defaultdict(list)
    for key, values in changes:
        names = tuple(sorted(values))
        row = {f"k_{c.name}": key[c.name] for c in pk}
        row.update({f"v_{n}": v for n, v in values.items()})
        groups[names].append(row)
    for names, params in groups.items():
        statement = (
            update(table)
            .where(and_(*(c == bindparam(f"k_{c.name}") for c in pk)))
            .values({n: bindparam(f"v_{n}") for n in names})
        )
        for start in range(0, len(params), BATCH):
            connection.execute(statement, params[start : start + BATCH])


def _primary_key(table: Table) -> list[Column[Any]]:
    pk = list(table.primary_key.columns)
    if not pk:
        raise MarkError(f"{table.name} has personal columns but no primary key to rewrite by")
    return pk


def rekey(connection: Connection, old: Vault, new: Vault) -> Rekeyed:
    """Re-encrypt and re-digest every marked column, in the caller's transaction."""
    done = Rekeyed()
    tables = vault_tables()
    _lock(connection, tables)
    mapped: dict[str, dict[str, str]] = defaultdict(dict)  # normalise → old digest → new
    for table in tables:
        cipher = _ciphertexts(table)
        derived = [c for c in personal_columns(table) if _kind(c) == "digest" and "of" in c.info]
        if not cipher and not derived:
            continue
        for d in derived:
            if d.info["of"] not in {c.name for c in cipher}:
                raise MarkError(
                    f"{table.name}.{d.name}: 'of' names {d.info['of']!r}, not a ciphertext "
                    "column of the same table"
                )
        pk = _primary_key(table)
        normalisers = {d.name: _normaliser(table, d) for d in derived}
        changes: Changes = []
        counts: dict[str, int] = defaultdict(int)
        for row in connection.execute(select(*pk, *cipher, *derived)).mappings():
            plain: dict[str, str] = {}
            values: dict[str, Any] = {}
            for c in cipher:
                if is_ciphertext(row[c.name]):
                    plain[c.name] = old.decrypt(row[c.name])
                    values[c.name] = new.encrypt(plain[c.name])
                    counts[c.name] += 1
            for d in derived:
                source, current = d.info["of"], row[d.name]
                if not current or source not in plain:
                    continue
                name, normalise = normalisers[d.name]
                value = normalise(plain[source])
                if old.digest(value) != current:
                    raise MarkError(
                        f"{table.name}.{d.name} is not the digest of {source} normalised by "
                        f"{name!r}: the marks are wrong, nothing was changed"
                    )
                values[d.name] = mapped[name][current] = new.digest(value)
                counts[d.name] += 1
            if values:
                changes.append(({c.name: row[c.name] for c in pk}, values))
        _write(connection, table, changes)
        for name, n in counts.items():
            done.columns[f"{table.name}.{name}"] = n
    for table in tables:
        loose = [c for c in personal_columns(table) if _kind(c) == "digest" and "of" not in c.info]
        if not loose:
            continue
        pk = _primary_key(table)
        changes = []
        for d in loose:
            name, _ = _normaliser(table, d)
            rewritten = stale = 0
            for row in connection.execute(select(*pk, d).where(d.is_not(None), d != "")).mappings():
                target = mapped[name].get(row[d.name])
                if target is None:
                    stale += 1
                    continue
                changes.append(({c.name: row[c.name] for c in pk}, {d.name: target}))
                rewritten += 1
            done.columns[f"{table.name}.{d.name}"] = rewritten
            if stale:
                done.stale[f"{table.name}.{d.name}"] = stale
        _write(connection, table, changes)
    return done


def uses_key(engine: Engine, key: str) -> bool:
    """Whether any marked (personal or sealed) ciphertext of the database was made under the
    key with id `key`."""
    prefix = ciphertext_prefix(key)
    with engine.connect() as connection:
        for table in vault_tables():
            for c in _ciphertexts(table):
                hit = connection.execute(
                    select(c).where(c.startswith(prefix, autoescape=True)).limit(1)
                ).first()
                if hit is not None:
                    return True
    return False
