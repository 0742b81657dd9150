"""The catch-up subscriber (DESIGN §3). Applies each source's events exactly once and in
`seq` order, whatever the broker does: a checkpoint per source is written in the same
transaction as the projection change; duplicates are skipped; a gap is filled by asking the
source; a periodic check against the source's head catches anything never delivered."""
from __future__ import annotations

import logging
import threading
from typing import Callable

from sqlalchemy import select
from sqlalchemy.engine import Connection, Engine

from . import tables
from .database import exclusive
from .envelope import GENESIS

log = logging.getLogger(__name__)

Apply = Callable[[Connection, str, list[dict]], None]
Clear = Callable[[Connection], None]
Fetch = Callable[[str, int, int], list[dict]]  # (source, after seq, limit) -> events


class ChainBroken(Exception):
    """An event does not link to the one before it: the feed is not the source's log."""


class CatchUpSubscriber:
    """Applies each source's events to a projection exactly once, in `seq` order: `apply`
    writes a run of them, `clear` drops everything it wrote (for `replay`)."""

    def __init__(self, engine: Engine, apply: Apply, page: int = 2000, *, clear: Clear | None = None):
        self.engine = engine
        self.apply = apply
        self.clear = clear
        self.page = page
        self._lock = threading.Lock()  # green under eventlet; one applier per process
        self._last_look: dict[str, tuple[int, int]] = {}  # source -> (position, head) at the last look

    def create_schema(self) -> None:
        tables.subscriber_metadata.create_all(self.engine)

    def position(self, source: str) -> int:
        with self.engine.connect() as conn:
            return _checkpoint(conn, source)[0]

    def stalled(self, source: str, head: int) -> bool:
        """True when events the source already had at the last look have still not arrived,
        and nothing arrived since: the periodic check must fetch them. Events appended since
        the last look are the broker's to bring (a relay under load may take a moment), and
        while batches flow it leaves them to the broker instead of fetching them a second time."""
        position = self.position(source)
        before, self._last_look[source] = self._last_look.get(source), (position, head)
        return before is not None and position == before[0] and position < min(head, before[1])

    def on_batch(self, batch: dict, fetch: Fetch) -> int:
        """Handle one delivered batch; returns how many events were applied."""
        source, first, last = batch["source"], batch["first"], batch["last"]
        with self._lock:
            position = self.position(source)
            if last <= position:
                return 0
            applied = 0
            if first > position + 1:
                applied += self._catch_up_to(source, fetch, first - 1)
            return applied + self._apply(source, batch["events"])

    def catch_up(self, source: str, fetch: Fetch, head: int | None = None) -> int:
        """Fetch and apply everything after the checkpoint (up to `head` if given)."""
        with self._lock:
            return self._catch_up_to(source, fetch, head)

    def _catch_up_to(self, source: str, fetch: Fetch, head: int | None) -> int:
        applied = 0
        while True:
            position = self.position(source)
            if head is not None and position >= head:
                break
            limit = self.page if head is None else min(self.page, head - position)
            events = fetch(source, position, limit)
            if not events:
                break
            applied += self._apply(source, events)
        if applied:
            log.info("applied %d events of %s fetched from its log, not delivered by the broker", applied, source)
        return applied

    def _apply(self, source: str, events: list[dict]) -> int:
        with self.engine.begin() as conn:
            exclusive(conn, f"checkpoint:{source}")
            position, last_hash = _checkpoint(conn, source)
            fresh = [e for e in events if e["seq"] > position]
            if not fresh:
                return 0
            if fresh[0]["seq"] != position + 1:
                return 0  # not contiguous (another replica moved on); the caller re-reads
            _check_links(fresh, last_hash)
            self.apply(conn, source, fresh)
            _save_checkpoint(conn, source, fresh[-1])
            return len(fresh)

    def replay(self, sources: list[str], fetch: Fetch) -> dict:
        """Drop the projection and its checkpoints, then catch up on every source from seq 0."""
        if self.clear is None:
            raise TypeError("replay needs the projection's clear (CatchUpSubscriber(..., clear=...))")
        with self._lock:
            with self.engine.begin() as conn:
                self.clear(conn)
                conn.execute(tables.checkpoints.delete())
        applied = {source: self.catch_up(source, fetch) for source in sources}
        return {"applied": applied, "events": sum(applied.values())}


def _checkpoint(conn: Connection, source: str) -> tuple[int, str]:
    query = select(tables.checkpoints.c.seq, tables.checkpoints.c.hash).where(tables.checkpoints.c.source == source)
    row = conn.execute(query).first()
    return (row.seq, row.hash) if row else (0, GENESIS)


def _save_checkpoint(conn: Connection, source: str, last: dict) -> None:
    values = {"seq": last["seq"], "hash": last["hash"]}
    done = conn.execute(tables.checkpoints.update().where(tables.checkpoints.c.source == source).values(**values))
    if done.rowcount == 0:
        conn.execute(tables.checkpoints.insert(), {"source": source, **values})


def _check_links(events: list[dict], prev: str) -> None:
    for event in events:
        if event["prev"] != prev:
            raise ChainBroken(f"{event['source']} seq {event['seq']} does not follow the event before it")
        prev = event["hash"]
