"""Rows an import has checked, held by the service until the import writes them.

An import checks the whole file before it writes anything (all or nothing across chunks).
The check keeps each good row as it loaded it, under the import's stage id; the write then
takes its range of rows from here instead of the caller sending them again, so a row is
validated once, and a writing call carries no rows at all. Any replica can write what any
other checked: the rows are in the register's database. Nothing here is the register: a
staged row becomes a record only through the events of the staged write, which consume it in
their transaction. Stages an import never wrote (a file with bad rows, a caller that went
away) are discarded by the caller or purged after STAGE_HOURS.

Each row is kept with its natural key (the columns a register finds a record again by), so
the write looks up the records at those keys without the caller, and chunks that share a key
are told apart before they are written at once."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Callable

import orjson
from sqlalchemy import Column, Integer, MetaData, Select, String, Table, Text, and_, func, select
from sqlalchemy.engine import Connection, Engine

from services.chassis.database import bulk_insert
from services.chassis.envelope import utc_timestamp

STAGE_HOURS = 24

Staged = tuple[int, dict, dict]  # (row, fields as the schema loaded them, the fields the row gave)


class Stage:
    """The `import_staged` table of a register's database. `keys`: the natural key's columns
    (not null); `key_of(fields)`: a loaded row's values for them, in that order."""

    def __init__(self, metadata: MetaData, keys: tuple[Column, ...], key_of: Callable[[dict], tuple]):
        self.key_of = key_of
        self.table = Table(
            "import_staged",
            metadata,
            Column("stage", String(64), primary_key=True),
            Column("row", Integer, primary_key=True),  # the row's position in the import, from 1
            Column("fields", Text, nullable=False),  # JSON: the fields as the schema loaded them
            Column("given", Text, nullable=False),  # JSON: the names of the fields the row gave
            *keys,
            Column("staged_at", String(27), nullable=False),
        )
        self.keys = tuple(self.table.c[column.name] for column in keys)

    def keep(self, engine: Engine, stage: str, good: list[Staged]) -> None:
        """Hold checked rows under `stage`; a row staged again replaces itself."""
        at, names = utc_timestamp(), [c.name for c in self.keys]
        rows = [{"stage": stage, "row": row, "fields": orjson.dumps(fields).decode(),
                 "given": orjson.dumps(list(given)).decode(), **dict(zip(names, self.key_of(fields))),
                 "staged_at": at} for row, fields, given in good]
        with engine.begin() as conn:
            if rows:  # a retried check (RPC redelivery) stages the same rows again
                conn.execute(self.table.delete().where(self._range(stage, rows[0]["row"], rows[-1]["row"])))
            bulk_insert(conn, self.table, rows)

    def held(self, engine: Engine, stage: str, first: int, last: int) -> tuple[list[Staged], list[tuple]]:
        """The staged rows from `first` to `last` as (row, fields, given), in row order, and
        their natural keys."""
        staged = self.table.c
        query = (select(staged.row, staged.fields, staged.given, *self.keys)
                 .where(self._range(stage, first, last)).order_by(staged.row))
        rows, naturals = [], []
        with engine.connect() as conn:
            found = conn.execute(query).tuples().all()
        for row, fields_json, given_json, *natural in found:
            fields = orjson.loads(fields_json)
            rows.append((row, fields, {name: fields[name] for name in orjson.loads(given_json)}))
            naturals.append(tuple(natural))
        return rows, naturals

    def key_query(self, stage: str, first: int, last: int) -> Select:
        """The natural keys of the staged rows from `first` to `last`, as a query."""
        return select(*self.keys).where(self._range(stage, first, last))

    def keys_apart(self, engine: Engine, stage: str, chunk: int) -> bool:
        """True when no natural key is staged in two writing chunks of `chunk` rows: the chunks
        may then be written at once, by different replicas, without both creating one record."""
        staged = self.table.c
        piece = (staged.row - 1) // chunk
        shared = (select(self.keys[0]).where(staged.stage == stage)
                  .group_by(*self.keys).having(func.min(piece) != func.max(piece)).limit(1))
        with engine.connect() as conn:
            return conn.execute(shared).first() is None

    def _range(self, stage: str, first: int, last: int):
        return and_(self.table.c.stage == stage, self.table.c.row.between(first, last))

    def consume(self, conn: Connection, stage: str, first: int, last: int) -> None:
        """Drop the rows a write took, in the write's own transaction."""
        conn.execute(self.table.delete().where(self._range(stage, first, last)))

    def discard(self, engine: Engine, stage: str) -> int:
        with engine.begin() as conn:
            return conn.execute(self.table.delete().where(self.table.c.stage == stage)).rowcount

    def purge(self, engine: Engine, now: datetime | None = None) -> int:
        """Drop stages older than STAGE_HOURS: imports that were checked and never written."""
        cutoff = utc_timestamp((now or datetime.now(timezone.utc)) - timedelta(hours=STAGE_HOURS))
        with engine.begin() as conn:
            return conn.execute(self.table.delete().where(self.table.c.staged_at < cutoff)).rowcount
