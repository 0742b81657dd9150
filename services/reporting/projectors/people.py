"""Indicators 1, 4, 5 and 6 (online workers, facilitators, community leaders, volunteers)
from the people register's events. A person counts once for each role they hold, at the
role's center (a role may be held for another center's area), from the day the role's event
was recorded, while the person may be counted: not restricted, merged or erased (their
consent withdrawn restricts them). An erasure leaves the count from its day; the days before
keep their counts, with no identity (DESIGN §2b). No personal value reaches reporting: the
events carry ids, codes and centers in clear."""
from __future__ import annotations

from collections import Counter

from sqlalchemy import Boolean, Column, String, Table, select
from sqlalchemy.engine import Connection

from services.chassis.database import bulk_insert
from services.chassis.thai import bangkok_day
from services.contracts.people import events as ev
from services.contracts.people.vocabulary import ROLE_INDICATORS

from .. import deltas

person_roles = Table(
    "person_roles",
    deltas.metadata,
    Column("person", String(36), primary_key=True),
    Column("role", String(20), primary_key=True),
    Column("center", String(8), nullable=False),
    Column("province", String(2), nullable=False),
)
person_counted = Table(
    "person_counted",
    deltas.metadata,
    Column("person", String(36), primary_key=True),
    Column("counted", Boolean, nullable=False),
    Column("restricted", Boolean, nullable=False),
    Column("status", String(10), nullable=False),  # active, merged, erased
)
TABLES = (person_roles, person_counted)


class _People:
    """The persons a run of events touches: their roles and whether they count, loaded once."""

    def __init__(self, conn: Connection, ids: set[str]):
        self.roles: dict[str, dict[str, tuple[str, str]]] = {}
        self.states: dict[str, dict] = {}
        ids_ = list(ids)
        for first in range(0, len(ids_), 500):
            chunk = ids_[first:first + 500]
            for r in conn.execute(select(person_roles).where(person_roles.c.person.in_(chunk))):
                self.roles.setdefault(r.person, {})[r.role] = (r.center, r.province)
            for r in conn.execute(select(person_counted).where(person_counted.c.person.in_(chunk))):
                self.states[r.person] = {"restricted": bool(r.restricted), "status": r.status}
        self.known = set(self.states)


def _counts(state: dict) -> bool:
    return state["status"] == "active" and not state["restricted"]


def apply(conn: Connection, events: list[dict]) -> None:
    """Project one contiguous run of the register's events (inside the checkpoint's transaction)."""
    ids = {ev.person_id_of(e["stream"]) for e in events if ev.is_person(e["stream"])}
    registered = {ev.person_id_of(e["stream"]) for e in events if e["type"] == ev.REGISTERED}
    people = _People(conn, ids - registered)  # a person registered in this run has nothing stored yet
    moves: Counter = Counter()  # (indicator, center, province, day) -> people in or out

    def move(person: str, n: int, day: str, only: str | None = None) -> None:
        for role, (center, province) in people.roles.get(person, {}).items():
            if only is None or role == only:
                moves[ROLE_INDICATORS[role], center, province, day] += n

    for event in events:
        if not ev.is_person(event["stream"]):
            continue
        person, kind, data, day = ev.person_id_of(event["stream"]), event["type"], event["data"], bangkok_day(event["at"])
        if kind == ev.REGISTERED:
            people.states[person] = {"restricted": False, "status": "active"}
            people.roles[person] = {r["role"]: (r["center"], r["province"]) for r in data.get("roles") or []}
            move(person, 1, day)
            continue
        state = people.states.get(person)
        if state is None:
            continue
        before = _counts(state)
        if kind == ev.ROLE_STARTED:
            people.roles.setdefault(person, {})[data["role"]] = (data["center"], data["province"])
            if before:
                move(person, 1, day, data["role"])
        elif kind == ev.ROLE_ENDED:
            if before:
                move(person, -1, day, data["role"])
            people.roles.get(person, {}).pop(data["role"], None)
        elif kind == ev.RESTRICTED:
            state["restricted"] = True
        elif kind == ev.RESTRICTION_LIFTED:
            state["restricted"] = False
        elif kind == ev.MERGED:
            state["status"] = "merged"
        elif kind == ev.UNMERGED:
            state["status"] = data["status"]
        elif kind == ev.ERASED:
            state["status"] = "erased"
        after = _counts(state)
        if after != before:
            move(person, 1 if after else -1, day)

    _save(conn, people, ids)
    spread: Counter = Counter()
    for indicator in set(key[0] for key in moves):
        spread.update(deltas.by_scope(indicator, Counter({key[1:]: n for key, n in moves.items() if key[0] == indicator})))
    deltas.add(conn, spread)


def _save(conn: Connection, people: _People, ids: set[str]) -> None:
    """Each touched person's roles and state, replaced (new people are only inserted)."""
    touched = [p for p in ids if p in people.states]
    known = [p for p in touched if p in people.known]
    for first in range(0, len(known), 500):
        chunk = known[first:first + 500]
        conn.execute(person_roles.delete().where(person_roles.c.person.in_(chunk)))
        conn.execute(person_counted.delete().where(person_counted.c.person.in_(chunk)))
    bulk_insert(conn, person_roles, [{"person": p, "role": role, "center": center, "province": province}
                                     for p in touched for role, (center, province) in people.roles.get(p, {}).items()])
    bulk_insert(conn, person_counted, [{"person": p, "counted": _counts(people.states[p]),
                                        "restricted": people.states[p]["restricted"], "status": people.states[p]["status"]}
                                       for p in touched])


def snapshot(conn: Connection) -> dict:
    """Who counts for which role where, comparable between two projections."""
    return {
        "person_roles": {(r.person, r.role): (r.center, r.province) for r in conn.execute(select(person_roles))},
        "person_counted": {r.person: (bool(r.counted), r.status) for r in conn.execute(select(person_counted))},
    }
