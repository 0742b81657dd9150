"""The indicator projection, whatever the source: daily deltas of the indicators, their
breakdowns and the registers' activity (`deltas`), and each record's state (`records`),
created, applied, cleared and compared as one. A change of what the projection keeps bumps
`VERSION`: a database projected by another version is cleared at start and rebuilt from the
logs by the catch-up."""
from __future__ import annotations

import logging

from sqlalchemy import Column, Integer, String, Table, inspect, select
from sqlalchemy.engine import Connection, Engine

from services.chassis import tables as chassis_tables

from . import targets
from .deltas import DELTA_TABLES, metadata, totals
from .projectors import PROJECTORS
from .records import record_states, snapshot as record_snapshot

log = logging.getLogger(__name__)

VERSION = 3  # 2: records' states in one table, breakdowns of every register, activity; 3: keys led by the place

projection_version = Table(
    "projection_version",
    metadata,
    Column("name", String(20), primary_key=True),
    Column("version", Integer, nullable=False),
)
TABLES = (*DELTA_TABLES, record_states)
_OLD_TABLES = ("org_places", "person_roles", "person_counted", "item_states", "campaign_states")


def create_schema(engine: Engine) -> None:
    """Create the tables; a projection of another version is dropped, with the checkpoints,
    so the catch-up replays every log into this version's tables."""
    existing = set(inspect(engine).get_table_names())
    with engine.begin() as conn:
        stale = "indicator_deltas" in existing and _version(conn, existing) != VERSION
        if stale:
            log.warning("projection of another version: cleared, to be rebuilt from the logs",
                        extra={"code": "projection_rebuilt"})
            for name in (*(t.name for t in TABLES), *_OLD_TABLES):
                if name in existing:
                    conn.exec_driver_sql(f"DROP TABLE {name}")
            if "checkpoints" in existing:
                conn.execute(chassis_tables.checkpoints.delete())
    metadata.create_all(engine)
    chassis_tables.subscriber_metadata.create_all(engine)  # checkpoints and freshness, read with the figures
    targets.log(engine).create_schema()  # reporting's own log: the targets set
    with engine.begin() as conn:
        conn.execute(projection_version.delete())
        conn.execute(projection_version.insert(), {"name": "indicators", "version": VERSION})


def _version(conn: Connection, existing: set[str]) -> int | None:
    if "projection_version" not in existing:
        return None
    return conn.execute(select(projection_version.c.version)).scalar()


def apply(conn: Connection, source: str, events: list[dict]) -> None:
    """Project one contiguous run of a source's events (inside the checkpoint's transaction)."""
    projector = PROJECTORS.get(source)
    if projector is not None:
        projector.apply(conn, events)


def clear(conn: Connection) -> None:
    for table in TABLES:
        conn.execute(table.delete())


def snapshot(conn: Connection) -> dict:
    """The projection's content in a comparable form: non-zero totals and every record's state."""
    out = {f"{table.name}": totals(conn, table) for table in DELTA_TABLES}
    out.update(record_snapshot(conn))
    return out
