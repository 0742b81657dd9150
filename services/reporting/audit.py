"""Compare: whether the live projection equals a fresh replay of the sources' logs (the
projection half of `verify`; `replay` itself is the catch-up subscriber's)."""
from __future__ import annotations

from typing import Callable

from sqlalchemy import select

from services.chassis import tables
from services.chassis.database import make_engine
from services.chassis.envelope import BadEnvelope
from services.chassis.subscriber import CatchUpSubscriber

from . import projections

Fetch = Callable[[str, int, int], list[dict]]


def compare(subscriber: CatchUpSubscriber, sources: list[str], fetch: Fetch) -> dict:
    """Replay into a scratch in-memory database up to the live checkpoints and diff the two."""
    with subscriber.engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            conn = conn.execution_options(isolation_level="REPEATABLE READ")
        with conn.begin():
            live = projections.snapshot(conn)
            positions = {r.source: r.seq for r in conn.execute(select(tables.checkpoints))}
    scratch = CatchUpSubscriber(make_engine("sqlite://"), projections.apply)
    scratch.create_schema()
    projections.create_schema(scratch.engine)
    refused = []
    for source in sources:
        try:
            scratch.catch_up(source, fetch, head=positions.get(source, 0))
        except BadEnvelope as refusal:  # a log changed in place: its chain says where, the replay stops there
            refused.append(f"replay of {source} stopped: {refusal}")
    with scratch.engine.connect() as conn:
        fresh = projections.snapshot(conn)
    differences = refused + _differences(live, fresh)
    return {"positions": positions, "equal": not differences, "differences": differences[:50],
            "difference_count": len(differences)}


def _differences(live: dict, fresh: dict) -> list[str]:
    out = []
    for part in sorted(live.keys() | fresh.keys()):
        ours, theirs = live.get(part, {}), fresh.get(part, {})
        for key in sorted(set(ours) | set(theirs), key=str):
            a, b = ours.get(key), theirs.get(key)
            if a != b:
                out.append(f"{part} {key}: live {a} != replay {b}")
    return out
