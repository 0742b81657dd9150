"""The indicators as daily deltas: one row per indicator, scope (nation, region, province,
center), place and Bangkok day, so any "as of" value is one indexed sum. Each source's
projector (`projectors/`) says how many records came or went where and when; this module
spreads those over the scopes and adds them up.

Breakdowns are kept the same way (`breakdown_deltas`): how many records of an indicator's
register have each value of one of their code lists (organizations by type, strength and
verification age, people by skill, knowledge items by category, kind and status, campaigns by
status and channel), per scope, place and day. What a breakdown counts is its projector's to
say (docs/reporting.md). `activity_deltas` counts the register's changes (registrations,
amendments, verifications, merges, erasures...) per center and day, for the monthly report."""
from __future__ import annotations

from collections import Counter
from functools import lru_cache
from operator import itemgetter

from sqlalchemy import Column, Integer, MetaData, PrimaryKeyConstraint, String, Table, select, text
from sqlalchemy.dialects import sqlite
from sqlalchemy.engine import Connection

from services import reference
from services.chassis.database import is_postgres
from services.contracts.reporting import NATION

metadata = MetaData()

# Each table's key leads with the place (scope, code): every answer reads one scope, often one
# place, and the key is the index it reads by (a key led by the indicator made each answer scan
# the whole table: a second and more at the national dataset's 2 million rows). Its columns in
# table order are the order of the keys `add` takes.
indicator_deltas = Table(
    "indicator_deltas",
    metadata,
    Column("indicator", String(30), nullable=False),
    Column("scope", String(10), nullable=False),
    Column("code", String(10), nullable=False),
    Column("day", String(10), nullable=False),  # Bangkok calendar date, ISO
    Column("delta", Integer, nullable=False),
    PrimaryKeyConstraint("scope", "code", "indicator", "day"),
)
breakdown_deltas = Table(
    "breakdown_deltas",
    metadata,
    Column("indicator", String(30), nullable=False),  # the indicator whose register's records these are
    Column("dimension", String(20), nullable=False),  # a code list: category, kind, status
    Column("value", String(30), nullable=False),  # one of its codes
    Column("scope", String(10), nullable=False),
    Column("code", String(10), nullable=False),
    Column("day", String(10), nullable=False),
    Column("delta", Integer, nullable=False),
    PrimaryKeyConstraint("scope", "code", "indicator", "dimension", "value", "day"),
)
activity_deltas = Table(
    "activity_deltas",
    metadata,
    Column("source", String(12), nullable=False),  # the register
    Column("change", String(20), nullable=False),  # registered, amended, verified, merged, erased...
    Column("scope", String(10), nullable=False),
    Column("code", String(10), nullable=False),
    Column("day", String(10), nullable=False),
    Column("delta", Integer, nullable=False),  # events of that change on that day
    PrimaryKeyConstraint("scope", "code", "source", "change", "day"),
)
DELTA_TABLES = (indicator_deltas, breakdown_deltas, activity_deltas)


def scopes(center: str, province: str) -> tuple[tuple[str, str], ...]:
    """Every scope that holds a center of a province: the nation, its region, the province, the center."""
    return (("nation", NATION), ("region", reference.region_of(province)), ("province", province), ("center", center))


def spread(moves: Counter) -> Counter:
    """Spread counts keyed by what and where ((*what, center, province, day) -> n) over every
    scope that contains the place: (*what, scope, code, day) -> n."""
    deltas: dict = {}
    get = deltas.get
    for key, n in moves.items():
        what, center, province, day = key[:-3], key[-3], key[-2], key[-1]
        for place in (("nation", NATION), ("region", _region(province)), ("province", province), ("center", center)):
            spread_key = (*what, *place, day)
            deltas[spread_key] = get(spread_key, 0) + n
    return Counter(deltas)


_region = lru_cache(maxsize=None)(reference.region_of)  # a province's region: asked for every count moved


def _keys(table: Table) -> list[str]:
    """The key's columns in the order `add` and `totals` take them: the table's (not its index's)."""
    return [c.name for c in table.columns if c.name != "delta"]


def _upsert_pg(table: Table):
    keys = _keys(table)
    arrays = ", ".join(f"CAST(:{k} AS text[])" for k in keys)
    return text(f"""
    INSERT INTO {table.name} ({", ".join(keys)}, delta)
    SELECT * FROM unnest({arrays}, CAST(:delta AS integer[]))
    ON CONFLICT ({", ".join(keys)}) DO UPDATE SET delta = {table.name}.delta + EXCLUDED.delta
""")


_UPSERTS_PG = {table.name: _upsert_pg(table) for table in DELTA_TABLES}


def add(conn: Connection, deltas: Counter, table: Table = indicator_deltas) -> None:
    """Add each delta to its row (keys in the order of `table`'s primary key): on PostgreSQL one
    statement over arrays (compiled once, whatever the number of keys), elsewhere an
    executemany of one cached upsert."""
    keys = [(key, n) for key, n in deltas.items() if n]
    if not keys:
        return
    names = _keys(table)
    if is_postgres(conn):
        in_index = itemgetter(*(names.index(c.name) for c in table.primary_key.columns))
        keys.sort(key=lambda item: in_index(item[0]))  # in the index's order: walked, not jumped about
        columns = list(zip(*[(*key, n) for key, n in keys]))
        values = {name: text_array(column) for name, column in zip(names, columns)}
        values["delta"] = "{" + ",".join(map(str, columns[-1])) + "}"
        conn.execute(_UPSERTS_PG[table.name], values)
        return
    statement = sqlite.insert(table)
    statement = statement.on_conflict_do_update(
        index_elements=names, set_={"delta": table.c.delta + statement.excluded.delta})
    conn.execute(statement, [{**dict(zip(names, key)), "delta": n} for key, n in keys])


def text_array(values) -> str:
    """A PostgreSQL array literal of text values, each quoted. One string, made by one join in
    the usual case (codes and days need no escape): psycopg would dump the list element by
    element, about half of a replay's time in this module."""
    whole = "".join(values)
    if '"' in whole or "\\" in whole:
        values = [value.replace("\\", "\\\\").replace('"', '\\"') for value in values]
    return '{"' + '","'.join(values) + '"}'


def totals(conn: Connection, table: Table = indicator_deltas) -> dict:
    """The non-zero total of every key and day of `table`: comparable between two projections."""
    names = _keys(table)
    found: Counter = Counter()
    for r in conn.execute(select(table)):
        found[tuple(getattr(r, name) for name in names)] += r.delta
    return {k: v for k, v in found.items() if v}
