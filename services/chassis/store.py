"""The append-only event store of one source: gap-free `seq`, per-stream versions checked
optimistically, idempotency keys, and the read-model effects of a command in the same
transaction. The log is the outbox: the relay publishes from it."""
from __future__ import annotations

import json
import time

from dataclasses import dataclass
from typing import Callable

import orjson

from sqlalchemy import func, select, update
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import IntegrityError

from . import metrics, tables
from .database import bulk_insert, exclusive
from .envelope import (
    GENESIS, Pending, STORED_COLUMNS, canonical_json, envelope_text, first_break, hashed_text, instant, link, new_ids,
    utc_timestamp,
)
from .errors import Conflict

# Read-model writes of a command, run in its transaction before the log's lock is taken, on
# the events as they will be stored but for `seq`, `prev` and `hash` (not yet known).
Prepare = Callable[[Connection, list[dict]], None]
# Run under the lock once the events are in place (with `seq`); may return the command's
# result. Only reads: a write here could wait on a row that a writer queued for the lock holds.
Effects = Callable[[Connection, list[dict]], "dict | None"]


class _Seen(Exception):
    """The command key ran before: roll back whatever `prepare` wrote."""

    def __init__(self, result: dict):
        super().__init__()
        self.result = result


@dataclass(frozen=True)
class Appended:
    result: dict
    events: list[dict]
    replayed: bool  # True when the idempotency key had been seen: nothing was appended


class EventStore:
    def __init__(self, engine: Engine, source: str):
        self.engine = engine
        self.source = source

    def create_schema(self) -> None:
        tables.log_metadata.create_all(self.engine)
        with self.engine.begin() as conn:
            if conn.execute(select(tables.relay_cursor.c.seq)).first() is None:
                conn.execute(tables.relay_cursor.insert(), {"name": "relay", "seq": 0})

    # -- writing -------------------------------------------------------------------------

    def append(
        self,
        pending: list[Pending],
        actor: dict,
        key: str | None = None,
        effects: Effects | None = None,
        prepare: Prepare | None = None,
    ) -> Appended:
        """Append all of `pending` or nothing. A key seen before returns its first result.

        Everything that does not depend on the place in the log (ids, time, serialized data,
        `prepare`'s read-model writes) happens before the lock, so concurrent appends of
        several replicas overlap all but numbering, hashing and inserting the events."""
        drafts = self._drafts(pending, actor)
        try:
            with self.engine.begin() as conn:
                if prepare is not None:
                    prepare(conn, [draft for draft, _ in drafts])
                exclusive(conn, f"append:{self.source}")
                if key is not None and (seen := self._recorded(conn, key)) is not None:
                    raise _Seen(seen)
                stored = self._insert(conn, pending, drafts, actor)
                outcome = effects(conn, stored) if effects is not None else None
                if outcome is None:
                    outcome = {"last_seq": stored[-1]["seq"] if stored else None}
                if key is not None:
                    conn.execute(
                        tables.commands.insert(),
                        {"key": key, "result": json.dumps(outcome), "at": utc_timestamp()},
                    )
            metrics.appended(self.source, len(stored))  # committed
            return Appended(outcome, stored, False)
        except _Seen as seen:
            return Appended(seen.result, [], True)
        except IntegrityError as error:
            conflict = self._conflict(pending)
            if conflict is None:
                raise
            raise conflict from error

    def _drafts(self, pending: list[Pending], actor: dict) -> list[tuple[dict, bytes]]:
        """Each event but its place in the log (with who and when: a read model may keep
        them), its data serialized once."""
        at = utc_timestamp()
        return [
            ({"id": event_id, "source": self.source, "stream": item.stream, "version": item.version,
              "type": item.type, "schema": item.schema, "at": at, "actor": actor, "data": item.data},
             canonical_json(item.data))
            for item, event_id in zip(pending, new_ids(len(pending)))
        ]

    def _insert(self, conn: Connection, pending: list[Pending], drafts: list[tuple[dict, bytes]], actor: dict) -> list[dict]:
        head = conn.execute(
            select(tables.events.c.seq, tables.events.c.hash).order_by(tables.events.c.seq.desc()).limit(1)
        ).first()
        seq, prev = (head.seq, head.hash) if head else (0, GENESIS)
        _check_continuity(conn, pending)
        actor_json = canonical_json(actor)
        actor_text = actor_json.decode()
        rows, stored = [], []
        for draft, data_json in drafts:
            seq += 1
            event = {**draft, "seq": seq, "prev": prev, "actor": actor}
            event["hash"] = link(prev, hashed_text(event, actor_json, data_json))
            rows.append({
                "seq": seq, "id": draft["id"], "stream": draft["stream"], "version": draft["version"],
                "type": draft["type"], "schema": draft["schema"], "at": draft["at"], "prev": prev,
                "hash": event["hash"], "actor": actor_text, "data": data_json.decode(),
            })
            prev = event["hash"]
            stored.append(event)
        bulk_insert(conn, tables.events, rows)
        return stored

    def _conflict(self, pending: list[Pending]) -> Conflict | None:
        for item in pending:
            current = self.stream_version(item.stream)
            if current >= item.version:
                return Conflict(item.stream, current)
        return None

    @staticmethod
    def _recorded(conn: Connection, key: str) -> dict | None:
        row = conn.execute(select(tables.commands.c.result).where(tables.commands.c.key == key)).first()
        return json.loads(row.result) if row else None

    def recorded(self, key: str) -> dict | None:
        """The first result of a command key, if it ran before (checked again under the lock)."""
        with self.engine.connect() as conn:
            return self._recorded(conn, key)

    # -- reading -------------------------------------------------------------------------

    def head(self) -> dict:
        with self.engine.connect() as conn:
            row = conn.execute(
                select(tables.events.c.seq, tables.events.c.hash).order_by(tables.events.c.seq.desc()).limit(1)
            ).first()
        return {"source": self.source, "seq": row.seq if row else 0, "hash": row.hash if row else GENESIS}

    def events_since(self, seq: int, limit: int = 1000, *, to_send: bool = False) -> list[dict]:
        """The envelopes of the events after `seq`, at most `limit`. `to_send`: their `actor` and
        `data` as the canonical JSON they are stored as (`orjson.Fragment`), for a reply that is
        serialized at once (the RPC's): none is parsed here only to be encoded again."""
        columns = [tables.events.c[name] for name in STORED_COLUMNS]
        query = select(*columns).where(tables.events.c.seq > seq).order_by(tables.events.c.seq).limit(limit)
        with self.engine.connect() as conn:
            rows = conn.execute(query).tuples().all()  # one fetchall, not a fetch per row
        source, json = self.source, orjson.Fragment if to_send else orjson.loads
        return [{"id": id_, "source": source, "seq": seq_, "stream": stream, "version": version, "type": type_,
                 "schema": schema, "at": at, "actor": json(actor), "data": json(data), "prev": prev, "hash": hash_}
                for seq_, id_, stream, version, type_, schema, at, actor, data, prev, hash_ in rows]

    def texts_since(self, seq: int, limit: int) -> list[tuple[int, bytes]]:
        """(seq, canonical JSON) of the events after `seq`: what the relay publishes."""
        columns = [tables.events.c[name] for name in STORED_COLUMNS]
        query = select(*columns).where(tables.events.c.seq > seq).order_by(tables.events.c.seq).limit(limit)
        with self.engine.connect() as conn:
            rows = conn.execute(query).tuples().all()  # one fetchall, not a fetch per row
        return [(row[0], envelope_text(row, self.source)) for row in rows]

    def stream(self, stream: str, until: str | None = None) -> list[dict]:
        """Every event of one stream in order; with `until` (a UTC timestamp), those at or before it."""
        query = select(tables.events).where(tables.events.c.stream == stream)
        if until is not None:
            query = query.where(tables.events.c.at <= until)
        with self.engine.connect() as conn:
            return [self._envelope(row) for row in conn.execute(query.order_by(tables.events.c.version))]

    def events_of_types(self, types: tuple[str, ...]) -> list[dict]:
        """Every event of these types, in log order (a register's check of what it recorded)."""
        query = select(tables.events).where(tables.events.c.type.in_(types)).order_by(tables.events.c.seq)
        with self.engine.connect() as conn:
            return [self._envelope(row) for row in conn.execute(query)]

    def stream_version(self, stream: str) -> int:
        query = select(func.max(tables.events.c.version)).where(tables.events.c.stream == stream)
        with self.engine.connect() as conn:
            return conn.execute(query).scalar() or 0

    def verify(self, page: int = 5000) -> dict:
        """Recompute the whole chain. Reports the first `seq` that does not verify, if any."""
        prev, count, seq = GENESIS, 0, 0
        while True:
            batch = self.events_since(seq, page)
            if not batch:
                break
            broken = first_break(batch, prev)
            if broken is not None:
                verified = count + batch.index(broken)
                return {"source": self.source, "events": verified, "ok": False, "broken_seq": broken["seq"]}
            count += len(batch)
            prev, seq = batch[-1]["hash"], batch[-1]["seq"]
        return {"source": self.source, "events": count, "ok": True, "broken_seq": None, "head": prev}

    def search(self, filters: dict, page: int = 1, per_page: int = 50) -> dict:
        """The auditors' search: events newest first, a page of them and how many match.

        Filters (all optional, combined with AND): `user` and `center` of the actor, `type`,
        `stream`, and `from`/`to` on `at` (UTC times in the log's format, both inclusive; a
        bare date as `from` means its start). The actor is canonical JSON, so the fragment
        `"user":"NAME"` occurs exactly when the actor's user is NAME (see docs/decisions.md).
        `total` is exact up to SEARCH_COUNT_CAP, then SEARCH_COUNT_CAP + 1 with `total_capped`."""
        page, per_page = max(int(page or 1), 1), min(max(int(per_page or 50), 1), SEARCH_PAGE_MAX)
        conditions = _search_conditions(filters or {})
        query = select(tables.events).where(*conditions).order_by(tables.events.c.seq.desc())
        counted = select(tables.events.c.seq).where(*conditions).limit(SEARCH_COUNT_CAP + 1).subquery()
        with self.engine.connect() as conn:
            rows = conn.execute(query.limit(per_page).offset((page - 1) * per_page)).all()
            total = conn.execute(select(func.count()).select_from(counted)).scalar()
        out = {"items": [self._envelope(row) for row in rows], "total": total, "page": page, "per_page": per_page}
        if total > SEARCH_COUNT_CAP:
            out["total_capped"] = True
        return out

    def _envelope(self, row) -> dict:
        return {
            "id": row.id, "source": self.source, "seq": row.seq, "stream": row.stream,
            "version": row.version, "type": row.type, "schema": row.schema, "at": row.at,
            "actor": orjson.loads(row.actor), "data": orjson.loads(row.data), "prev": row.prev, "hash": row.hash,
        }

    # -- relay cursor --------------------------------------------------------------------

    def relay_position(self) -> int:
        with self.engine.connect() as conn:
            return conn.execute(select(tables.relay_cursor.c.seq).where(tables.relay_cursor.c.name == "relay")).scalar()

    def unpublished(self) -> tuple[int, float]:
        """The relay's lag: events committed and not yet published, and how many seconds the
        oldest of them has waited (0 when none waits)."""
        with self.engine.connect() as conn:
            position = conn.execute(
                select(tables.relay_cursor.c.seq).where(tables.relay_cursor.c.name == "relay")).scalar() or 0
            head = conn.execute(select(func.max(tables.events.c.seq))).scalar() or 0
            if head <= position:
                return 0, 0.0
            oldest = conn.execute(select(tables.events.c.at).where(tables.events.c.seq == position + 1)).scalar()
        return head - position, max(0.0, time.time() - instant(oldest)) if oldest else 0.0

    def advance_relay(self, old: int, new: int) -> bool:
        """Compare-and-set, so two relays racing never move the cursor backwards."""
        with self.engine.begin() as conn:
            done = conn.execute(
                update(tables.relay_cursor)
                .where(tables.relay_cursor.c.name == "relay", tables.relay_cursor.c.seq == old)
                .values(seq=new)
            )
            return done.rowcount == 1


SEARCH_PAGE_MAX = 200
SEARCH_COUNT_CAP = 10_000
SEARCH_FILTERS = ("user", "center", "type", "stream", "from", "to")


def _search_conditions(filters: dict) -> list:
    """The WHERE of an event search; every value a bound parameter, LIKE wildcards escaped."""
    events, out = tables.events, []
    for key in ("user", "center"):
        if filters.get(key):
            fragment = f'"{key}":' + canonical_json(str(filters[key])).decode()
            out.append(events.c.actor.contains(fragment, autoescape=True))
    for key in ("type", "stream"):
        if filters.get(key):
            out.append(events.c[key] == str(filters[key]))
    if filters.get("from"):
        out.append(events.c.at >= str(filters["from"]))
    if filters.get("to"):
        out.append(events.c.at <= str(filters["to"]))
    return out


def _check_continuity(conn: Connection, pending: list[Pending]) -> None:
    """A continuing stream's first new version must follow its current one: a stale version
    collides in the unique index, a skipped one is caught here. New streams (version 1) cost
    nothing, so bulk registrations stay one COPY."""
    first: dict[str, int] = {}
    for item in pending:
        first.setdefault(item.stream, item.version)
    continuing = [(stream, version) for stream, version in first.items() if version != 1]
    events = tables.events.c
    for start in range(0, len(continuing), 500):  # one query for 500 streams (an erasure batch has 1,000)
        chunk = continuing[start:start + 500]
        query = (select(events.stream, func.max(events.version)).where(events.stream.in_([s for s, _ in chunk]))
                 .group_by(events.stream))
        current = dict(conn.execute(query).tuples().all())
        for stream, version in chunk:
            if current.get(stream, 0) != version - 1:
                raise Conflict(stream, current.get(stream, 0))


