"""A register's read model: one row per record, kept by the events of each command in the
command's own transaction (the store's `prepare`), so it can never lag the log. Rows of new
records are inserted in bulk (COPY on PostgreSQL); every other event updates its record's row."""
from __future__ import annotations

from typing import Callable

from sqlalchemy import Table, select
from sqlalchemy.engine import Connection, Engine

from services.chassis.database import bulk_insert


class RowProjection:
    """`created`: the event type that starts a record; `new_row(event)` its row;
    `changes(event)` the columns any other event sets (besides `version` and `updated_at`);
    `record_id(stream)` the row's `id`. With `reads=True`, `changes(conn, event)` is also given
    the connection, to read the row as the transaction has it so far (a list the event adds to)."""

    def __init__(self, table: Table, created: str, new_row: Callable[[dict], dict],
                 changes: Callable[..., dict], record_id: Callable[[str], str], reads: bool = False):
        self.table, self.created = table, created
        self.new_row, self.changes, self.record_id, self.reads = new_row, changes, record_id, reads

    def __call__(self, conn: Connection, stored: list[dict]) -> None:
        """Bring the rows up to date with events about to be appended (same transaction)."""
        bulk_insert(conn, self.table, [self.new_row(e) for e in stored if e["type"] == self.created])
        for event in stored:
            if event["type"] != self.created:
                changes = self.changes(conn, event) if self.reads else self.changes(event)
                values = {"version": event["version"], "updated_at": event["at"], **changes}
                conn.execute(self.table.update().where(self.table.c.id == self.record_id(event["stream"])).values(**values))

    def get(self, engine: Engine, record_id: str) -> dict | None:
        with engine.connect() as conn:
            return self.row(conn, record_id)

    def row(self, conn: Connection, record_id: str) -> dict | None:
        found = conn.execute(select(self.table).where(self.table.c.id == record_id)).mappings().first()
        return dict(found) if found else None
