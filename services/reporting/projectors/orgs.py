"""Indicator 3 (community organization records) from the organization register's events. It
remembers where each organization counts (`org_places`) so a relocation or an archive moves
or removes exactly what registration added; events only carry what changed."""
from __future__ import annotations

from collections import Counter

from sqlalchemy import Boolean, Column, String, Table, select
from sqlalchemy.engine import Connection

from services.chassis.database import bulk_insert
from services.chassis.thai import bangkok_day
from services.contracts.orgs import events as ev

from .. import deltas
from ..deltas import Place

INDICATOR = "community_orgs"

org_places = Table(
    "org_places",
    deltas.metadata,
    Column("org", String(36), primary_key=True),
    Column("center", String(8), nullable=False),
    Column("province", String(2), nullable=False),
    Column("active", Boolean, nullable=False),
)
TABLES = (org_places,)


def apply(conn: Connection, events: list[dict]) -> None:
    """Project one contiguous run of the register's events (inside the checkpoint's transaction)."""
    known = _places(conn, {ev.org_id_of(e["stream"]) for e in events if e["type"] != ev.REGISTERED})
    new: dict[str, Place] = {}
    changed: set[str] = set()
    moves: Counter = Counter()  # (center, province, day) -> organizations in or out

    for event in events:
        org, kind, data, day = ev.org_id_of(event["stream"]), event["type"], event["data"], bangkok_day(event["at"])
        if kind == ev.REGISTERED:
            new[org] = Place(data["center"], data["province"])
            moves[data["center"], data["province"], day] += 1
            continue
        place = new.get(org) or known.get(org)
        if place is None:
            continue
        counts_before = place.active
        if kind in (ev.RELOCATED, ev.AMENDED) and "center" in data:
            if place.active:
                moves[place.center, place.province, day] -= 1
                moves[data["center"], data["province"], day] += 1
            place.center, place.province = data["center"], data["province"]
        elif kind in (ev.ARCHIVED, ev.MERGED):
            place.active = False
        elif kind == ev.RESTORED or (kind == ev.UNMERGED and data["status"] == "active"):
            place.active = True
        if place.active != counts_before:
            moves[place.center, place.province, day] += 1 if place.active else -1
        if org not in new:
            changed.add(org)

    bulk_insert(conn, org_places, [
        {"org": o, "center": p.center, "province": p.province, "active": p.active} for o, p in new.items()])
    for org in changed:
        conn.execute(org_places.update().where(org_places.c.org == org).values(**vars(known[org])))
    deltas.add(conn, deltas.by_scope(INDICATOR, moves))


def _places(conn: Connection, orgs: set[str]) -> dict[str, Place]:
    found: dict[str, Place] = {}
    ids = list(orgs)
    for start in range(0, len(ids), 500):
        rows = conn.execute(select(org_places).where(org_places.c.org.in_(ids[start:start + 500])))
        found.update({r.org: Place(r.center, r.province, r.active) for r in rows})
    return found


def snapshot(conn: Connection) -> dict:
    """Where every organization counts, comparable between two projections."""
    return {"places": {r.org: (r.center, r.province, bool(r.active)) for r in conn.execute(select(org_places))}}
