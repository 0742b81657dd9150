"""The read model made again from the log and the key store. Its rows hold names in plaintext
(what search needs), so a backup leaves them out (DESIGN §2b: the read model is a projection,
not part of long-term backups); the service's first start on a restored database finds the
rows missing and projects every event again, opening each with its person's key: a person
erased since has none, and comes back as nothing but their ids until the ledger erases them."""
from __future__ import annotations

import logging

import orjson
from sqlalchemy import delete, select
from sqlalchemy.engine import Connection

from services.chassis import tables
from services.chassis.privacy.keystore import KeyStore
from services.chassis.store import EventStore
from services.contracts.people import events as ev

from . import readmodel, rights

log = logging.getLogger(__name__)
PAGE = 5000  # events projected at a time (their keys fetched together)


def before_answering(store: EventStore, keys: KeyStore) -> None:
    """On every start: the read model rebuilt if a restore left it out, then the erasure
    ledger re-applied (so a backup taken before an erasure never brings a person back)."""
    if missing(store):
        rebuild(store, keys)
    rights.reapply_ledger(store, keys)


def missing(store: EventStore) -> bool:
    """The log has people and the read model none: a restored backup's database."""
    with store.engine.connect() as conn:
        if conn.execute(select(readmodel.people.c.id).limit(1)).first() is not None:
            return False
        registered = select(tables.events.c.seq).where(tables.events.c.type == ev.REGISTERED).limit(1)
        return conn.execute(registered).first() is not None


def rebuild(store: EventStore, keys: KeyStore, page: int = PAGE) -> int:
    """Every event projected again, in one transaction (a start cut short leaves the rows
    missing, and the next start begins again); returns how many."""
    sealers: dict = {}
    projection = readmodel.Projection(sealers, keys.master.blind, rights.SERVICE_ACTOR.user.name)
    seq = applied = 0
    with store.engine.begin() as conn:
        conn.execute(delete(readmodel.requests))
        conn.execute(delete(readmodel.people))
        while batch := _events(conn, store.source, seq, page):
            sealers.clear()
            sealers.update(keys.sealers({ev.person_id_of(e["stream"]) for e in batch if ev.is_person(e["stream"])}))
            projection(conn, batch)
            seq, applied = batch[-1]["seq"], applied + len(batch)
    log.warning("read model rebuilt from the log", extra={"events": applied})
    return applied


def _events(conn: Connection, source: str, seq: int, limit: int) -> list[dict]:
    """The events after `seq`, read in the rebuild's own transaction (on SQLite another
    connection would wait for its write lock)."""
    query = select(tables.events).where(tables.events.c.seq > seq).order_by(tables.events.c.seq).limit(limit)
    return [{**row, "source": source, "actor": orjson.loads(row["actor"]), "data": orjson.loads(row["data"])}
            for row in conn.execute(query).mappings()]
