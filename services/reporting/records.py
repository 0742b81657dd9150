"""Records folded into counts, whatever the register. A source's projector describes its kinds
of record (`Kind`: which streams, how an event changes a record's state, what a state counts
where, and which events are activity worth reporting); `apply` folds a run of events, keeps each
record's state (`record_states`, codes and centers only, never a personal value) and turns the
differences into indicator, breakdown and activity deltas.

What a state counts is a list of `Piece`s: `what` is `(indicator,)` for the indicator itself or
`(indicator, dimension, code)` for a breakdown, counted at a center and province, on the days
[since, until) (None: open). Only time-bound breakdowns use the bounds: a verification is
"recent" until its anniversary and "stale" from then on, so its future day is a delta already
written, and an "as of" sum needs no clock. An event on day d takes away what the state before
it counted from d on and adds what the state after it counts from d on, so a relocation, merge,
undo, archive, restore, role change or erasure moves exactly what the record had added, and a
run of events gives what the same events one by one give."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from typing import Callable, Iterable, NamedTuple

import orjson

from sqlalchemy import Column, String, Table, Text, select, text
from sqlalchemy.engine import Connection

from services.chassis.database import bulk_insert, is_postgres
from services.chassis.thai import bangkok_day

from . import deltas

record_states = Table(
    "record_states",
    deltas.metadata,
    Column("kind", String(12), primary_key=True),  # org, person, item, campaign
    Column("record", String(36), primary_key=True),
    Column("state", Text, nullable=False),  # JSON: codes, centers and days only
)


class Piece(NamedTuple):  # a tuple: a record's counts make several of these per event
    what: tuple
    center: str
    province: str
    since: str | None = None
    until: str | None = None


@dataclass(frozen=True)
class Kind:
    name: str
    ours: Callable[[str], bool]  # is this stream one of this kind's records?
    id_of: Callable[[str], str]
    first: str  # the event type that begins a record
    fold: Callable[[dict | None, str, dict], dict | None]  # state after an event (None: unknown record)
    counts: Callable[[dict], list[Piece]]
    activity: dict[str, str]  # event type -> what changed, for the monthly report

    def place(self, state: dict) -> tuple[str, str]:
        return state["center"], state["province"]


def apply(conn: Connection, source: str, kinds: Iterable[Kind], events: list[dict]) -> None:
    """Project one contiguous run of a source's events (inside the checkpoint's transaction)."""
    moves: Counter = Counter()  # (*what, center, province, day) -> records in or out
    activity: Counter = Counter()  # (source, change, center, province, day) -> events
    for kind in kinds:
        mine = [e for e in events if kind.ours(e["stream"])]
        if mine:
            _fold(conn, source, kind, mine, moves, activity)
    indicators = Counter({key: n for key, n in moves.items() if len(key) == 4})
    breakdowns = Counter({key: n for key, n in moves.items() if len(key) == 6})
    deltas.add(conn, deltas.spread(indicators))
    deltas.add(conn, deltas.spread(breakdowns), deltas.breakdown_deltas)
    deltas.add(conn, Counter({(source, change, "center", center, day): n  # by center: the report's rows
                              for (source, change, center, _, day), n in activity.items()}), deltas.activity_deltas)


def _fold(conn: Connection, source: str, kind: Kind, events: list[dict], moves: Counter, activity: Counter) -> None:
    ids = {kind.id_of(e["stream"]) for e in events}
    begun = {kind.id_of(e["stream"]) for e in events if e["type"] == kind.first}
    states = load(conn, kind.name, ids - begun)  # a record begun in this run has nothing stored yet
    known, touched = set(states), set()
    for event in events:
        record, day = kind.id_of(event["stream"]), _day(event["at"])
        before = states.get(record)
        after = kind.fold(before, event["type"], event["data"])
        change = kind.activity.get(event["type"])
        if change and (after or before):
            activity[(source, change, *kind.place(after or before), day)] += 1
        if after is None or after == before:
            continue
        if before is not None:
            _move(moves, kind.counts(before), day, -1)
        _move(moves, kind.counts(after), day, 1)
        states[record] = after
        touched.add(record)
    _save(conn, kind.name, states, touched, known)


def _day(at: str) -> str:
    """The Bangkok day of a log time (UTC, `Z`): its hour decides it (Bangkok keeps UTC+7 all year)."""
    return _day_of_hour(at[:13]) if at.endswith("Z") and len(at) > 13 else bangkok_day(at)


@lru_cache(maxsize=4096)
def _day_of_hour(hour: str) -> str:
    return bangkok_day(f"{hour}:00:00+00:00")


def _move(moves: Counter, pieces: list[Piece], day: str, sign: int) -> None:
    """Add (sign 1) or take away (-1) what `pieces` count from `day` on."""
    for piece in pieces:
        start = max(day, piece.since) if piece.since else day
        if piece.until and piece.until <= start:
            continue
        moves[(*piece.what, piece.center, piece.province, start)] += sign
        if piece.until:
            moves[(*piece.what, piece.center, piece.province, piece.until)] -= sign


def load(conn: Connection, kind: str, ids: set[str]) -> dict[str, dict]:
    t = record_states
    if is_postgres(conn):  # one array of ids: seven times faster than IN lists of 500 parameters
        rows = conn.execute(_LOAD_PG, {"kind": kind, "ids": deltas.text_array(list(ids))}) if ids else ()
        return {r.record: orjson.loads(r.state) for r in rows}
    found: dict[str, dict] = {}
    chunks = list(ids)
    for first in range(0, len(chunks), 500):
        query = select(t.c.record, t.c.state).where(t.c.kind == kind, t.c.record.in_(chunks[first:first + 500]))
        found.update({r.record: orjson.loads(r.state) for r in conn.execute(query)})
    return found


_LOAD_PG = text("SELECT record, state FROM record_states WHERE kind = :kind AND record = ANY(CAST(:ids AS text[]))")
_DELETE_PG = text("DELETE FROM record_states WHERE kind = :kind AND record = ANY(CAST(:ids AS text[]))")


def _save(conn: Connection, kind: str, states: dict, touched: set[str], known: set[str]) -> None:
    """Each touched record's state, replaced (new records are only inserted)."""
    t = record_states
    again = [record for record in touched if record in known]
    if again and is_postgres(conn):
        conn.execute(_DELETE_PG, {"kind": kind, "ids": deltas.text_array(again)})
    else:
        for first in range(0, len(again), 500):
            conn.execute(t.delete().where(t.c.kind == kind, t.c.record.in_(again[first:first + 500])))
    bulk_insert(conn, t, [{"kind": kind, "record": record,
                           "state": orjson.dumps(states[record], option=orjson.OPT_SORT_KEYS).decode()}
                          for record in touched])


def snapshot(conn: Connection) -> dict:
    """Every record's state by kind, comparable between two projections."""
    out: dict[str, dict] = {}
    for r in conn.execute(select(record_states)):
        out.setdefault(r.kind, {})[r.record] = orjson.loads(r.state)
    return {"records": out}
