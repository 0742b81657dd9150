"""Targets are data. Each indicator has a national target (MISSION.md's until a central admin
sets another) and each center a target per indicator; every change is a `TargetSet` event in
reporting's own log (stream `target-<indicator>-<center>`, TH for the nation), with who and
when in its envelope, projected into `targets` in the same transaction.

A center without a target of its own gets a default: the national target split over the 82
centers by their share of the country's subdistricts (ตำบล/แขวง, the reference data's 7,436),
by largest remainders so the defaults add up to the national target exactly. Community
organizations, councils and volunteers are organized per subdistrict, and the split needs no
data that changes. A province's or region's target is the sum of its centers'."""
from __future__ import annotations

from functools import cache

from sqlalchemy import Column, Integer, String, Table, select
from sqlalchemy.engine import Connection, Engine

from services import reference
from services.chassis.envelope import Pending
from services.chassis.errors import CommandRejected
from services.chassis.permissions import Actor
from services.chassis.store import EventStore
from services.contracts.reporting import BY_KEY, INDICATORS, NATION, SOURCE, TARGET_SET, target_stream

from .deltas import metadata

targets = Table(
    "targets",
    metadata,
    Column("indicator", String(30), primary_key=True),
    Column("center", String(8), primary_key=True),  # TH: the national target
    Column("target", Integer, nullable=False),
    Column("set_by", String(100), nullable=False),
    Column("set_at", String(32), nullable=False),
)

SET, DEFAULT, NATIONAL = "set", "default", "national"


TARGET_MAX = 10_000_000


def _refuse(field: str, code: str, **params) -> CommandRejected:
    return CommandRejected([{"field": field, "code": code, "row": None, "params": params}])


def log(engine: Engine) -> EventStore:
    return EventStore(engine, SOURCE)


def set_target(engine: Engine, actor: Actor, indicator: str, center: str, target) -> dict:
    """Record a target (an event and its row in one transaction); the actor's request key
    repeated gives the first result. Refused whole, naming the field, when not valid."""
    if indicator not in BY_KEY:
        raise _refuse("indicator", "not_one_of")
    if center != NATION and reference.center(center) is None:
        raise _refuse("center", "unknown_center")
    if isinstance(target, bool) or not isinstance(target, int):
        raise _refuse("target", "not_integer")
    if not 0 < target <= TARGET_MAX:
        raise _refuse("target", "out_of_range", min=1, max=f"{TARGET_MAX:,}")
    store = log(engine)
    stream = target_stream(indicator, center)
    pending = Pending(stream, store.stream_version(stream) + 1, TARGET_SET,
                      {"indicator": indicator, "center": center, "target": target})

    def project(conn: Connection, stored: list[dict]) -> dict:
        event = stored[-1]
        conn.execute(targets.delete().where(targets.c.indicator == indicator, targets.c.center == center))
        conn.execute(targets.insert(), {"indicator": indicator, "center": center, "target": target,
                                        "set_by": event["actor"]["user"], "set_at": event["at"]})
        return {"indicator": indicator, "center": center, "target": target, "seq": event["seq"]}

    return store.append([pending], actor.record(), key=actor.key, effects=project).result


def set_targets(conn: Connection) -> dict[tuple[str, str], dict]:
    return {(r.indicator, r.center): dict(r._mapping) for r in conn.execute(select(targets))}


def listing(engine: Engine) -> dict:
    with engine.connect() as conn:
        chosen = set_targets(conn)
    national = {i.key: chosen.get((i.key, NATION), {}).get("target", i.target) for i in INDICATORS}
    centers = [row for (_, center), row in sorted(chosen.items()) if center != NATION]
    return {"national": national, "centers": centers,
            "defaults": {key: default_split(value) for key, value in national.items()}}


@cache
def subdistrict_counts() -> dict[str, int]:
    """Each center's number of subdistricts (the share its default target takes)."""
    counts = {}
    for center in reference.centers():
        districts = center.districts or tuple(d.code for d in reference.districts(center.province_code))
        counts[center.code] = sum(len(reference.subdistricts(d)) for d in districts)
    return counts


@cache
def default_split(national: int) -> dict[str, int]:
    """The national target split by subdistricts, by largest remainders (adds up exactly)."""
    counts = subdistrict_counts()
    whole = sum(counts.values())
    shares = {code: national * n / whole for code, n in counts.items()}
    split = {code: int(share) for code, share in shares.items()}
    left = national - sum(split.values())
    for code in sorted(shares, key=lambda c: (split[c] - shares[c], c))[:left]:
        split[code] += 1
    return split


def centers_of(scope: str, code: str) -> list[str]:
    """The centers a place holds."""
    if scope == "nation":
        return [c.code for c in reference.centers()]
    if scope == "region":
        return [c.code for c in reference.centers() if c.region == code]
    if scope == "province":
        return [c.code for c in reference.centers() if c.province_code == code]
    return [code] if reference.center(code) else []


class Targets:
    """Every target of a place: (target, kind) per indicator, read once per answer."""

    def __init__(self, conn: Connection):
        self.chosen = set_targets(conn)

    def national(self, indicator: str) -> int:
        found = self.chosen.get((indicator, NATION))
        return found["target"] if found else BY_KEY[indicator].target

    def of(self, indicator: str, scope: str, code: str) -> tuple[int | None, str]:
        if scope == "nation":
            return self.national(indicator), NATIONAL
        centers = centers_of(scope, code)
        if not centers:
            return None, DEFAULT
        defaults = default_split(self.national(indicator))
        total, kinds = 0, set()
        for center in centers:
            found = self.chosen.get((indicator, center))
            total += found["target"] if found else defaults[center]
            kinds.add(SET if found else DEFAULT)
        return total, DEFAULT if DEFAULT in kinds else SET
