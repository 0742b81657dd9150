"""Rows an import has checked, held by the service until the import writes them.

An import checks the whole file before it writes anything (all or nothing across chunks).
The check keeps each good row as it loaded it, under the import's stage id; the write then
takes its range of rows from here instead of the caller sending them again, so a row is
validated once, and a writing call carries no rows at all. Any replica can write what any
other checked: the rows are in the register's database. Nothing here is the register: a
staged row becomes an organization only through the events of `import_staged`, which
consume it in their transaction. Stages an import never wrote (a file with bad rows, a
caller that went away) are discarded by the caller or purged after STAGE_HOURS."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import orjson
from sqlalchemy import Column, Integer, Select, String, Table, Text, and_, func, select
from sqlalchemy.engine import Connection, Engine

from services.chassis.database import bulk_insert
from services.chassis.envelope import utc_timestamp

from .names import normalize
from .readmodel import metadata

STAGE_HOURS = 24

staged = Table(
    "import_staged",
    metadata,
    Column("stage", String(64), primary_key=True),
    Column("row", Integer, primary_key=True),  # the row's position in the import, from 1
    Column("fields", Text, nullable=False),  # JSON: the fields as the schema loaded them
    Column("given", Text, nullable=False),  # JSON: the names of the fields the row gave
    Column("subdistrict", String(6), nullable=False),  # the row's natural key, as the register's
    Column("name_key", String(200), nullable=False),
    Column("staged_at", String(27), nullable=False),
)


def keep(engine: Engine, stage: str, good: list[tuple[int, dict, dict]]) -> None:
    """Hold checked rows (row, fields, given) under `stage`; a row staged again replaces itself."""
    at = utc_timestamp()
    rows = [{"stage": stage, "row": row, "fields": orjson.dumps(fields).decode(),
             "given": orjson.dumps(list(given)).decode(), "subdistrict": fields["subdistrict"],
             "name_key": normalize(fields["name"]), "staged_at": at} for row, fields, given in good]
    with engine.begin() as conn:
        if rows:  # a retried check (RPC redelivery) stages the same rows again
            conn.execute(staged.delete().where(_range(stage, rows[0]["row"], rows[-1]["row"])))
        bulk_insert(conn, staged, rows)


def held(engine: Engine, stage: str, first: int, last: int) -> tuple[list[tuple[int, dict, dict]], list[tuple]]:
    """The staged rows from `first` to `last` as (row, fields, given), in row order, and their
    natural keys."""
    query = (select(staged.c.row, staged.c.fields, staged.c.given, staged.c.subdistrict, staged.c.name_key)
             .where(_range(stage, first, last)).order_by(staged.c.row))
    rows, naturals = [], []
    with engine.connect() as conn:
        found = conn.execute(query).tuples().all()
    for row, fields_json, given_json, subdistrict, name_key in found:
        fields = orjson.loads(fields_json)
        rows.append((row, fields, {name: fields[name] for name in orjson.loads(given_json)}))
        naturals.append((subdistrict, name_key))
    return rows, naturals


def keys(stage: str, first: int, last: int) -> Select:
    """The natural keys of the staged rows from `first` to `last`, as a query."""
    return select(staged.c.subdistrict, staged.c.name_key).where(_range(stage, first, last))


def keys_apart(engine: Engine, stage: str, chunk: int) -> bool:
    """True when no natural key is staged in two writing chunks of `chunk` rows: the chunks
    may then be written at once, by different replicas, without both creating one organization."""
    piece = (staged.c.row - 1) // chunk
    shared = (select(staged.c.subdistrict).where(staged.c.stage == stage)
              .group_by(staged.c.subdistrict, staged.c.name_key)
              .having(func.min(piece) != func.max(piece)).limit(1))
    with engine.connect() as conn:
        return conn.execute(shared).first() is None


def _range(stage: str, first: int, last: int):
    return and_(staged.c.stage == stage, staged.c.row.between(first, last))


def consume(conn: Connection, stage: str, first: int, last: int) -> None:
    """Drop the rows a write took, in the write's own transaction."""
    conn.execute(staged.delete().where(_range(stage, first, last)))


def discard(engine: Engine, stage: str) -> int:
    with engine.begin() as conn:
        return conn.execute(staged.delete().where(staged.c.stage == stage)).rowcount


def purge(engine: Engine, now: datetime | None = None) -> int:
    """Drop stages older than STAGE_HOURS: imports that were checked and never written."""
    cutoff = utc_timestamp((now or datetime.now(timezone.utc)) - timedelta(hours=STAGE_HOURS))
    with engine.begin() as conn:
        return conn.execute(staged.delete().where(staged.c.staged_at < cutoff)).rowcount
