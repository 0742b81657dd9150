"""The indicator projection, whatever the source: daily deltas of the indicators and their
breakdowns (`deltas`) and what each source's projector keeps (`projectors`), created,
applied, cleared and compared as one."""
from __future__ import annotations

from sqlalchemy.engine import Connection, Engine

from .deltas import breakdown_deltas, indicator_deltas, metadata, totals
from .projectors import PROJECTORS

TABLES = (indicator_deltas, breakdown_deltas,
          *(table for projector in PROJECTORS.values() for table in projector.TABLES))


def create_schema(engine: Engine) -> None:
    metadata.create_all(engine)


def apply(conn: Connection, source: str, events: list[dict]) -> None:
    """Project one contiguous run of a source's events (inside the checkpoint's transaction)."""
    projector = PROJECTORS.get(source)
    if projector is not None:
        projector.apply(conn, events)


def clear(conn: Connection) -> None:
    for table in TABLES:
        conn.execute(table.delete())


def snapshot(conn: Connection) -> dict:
    """The projection's content in a comparable form: non-zero totals and each projector's part."""
    out = {"deltas": totals(conn), "breakdowns": totals(conn, breakdown_deltas)}
    for projector in PROJECTORS.values():
        out.update(projector.snapshot(conn))
    return out
