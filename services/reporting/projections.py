"""The indicator projection: daily deltas per indicator and scope, so any "as of" value is
one indexed sum. It remembers where each organization counts (`org_places`) so a relocation
or an archive moves or removes exactly what registration added."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from datetime import datetime, timedelta, timezone

from sqlalchemy import Boolean, Column, Integer, MetaData, String, Table, select, text
from sqlalchemy.dialects import sqlite
from sqlalchemy.engine import Connection, Engine

from services import reference
from services.chassis.database import bulk_insert, is_postgres
from services.orgs import events as org_events

from .indicators import NATION

metadata = MetaData()

indicator_deltas = Table(
    "indicator_deltas",
    metadata,
    Column("indicator", String(30), primary_key=True),
    Column("scope", String(10), primary_key=True),
    Column("code", String(10), primary_key=True),
    Column("day", String(10), primary_key=True),  # Bangkok calendar date, ISO
    Column("delta", Integer, nullable=False),
)

org_places = Table(
    "org_places",
    metadata,
    Column("org", String(36), primary_key=True),
    Column("center", String(8), nullable=False),
    Column("province", String(2), nullable=False),
    Column("active", Boolean, nullable=False),
)

BANGKOK_TIME = timezone(timedelta(hours=7))
PROJECTION_TABLES = (indicator_deltas, org_places)


def create_schema(engine: Engine) -> None:
    metadata.create_all(engine)


@lru_cache(maxsize=4096)  # every event of one command shares its `at`
@lru_cache(maxsize=4096)  # the events of one command share their time
def bangkok_day(at: str) -> str:
    return datetime.fromisoformat(at).astimezone(BANGKOK_TIME).date().isoformat()


@dataclass
class Place:
    center: str
    province: str
    active: bool = True

    def scopes(self):
        return (
            ("nation", NATION), ("region", reference.region_of(self.province)),
            ("province", self.province), ("center", self.center),
        )


def apply(conn: Connection, source: str, events: list[dict]) -> None:
    """Project one contiguous run of a source's events (inside the checkpoint's transaction)."""
    if source == org_events.SOURCE:
        _apply_orgs(conn, events)


def _apply_orgs(conn: Connection, events: list[dict]) -> None:
    known = _places(conn, {org_events.org_id_of(e["stream"]) for e in events if e["type"] != org_events.REGISTERED})
    new: dict[str, Place] = {}
    changed: set[str] = set()
    moves: Counter = Counter()  # (center, province, day) -> organizations in or out

    for event in events:
        org, kind, data, day = org_events.org_id_of(event["stream"]), event["type"], event["data"], bangkok_day(event["at"])
        if kind == org_events.REGISTERED:
            new[org] = Place(data["center"], data["province"])
            moves[data["center"], data["province"], day] += 1
            continue
        place = new.get(org) or known.get(org)
        if place is None:
            continue
        counts_before = place.active
        if kind in (org_events.RELOCATED, org_events.AMENDED) and "center" in data:
            if place.active:
                moves[place.center, place.province, day] -= 1
                moves[data["center"], data["province"], day] += 1
            place.center, place.province = data["center"], data["province"]
        elif kind in (org_events.ARCHIVED, org_events.MERGED):
            place.active = False
        elif kind == org_events.RESTORED or (kind == org_events.UNMERGED and data["status"] == "active"):
            place.active = True
        if place.active != counts_before:
            moves[place.center, place.province, day] += 1 if place.active else -1
        if org not in new:
            changed.add(org)

    bulk_insert(conn, org_places, [
        {"org": o, "center": p.center, "province": p.province, "active": p.active} for o, p in new.items()])
    for org in changed:
        conn.execute(org_places.update().where(org_places.c.org == org).values(**vars(known[org])))
    _add_deltas(conn, _by_scope("community_orgs", moves))


def _by_scope(indicator: str, moves: Counter) -> Counter:
    """Spread per-place counts over every scope that contains the place."""
    deltas: Counter = Counter()
    for (center, province, day), n in moves.items():
        for scope, code in Place(center, province).scopes():
            deltas[indicator, scope, code, day] += n
    return deltas


def _places(conn: Connection, orgs: set[str]) -> dict[str, Place]:
    found: dict[str, Place] = {}
    ids = list(orgs)
    for start in range(0, len(ids), 500):
        rows = conn.execute(select(org_places).where(org_places.c.org.in_(ids[start:start + 500])))
        found.update({r.org: Place(r.center, r.province, r.active) for r in rows})
    return found


_UPSERT_DELTAS_PG = text("""
    INSERT INTO indicator_deltas (indicator, scope, code, day, delta)
    SELECT * FROM unnest(CAST(:indicator AS text[]), CAST(:scope AS text[]), CAST(:code AS text[]),
                         CAST(:day AS text[]), CAST(:delta AS integer[]))
    ON CONFLICT (indicator, scope, code, day) DO UPDATE SET delta = indicator_deltas.delta + EXCLUDED.delta
""")


def _add_deltas(conn: Connection, deltas: Counter) -> None:
    """Add each delta to its row: on PostgreSQL one statement over arrays (compiled once,
    whatever the number of keys), elsewhere an executemany of one cached upsert."""
    keys = [(key, n) for key, n in deltas.items() if n]
    if not keys:
        return
    if is_postgres(conn):
        columns = list(zip(*[(*key, n) for key, n in keys]))
        conn.execute(_UPSERT_DELTAS_PG, dict(zip(("indicator", "scope", "code", "day", "delta"), map(list, columns))))
        return
    statement = sqlite.insert(indicator_deltas)
    statement = statement.on_conflict_do_update(
        index_elements=["indicator", "scope", "code", "day"],
        set_={"delta": indicator_deltas.c.delta + statement.excluded.delta},
    )
    conn.execute(statement, [
        {"indicator": i, "scope": s, "code": c, "day": d, "delta": n} for (i, s, c, d), n in keys])


def clear(conn: Connection) -> None:
    for table in PROJECTION_TABLES:
        conn.execute(table.delete())


def snapshot(conn: Connection) -> dict:
    """The projection's content in a comparable form: non-zero totals and every place."""
    totals: Counter = Counter()
    for r in conn.execute(select(indicator_deltas)):
        totals[r.indicator, r.scope, r.code, r.day] += r.delta
    return {
        "deltas": {k: v for k, v in totals.items() if v},
        "places": {r.org: (r.center, r.province, bool(r.active)) for r in conn.execute(select(org_places))},
    }
