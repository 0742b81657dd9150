"""A record's history, folded: each event with the fields it changed (before -> after), and the
record as it was at any moment. Plain Python over the events a register's `history` returns
(oldest first; a merged duplicate's events come with their own stream). An organization's
events are folded by `apply` here; another register passes its own (`evolve`) and reading
order (`order`)."""
from __future__ import annotations

from dataclasses import dataclass, field

from services.contracts.orgs import events as ev

STRENGTH = ("level", "criteria", "assessed_on", "assessor")
# The order a person reads a record in; a diff lists its fields this way (others after them).
ORDER = ("name", "name_en", "type", "center", "province", "district", "subdistrict", "village_no", "address",
         "founded_year", "members", "areas", "source", "contact_person", "status", "strength_level",
         "strength_criteria", "strength_assessed_on", "strength_assessor", "verified_on", "verified_by",
         "merged_into")
VERIFIED = ("on", "by")


@dataclass(frozen=True)
class Change:
    field: str
    before: object
    after: object


@dataclass(frozen=True)
class Step:
    """One event and what it did to its record."""

    event: dict
    changes: list[Change] = field(default_factory=list)
    after: dict = field(default_factory=dict)  # the event's record once it was applied


def apply(state: dict, event: dict) -> dict:
    """The record's fields after `event`: a flat dict (strength and verification flattened to
    strength_level, verified_on, ...)."""
    kind, data = event["type"], event.get("data") or {}
    if kind == ev.REGISTERED:
        return {**data, "status": "active"}
    state = dict(state)
    if kind in (ev.AMENDED, ev.RELOCATED):
        state.update(data)
    elif kind == ev.STRENGTH_ASSESSED:
        state.update({f"strength_{k}": data.get(k) for k in STRENGTH})
    elif kind == ev.VERIFIED:
        state.update({f"verified_{k}": data.get(k) for k in VERIFIED})
    elif kind == ev.ARCHIVED:
        state["status"] = "archived"
    elif kind == ev.RESTORED:
        state["status"] = "active"
    elif kind == ev.MERGED:
        state.update(status="merged", merged_into=data.get("into"))
    elif kind == ev.UNMERGED:
        state.update(status=data.get("status"), merged_into=None)
    return state  # ABSORBED, RELEASED and unknown kinds change no field


def _same(before, after) -> bool:
    if isinstance(before, list) and isinstance(after, list):
        return sorted(map(str, before)) == sorted(map(str, after))
    return before == after or (before in (None, "", []) and after in (None, "", []))


def changes(before: dict, after: dict, order: tuple[str, ...] = ORDER) -> list[Change]:
    """The fields that differ, in reading order (`order`, then the order they first appear)."""
    names = sorted(dict.fromkeys([*before, *after]), key=lambda n: order.index(n) if n in order else len(order))
    return [Change(n, before.get(n), after.get(n)) for n in names if not _same(before.get(n), after.get(n))]


def fold(events: list[dict], evolve=apply, order: tuple[str, ...] = ORDER) -> list[Step]:
    """Every event with its field-by-field diff; each stream (the record, a merged duplicate)
    is folded on its own."""
    states: dict[str, dict] = {}
    steps = []
    for event in events:
        before = states.get(event["stream"], {})
        after = evolve(before, event)
        states[event["stream"]] = after
        steps.append(Step(event, changes(before, after, order), after))
    return steps


def as_of(events: list[dict], stream: str, until: str) -> dict | None:
    """The record of `stream` as it was at `until` (an ISO UTC time, compared with each event's
    `at`; `version` is the record's version then), or None if it did not exist yet."""
    state, version = None, 0
    for event in events:
        if event["stream"] != stream or event["at"] > until:
            continue
        state, version = apply(state or {}, event), event["version"]
    return None if state is None else {**state, "version": version}


def at_version(events: list[dict], stream: str, version: int, evolve=apply) -> dict | None:
    """The record of `stream` as it was at `version` (what an edit form was loaded with)."""
    state = None
    for event in events:
        if event["stream"] == stream and event["version"] <= version:
            state = evolve(state or {}, event)
    return state


def conflict_rows(fields: tuple[str, ...], typed: dict, mine: set, loaded: dict, current: dict) -> list[dict]:
    """A stale edit, field by field: each field the user (`mine`) or someone else changed since
    the form was loaded, with its value as loaded, now, and as the user typed it."""
    theirs = {k for k in fields if changes({k: loaded.get(k)}, {k: current.get(k)})}
    return [{"field": k, "loaded": loaded.get(k), "current": current.get(k), "yours": typed.get(k),
             "mine": k in mine, "theirs": k in theirs} for k in fields if k in mine | theirs]
