"""Indicators 7 (knowledge items) and 2 (campaign issues) from the knowledge register's
events, with their breakdowns. An item counts at its authoring center while it is published:
from the day of ItemPublished or ItemRestored until the day of ItemArchived (drafts and items
in review never count). A campaign counts at its center from the day it is registered,
whatever its status, until the day it is archived, and again from its restoration.
Breakdowns: published items by category and kind, every item by its workflow status, and
counted campaigns by status. A center's province is the reference data's.

Each event is counted as the difference between what its record added to the counts before
and after it, so a revision of a published item's category moves it between categories, and
a run of events gives what the same events one by one give."""
from __future__ import annotations

from collections import Counter
from typing import Callable, NamedTuple

from sqlalchemy import Boolean, Column, String, Table, select
from sqlalchemy.engine import Connection

from services import reference
from services.chassis.database import bulk_insert
from services.chassis.thai import bangkok_day
from services.contracts.knowledge import events as ev

from .. import deltas

ITEMS, CAMPAIGNS = "knowledge_items", "campaign_issues"
PUBLISHED = "published"

item_states = Table(
    "item_states",
    deltas.metadata,
    Column("item", String(36), primary_key=True),
    Column("center", String(8), nullable=False),
    Column("category", String(30), nullable=False),
    Column("kind", String(30), nullable=False),
    Column("status", String(10), nullable=False),  # draft, in_review, published, archived
)
campaign_states = Table(
    "campaign_states",
    deltas.metadata,
    Column("campaign", String(36), primary_key=True),
    Column("center", String(8), nullable=False),
    Column("status", String(10), nullable=False),  # planned, active, concluded
    Column("archived", Boolean, nullable=False),
)
TABLES = (item_states, campaign_states)

STEPS = {ev.SUBMITTED: "in_review", ev.RETURNED: "draft", ev.PUBLISHED: PUBLISHED, ev.ARCHIVED: "archived",
         ev.RESTORED: PUBLISHED}


def _item(state: dict | None, type_: str, data: dict) -> dict | None:
    """An item's state after one of its events (None: an item this projection never saw)."""
    if type_ == ev.DRAFTED:
        return {"center": data["center"], "category": data["category"], "kind": data["kind"], "status": "draft"}
    if state is None:
        return None
    if type_ == ev.REVISED:
        return {**state, **{name: data[name] for name in ("category", "kind") if data.get(name)}}
    if type_ in STEPS:  # a step carries the item's place in the counts
        return {**state, "center": data["center"], "category": data["category"], "kind": data["kind"],
                "status": STEPS[type_]}
    return state


def _item_counts(state: dict) -> list[tuple]:
    """What one item adds: (indicator,) to the indicator, (indicator, dimension, code) to a breakdown."""
    counts = [(ITEMS, "status", state["status"])]
    if state["status"] == PUBLISHED:
        counts += [(ITEMS,), (ITEMS, "category", state["category"]), (ITEMS, "kind", state["kind"])]
    return counts


def _campaign(state: dict | None, type_: str, data: dict) -> dict | None:
    if type_ == ev.CAMPAIGN_REGISTERED:
        return {"center": data["center"], "status": data["status"], "archived": False}
    if state is None:
        return None
    if type_ == ev.CAMPAIGN_STATUS_CHANGED:
        return {**state, "status": data["status"]}
    if type_ in (ev.CAMPAIGN_ARCHIVED, ev.CAMPAIGN_RESTORED):
        return {**state, "status": data["status"], "archived": type_ == ev.CAMPAIGN_ARCHIVED}
    return state


def _campaign_counts(state: dict) -> list[tuple]:
    return [] if state["archived"] else [(CAMPAIGNS,), (CAMPAIGNS, "status", state["status"])]


class _States:
    """The records of one kind a run of events touches: loaded once, saved back at its end."""

    def __init__(self, conn: Connection, table: Table, ids: set[str]):
        self.table, self.key = table, table.primary_key.columns[0]
        self.rows: dict[str, dict] = {}
        chunks = list(ids)
        for first in range(0, len(chunks), 500):
            for r in conn.execute(select(table).where(self.key.in_(chunks[first:first + 500]))):
                row = dict(r._mapping)
                self.rows[row.pop(self.key.name)] = row
        self.known = set(self.rows)
        self.touched: set[str] = set()

    def save(self, conn: Connection) -> None:
        """Each touched record's row, replaced (new records are only inserted)."""
        known = [record for record in self.touched if record in self.known]
        for first in range(0, len(known), 500):
            conn.execute(self.table.delete().where(self.key.in_(known[first:first + 500])))
        bulk_insert(conn, self.table, [{self.key.name: record, **self.rows[record]} for record in self.touched])


class _Records(NamedTuple):
    """One kind of record: its streams and ids, its table, its first event, how an event folds
    into its state and what a state adds to the counts."""

    ours: Callable[[str], bool]
    id_of: Callable[[str], str]
    table: Table
    first: str
    fold: Callable[[dict | None, str, dict], dict | None]
    counts: Callable[[dict], list[tuple]]


RECORDS = (
    _Records(ev.is_item, ev.item_id_of, item_states, ev.DRAFTED, _item, _item_counts),
    _Records(ev.is_campaign, ev.campaign_id_of, campaign_states, ev.CAMPAIGN_REGISTERED, _campaign, _campaign_counts),
)


def apply(conn: Connection, events: list[dict]) -> None:
    """Project one contiguous run of the register's events (inside the checkpoint's transaction)."""
    moves: Counter = Counter()  # (*what, center, day) -> records in or out
    for records in RECORDS:
        mine = [e for e in events if records.ours(e["stream"])]
        if mine:
            _fold(conn, records, mine, moves)
    _add(conn, moves)


def _fold(conn: Connection, records: _Records, events: list[dict], moves: Counter) -> None:
    """Fold each event into its record's state, moving what the record counts, and save the states."""
    ids = {records.id_of(e["stream"]) for e in events}
    started = {records.id_of(e["stream"]) for e in events if e["type"] == records.first}
    states = _States(conn, records.table, ids - started)  # a record begun in this run has nothing stored yet
    for event in events:
        record, day = records.id_of(event["stream"]), bangkok_day(event["at"])
        before = states.rows.get(record)
        after = records.fold(before, event["type"], event["data"])
        if after is None or after == before:
            continue
        for what in records.counts(before) if before else ():
            moves[(*what, before["center"], day)] -= 1
        for what in records.counts(after):
            moves[(*what, after["center"], day)] += 1
        states.rows[record] = after
        states.touched.add(record)
    states.save(conn)


def _add(conn: Connection, moves: Counter) -> None:
    """The moves as indicator and breakdown deltas over every scope of each center."""
    indicators: Counter = Counter()
    breakdowns: Counter = Counter()
    for (*what, center, day), n in moves.items():
        place = reference.center(center)
        if n and place is not None:  # the register accepts only the reference data's centers
            (indicators if len(what) == 1 else breakdowns)[(*what, center, place.province_code, day)] += n
    deltas.add(conn, deltas.spread(indicators))
    deltas.add(conn, deltas.spread(breakdowns), deltas.breakdown_deltas)


def snapshot(conn: Connection) -> dict:
    """Where and how every item and campaign counts, comparable between two projections."""
    return {
        "item_states": {r.item: (r.center, r.category, r.kind, r.status) for r in conn.execute(select(item_states))},
        "campaign_states": {r.campaign: (r.center, r.status, bool(r.archived))
                            for r in conn.execute(select(campaign_states))},
    }
