"""The indicators as daily deltas: one row per indicator, scope (nation, region, province,
center), place and Bangkok day, so any "as of" value is one indexed sum. Each source's
projector (`projectors/`) says how many records came or went where and when; this module
spreads those over the scopes and adds them up.

Breakdowns are kept the same way (`breakdown_deltas`): how many records of an indicator's
register have each value of one of their code lists (knowledge items by category, kind and
status; campaigns by status), per scope, place and day. What a breakdown counts is its
projector's to say (docs/decisions.md, Reporting)."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from sqlalchemy import Column, Integer, MetaData, String, Table, select, text
from sqlalchemy.dialects import sqlite
from sqlalchemy.engine import Connection

from services import reference
from services.chassis.database import is_postgres
from services.contracts.reporting import NATION

metadata = MetaData()

indicator_deltas = Table(
    "indicator_deltas",
    metadata,
    Column("indicator", String(30), primary_key=True),
    Column("scope", String(10), primary_key=True),
    Column("code", String(10), primary_key=True),
    Column("day", String(10), primary_key=True),  # Bangkok calendar date, ISO
    Column("delta", Integer, nullable=False),
)
breakdown_deltas = Table(
    "breakdown_deltas",
    metadata,
    Column("indicator", String(30), primary_key=True),  # the indicator whose register's records these are
    Column("dimension", String(20), primary_key=True),  # a code list: category, kind, status
    Column("value", String(30), primary_key=True),  # one of its codes
    Column("scope", String(10), primary_key=True),
    Column("code", String(10), primary_key=True),
    Column("day", String(10), primary_key=True),
    Column("delta", Integer, nullable=False),
)


@dataclass
class Place:
    """Where a record counts: its center and province (the region and the nation follow)."""

    center: str
    province: str
    active: bool = True

    def scopes(self):
        return (
            ("nation", NATION), ("region", reference.region_of(self.province)),
            ("province", self.province), ("center", self.center),
        )


def by_scope(indicator: str, moves: Counter) -> Counter:
    """Spread per-place counts ((center, province, day) -> n) over every scope that contains the place."""
    return spread(Counter({(indicator, *place): n for place, n in moves.items()}))


def spread(moves: Counter) -> Counter:
    """Spread counts keyed by what and where ((*what, center, province, day) -> n) over every
    scope that contains the place: (*what, scope, code, day) -> n."""
    deltas: Counter = Counter()
    for (*what, center, province, day), n in moves.items():
        for scope, code in Place(center, province).scopes():
            deltas[(*what, scope, code, day)] += n
    return deltas


def _keys(table: Table) -> list[str]:
    return [c.name for c in table.primary_key.columns]


def _upsert_pg(table: Table):
    keys = _keys(table)
    arrays = ", ".join(f"CAST(:{k} AS text[])" for k in keys)
    return text(f"""
    INSERT INTO {table.name} ({", ".join(keys)}, delta)
    SELECT * FROM unnest({arrays}, CAST(:delta AS integer[]))
    ON CONFLICT ({", ".join(keys)}) DO UPDATE SET delta = {table.name}.delta + EXCLUDED.delta
""")


_UPSERTS_PG = {table.name: _upsert_pg(table) for table in (indicator_deltas, breakdown_deltas)}


def add(conn: Connection, deltas: Counter, table: Table = indicator_deltas) -> None:
    """Add each delta to its row (keys in the order of `table`'s primary key): on PostgreSQL one
    statement over arrays (compiled once, whatever the number of keys), elsewhere an
    executemany of one cached upsert."""
    keys = [(key, n) for key, n in deltas.items() if n]
    if not keys:
        return
    names = _keys(table)
    if is_postgres(conn):
        columns = list(zip(*[(*key, n) for key, n in keys]))
        conn.execute(_UPSERTS_PG[table.name], dict(zip((*names, "delta"), map(list, columns))))
        return
    statement = sqlite.insert(table)
    statement = statement.on_conflict_do_update(
        index_elements=names, set_={"delta": table.c.delta + statement.excluded.delta})
    conn.execute(statement, [{**dict(zip(names, key)), "delta": n} for key, n in keys])


def totals(conn: Connection, table: Table = indicator_deltas) -> dict:
    """The non-zero total of every key and day of `table`: comparable between two projections."""
    names = _keys(table)
    found: Counter = Counter()
    for r in conn.execute(select(table)):
        found[tuple(getattr(r, name) for name in names)] += r.delta
    return {k: v for k, v in found.items() if v}
