"""Indicator 3 (community organization records) from the organization register's events, with
its breakdowns: organizations by type, by assessed strength (`unassessed` until assessed) and by
verification age (`recent` within a year of the verification day, `stale` from its
anniversary, `never`). An organization counts at its center while active: from registration,
until archived or merged into another, and again from its restoration or unmerge."""
from __future__ import annotations

from datetime import date

from services.contracts.orgs import events as ev
from services.contracts.reporting import NEVER_VERIFIED, RECENTLY_VERIFIED, STALE_VERIFIED, UNASSESSED

from ..records import Kind, Piece, apply as apply_records

INDICATOR = "community_orgs"

ACTIVITY = {
    ev.REGISTERED: "registered", ev.AMENDED: "amended", ev.RELOCATED: "relocated",
    ev.STRENGTH_ASSESSED: "assessed", ev.VERIFIED: "verified", ev.ARCHIVED: "archived",
    ev.RESTORED: "restored", ev.MERGED: "merged", ev.UNMERGED: "unmerged",
}


def anniversary(day: str) -> str:
    """The day a verification made on `day` goes stale: the same date a year on (28 Feb for 29 Feb)."""
    made = date.fromisoformat(day)
    try:
        return made.replace(year=made.year + 1).isoformat()
    except ValueError:
        return made.replace(year=made.year + 1, day=28).isoformat()


def _fold(state: dict | None, type_: str, data: dict) -> dict | None:
    if type_ == ev.REGISTERED:
        return {"center": data["center"], "province": data["province"], "active": True, "type": data["type"],
                "strength": None, "verified_on": None}
    if state is None:
        return None
    if type_ in (ev.RELOCATED, ev.AMENDED):
        changed = {name: data[name] for name in ("center", "province", "type") if data.get(name)}
        return {**state, **changed}
    if type_ == ev.STRENGTH_ASSESSED:
        return {**state, "strength": data["level"]}
    if type_ == ev.VERIFIED:
        return {**state, "verified_on": max(data["on"], state["verified_on"] or "")}
    if type_ in (ev.ARCHIVED, ev.MERGED):
        return {**state, "active": False}
    if type_ == ev.RESTORED:
        return {**state, "active": True}
    if type_ == ev.UNMERGED:
        return {**state, "active": data["status"] == "active"}
    return state


def _counts(state: dict) -> list[Piece]:
    if not state["active"]:
        return []
    place = (state["center"], state["province"])
    pieces = [
        Piece((INDICATOR,), *place),
        Piece((INDICATOR, "type", state["type"]), *place),
        Piece((INDICATOR, "strength", state["strength"] or UNASSESSED), *place),
    ]
    verified = state["verified_on"]
    if verified is None:
        return pieces + [Piece((INDICATOR, "verification", NEVER_VERIFIED), *place)]
    stale = anniversary(verified)
    return pieces + [Piece((INDICATOR, "verification", RECENTLY_VERIFIED), *place, until=stale),
                     Piece((INDICATOR, "verification", STALE_VERIFIED), *place, since=stale)]


KINDS = (Kind("org", ev.is_org, ev.org_id_of, ev.REGISTERED, _fold, _counts, ACTIVITY),)


def apply(conn, events: list[dict]) -> None:
    """Project one contiguous run of the register's events (inside the checkpoint's transaction)."""
    apply_records(conn, ev.SOURCE, KINDS, events)
