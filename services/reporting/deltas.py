"""The indicators as daily deltas: one row per indicator, scope (nation, region, province,
center), place and Bangkok day, so any "as of" value is one indexed sum. Each source's
projector (`projectors/`) says how many records came or went where and when; this module
spreads those over the scopes and adds them up."""
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
    deltas: Counter = Counter()
    for (center, province, day), n in moves.items():
        for scope, code in Place(center, province).scopes():
            deltas[indicator, scope, code, day] += n
    return deltas


_UPSERT_DELTAS_PG = text("""
    INSERT INTO indicator_deltas (indicator, scope, code, day, delta)
    SELECT * FROM unnest(CAST(:indicator AS text[]), CAST(:scope AS text[]), CAST(:code AS text[]),
                         CAST(:day AS text[]), CAST(:delta AS integer[]))
    ON CONFLICT (indicator, scope, code, day) DO UPDATE SET delta = indicator_deltas.delta + EXCLUDED.delta
""")


def add(conn: Connection, deltas: Counter) -> None:
    """Add each delta to its row: on PostgreSQL one statement over arrays (compiled once,
    whatever the number of keys), elsewhere an executemany of one cached upsert."""
    keys = [(key, n) for key, n in deltas.items() if n]
    if not keys:
        return
    if is_postgres(conn):
        columns = list(zip(*[(*key, n) for key, n in keys]))
        conn.execute(_UPSERT_DELTAS_PG, dict(zip(("indicator", "scope", "code", "day", "delta"), map(list, columns))))
        return
    statement = sqlite.insert(indicator_deltas)
    statement = statement.on_conflict_do_update(
        index_elements=["indicator", "scope", "code", "day"],
        set_={"delta": indicator_deltas.c.delta + statement.excluded.delta},
    )
    conn.execute(statement, [
        {"indicator": i, "scope": s, "code": c, "day": d, "delta": n} for (i, s, c, d), n in keys])


def totals(conn: Connection) -> dict:
    """The non-zero total of every indicator, scope, place and day: comparable between two projections."""
    found: Counter = Counter()
    for r in conn.execute(select(indicator_deltas)):
        found[r.indicator, r.scope, r.code, r.day] += r.delta
    return {k: v for k, v in found.items() if v}
