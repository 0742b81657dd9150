"""The catch-up subscriber (DESIGN §3). Applies each source's events exactly once and in
`seq` order, whatever the broker does: a checkpoint per source is written in the same
transaction as the projection change; duplicates are skipped; a gap is filled by asking the
source; a periodic check against the source's head catches anything never delivered."""
from __future__ import annotations

import logging
import threading
from collections import deque
from typing import Callable

from sqlalchemy import select
from sqlalchemy.engine import Connection, Engine

from . import tables
from .database import exclusive, is_postgres
from .envelope import GENESIS, checked_batch, checked_event, follows, instant, utc_timestamp
from .envelope import BadEnvelope, ChainBroken  # noqa: F401  (what on_batch raises, importable from here)

log = logging.getLogger(__name__)

Apply = Callable[[Connection, str, list[dict]], None]
Clear = Callable[[Connection], None]
Fetch = Callable[[str, int, int], list[dict]]  # (source, after seq, limit) -> events


class CatchUpSubscriber:
    """Applies each source's events to a projection exactly once, in `seq` order: `apply`
    writes a run of them, `clear` drops everything it wrote (for `replay`)."""

    def __init__(self, engine: Engine, apply: Apply, page: int = 10_000, *, clear: Clear | None = None):
        self.engine = engine
        self.apply = apply
        self.clear = clear
        self.page = page
        self._lock = threading.Lock()  # green under eventlet: guards `_appliers` and a reset
        self._appliers: dict[str, threading.Lock] = {}  # one applier per source and process
        self._last_look: dict[str, tuple[int, int]] = {}  # source -> (position, head) at the last look
        self._replaying = False  # a replay's events are old: their lags say nothing
        self._lags: dict[str, deque] = {}  # source -> the last events' lags (ms), append to projection

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

    def _applying(self, source: str) -> threading.Lock:
        """The lock of `source`'s applier. Sources are applied independently (their projectors
        write rows of their own: their indicators, their kinds of record), so two sources may be
        applied at once, each in its own transaction."""
        with self._lock:
            return self._appliers.setdefault(source, threading.Lock())

    def on_batch(self, batch: dict, fetch: Fetch, source: str | None = None) -> int:
        """Handle one delivered batch (of `source`, the exchange it came through, if given);
        returns how many events were applied. A batch that is not what a relay sends, or does
        not follow from the events applied before it, raises BadEnvelope (ChainBroken for a
        link) and changes nothing: the periodic check then fetches the source's own events."""
        source, first, last, events = checked_batch(batch, source)
        with self._applying(source):
            position = self.position(source)
            if last <= position:
                return 0
            applied = 0
            if first > position + 1:
                applied += self._catch_up_to(source, fetch, first - 1)
            return applied + self._apply(source, events)

    def catch_up(self, source: str, fetch: Fetch, head: int | None = None) -> int:
        """Fetch and apply everything after the checkpoint (up to `head` if given)."""
        with self._applying(source):
            return self._catch_up_to(source, fetch, head)

    def _catch_up_to(self, source: str, fetch: Fetch, head: int | None) -> int:
        """Page after page up to `head` (None: the log's end). Each next page is fetched while the
        one before it is applied: the source's process reads and sends while this one projects."""
        applied, ahead, ahead_of = 0, None, None
        position = self.position(source)
        while head is None or position < head:
            if ahead is not None and ahead_of == position:
                events = ahead.result()
            else:
                events = fetch(source, position, self._limit(position, head))
            ahead = None
            if not events:
                break
            last = checked_event(events[-1], source)["seq"]
            if head is None or last < head:
                ahead, ahead_of = _InThread(fetch, source, last, self._limit(last, head)), last
            done = self._apply(source, events, measure=not self._replaying)
            applied += done
            position = last if done else self.position(source)  # 0: another applier moved it on
        if applied:
            log.info("applied %d events of %s fetched from its log, not delivered by the broker", applied, source)
        return applied

    def _limit(self, position: int, head: int | None) -> int:
        return self.page if head is None else min(self.page, head - position)

    def _apply(self, source: str, events: list[dict], measure: bool = True) -> int:
        with self.engine.begin() as conn:
            if is_postgres(conn):
                # A projection is rebuilt from the logs: a commit lost in a crash goes with its
                # checkpoint, and the events are applied again. It need not wait for the disk.
                conn.exec_driver_sql("SET LOCAL synchronous_commit TO OFF")
                # psycopg prepares a statement run five times, and PostgreSQL may then keep one
                # plan for it, made while the tables were small (a replay starts from empty ones):
                # a scan of the whole table for each page's 500 records, once it holds 500,000.
                conn.exec_driver_sql("SET LOCAL plan_cache_mode TO force_custom_plan")
            exclusive(conn, f"checkpoint:{source}")
            position, last_hash = _checkpoint(conn, source)
            fresh = [e for e in events if checked_event(e, source)["seq"] > position]
            if not fresh:
                return 0
            if fresh[0]["seq"] != position + 1:
                return 0  # not contiguous (another replica moved on); the caller re-reads
            follows(fresh, last_hash)  # each links to the one before, and its hash is its own
            self.apply(conn, source, fresh)
            _save_checkpoint(conn, source, fresh[-1])
            applied_at = utc_timestamp()
            _save_freshness(conn, source, fresh[-1], applied_at)
        if measure:
            self._measure(source, fresh, applied_at)
        return len(fresh)

    def _measure(self, source: str, events: list[dict], applied_at: str) -> None:
        done = instant(applied_at)
        window = self._lags.setdefault(source, deque(maxlen=5000))
        window.extend(max(0.0, (done - instant(e["at"])) * 1000) for e in events)

    def freshness(self) -> dict:
        """Per source: the last event projected (seq, when appended, when projected) and the lag
        from append to projection of the last batch's oldest event and over the recent events
        this process projected (p50, p99; delivered and gap-filled events, not replays)."""
        with self.engine.connect() as conn:
            rows = {r.source: r for r in conn.execute(select(tables.freshness))}
        out = {}
        for source, row in rows.items():
            lags = sorted(self._lags.get(source, ()))
            out[source] = {
                "seq": row.seq, "event_at": row.event_at, "applied_at": row.applied_at,
                "lag_ms": round((instant(row.applied_at) - instant(row.event_at)) * 1000, 1),
                "lag_p50_ms": round(lags[len(lags) // 2], 1) if lags else None,
                "lag_p99_ms": round(lags[min(len(lags) - 1, int(len(lags) * 0.99))], 1) if lags else None,
                "measured": len(lags),
            }
        return out

    def lags(self) -> dict:
        """Per source this process has projected or looked at: the events its log had at the
        last look at its head (`stalled`) still not projected, the seconds from append to
        projection of the last event projected (None before the first), and the last seq."""
        with self.engine.connect() as conn:
            positions = {r.source: r.seq for r in conn.execute(select(tables.checkpoints))}
            fresh = {r.source: r for r in conn.execute(select(tables.freshness))}
        out = {}
        for source in sorted({*positions, *self._last_look}):
            position, row = positions.get(source, 0), fresh.get(source)
            head = self._last_look.get(source, (0, 0))[1]
            out[source] = {"events": max(0, head - position), "position": position,
                           "seconds": round(instant(row.applied_at) - instant(row.event_at), 3) if row else None}
        return out

    def replay(self, sources: list[str], fetch: Fetch) -> dict:
        """Drop the projection and its checkpoints, then catch up on every source from seq 0."""
        self.reset()
        self._replaying = True
        try:
            applied = self._each(sources, lambda source: self.catch_up(source, fetch))
        finally:
            self._replaying = False
        return {"applied": applied, "events": sum(applied.values())}

    def reset(self) -> None:
        """Drop the projection, its checkpoints and lags: where a replay starts."""
        if self.clear is None:
            raise TypeError("replay needs the projection's clear (CatchUpSubscriber(..., clear=...))")
        with self._lock:  # no applier starts meanwhile, and each running one finishes first
            appliers = list(self._appliers.values())
            for applier in appliers:
                applier.acquire()
            try:
                with self.engine.begin() as conn:
                    self.clear(conn)
                    conn.execute(tables.checkpoints.delete())
                    conn.execute(tables.freshness.delete())
                self._lags.clear()
            finally:
                for applier in appliers:
                    applier.release()

    def advance(self, heads: dict[str, int], fetch: Fetch, events: int) -> dict[str, int]:
        """Apply up to `events` more events of each source towards `heads` (source -> seq): a
        replay in steps after `reset`, each step short enough for one RPC. Returns how many of
        each source's events this call applied (live batches may apply others)."""
        def step(source: str) -> int:
            with self._applying(source):
                position = self.position(source)
                try:
                    return self._catch_up_to(source, fetch, min(heads[source], position + events)) \
                        if position < heads[source] else 0
                except BadEnvelope as error:
                    error.source = source  # which log the replay cannot go past
                    raise

        self._replaying = True
        try:
            return self._each(list(heads), step)
        finally:
            self._replaying = False

    def _each(self, sources: list[str], work: Callable[[str], int]) -> dict[str, int]:
        """`work(source)` for every source: on PostgreSQL all at once, each in a thread of its own
        (its database work overlaps another's Python work); on SQLite, one writer at a time."""
        if not is_postgres(self.engine) or len(sources) < 2:
            return {source: work(source) for source in sources}
        running = {source: _InThread(work, source) for source in sources}
        return {source: thread.result() for source, thread in running.items()}


class _InThread:
    """`work(*args)` in a thread of its own (green under eventlet): the next page fetched while
    one is applied, or one source applied while another is. `result()` waits for it and returns
    its value, or raises what it raised."""

    def __init__(self, work: Callable, *args):
        self._value = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, args=(work, args), daemon=True)
        self._thread.start()

    def _run(self, work: Callable, args: tuple) -> None:
        try:
            self._value = work(*args)
        except BaseException as error:  # noqa: BLE001  (raised where the result is taken)
            self._error = error

    def result(self):
        self._thread.join()
        if self._error is not None:
            raise self._error
        return self._value


def _checkpoint(conn: Connection, source: str) -> tuple[int, str]:
    query = select(tables.checkpoints.c.seq, tables.checkpoints.c.hash).where(tables.checkpoints.c.source == source)
    row = conn.execute(query).first()
    return (row.seq, row.hash) if row else (0, GENESIS)


def _save_checkpoint(conn: Connection, source: str, last: dict) -> None:
    values = {"seq": last["seq"], "hash": last["hash"]}
    done = conn.execute(tables.checkpoints.update().where(tables.checkpoints.c.source == source).values(**values))
    if done.rowcount == 0:
        conn.execute(tables.checkpoints.insert(), {"source": source, **values})


def _save_freshness(conn: Connection, source: str, last: dict, applied_at: str) -> None:
    values = {"seq": last["seq"], "event_at": last["at"], "applied_at": applied_at}
    done = conn.execute(tables.freshness.update().where(tables.freshness.c.source == source).values(**values))
    if done.rowcount == 0:
        conn.execute(tables.freshness.insert(), {"source": source, **values})
