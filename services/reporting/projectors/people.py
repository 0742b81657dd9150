"""Indicators 1, 4, 5 and 6 (online workers, facilitators, community leaders, volunteers) from
the people register's events, with people by skill for each. A person counts once for each role
they hold, at the role's center (a role may be held for another center's area), from the day
the role's event was recorded, while the person may be counted: not restricted, merged or erased
(their consent withdrawn restricts them). A person listing no skill counts under `none`.

An erasure leaves the counts from its day; the days before keep theirs, with no identity
(DESIGN §2b): the state kept here becomes the bare `erased` with the home center, its roles and
skills gone. No personal value reaches reporting: the events carry ids, codes and centers in
clear, and that is all this keeps."""
from __future__ import annotations

from services.contracts.people import events as ev
from services.contracts.people.vocabulary import ROLE_INDICATORS
from services.contracts.reporting import NO_SKILL

from ..records import Kind, Piece, apply as apply_records


ACTIVITY = {
    ev.REGISTERED: "registered", ev.AMENDED: "amended", ev.ROLE_STARTED: "role_started",
    ev.ROLE_ENDED: "role_ended", ev.TRAINING_RECORDED: "trained", ev.RESTRICTED: "restricted",
    ev.MERGED: "merged", ev.UNMERGED: "unmerged", ev.ERASED: "erased",
}
STATUS = {ev.MERGED: "merged", ev.ERASED: "erased"}


def _fold(state: dict | None, type_: str, data: dict) -> dict | None:
    if type_ == ev.REGISTERED:
        return {"center": data["center"], "province": data["province"], "status": "active", "restricted": False,
                "roles": {r["role"]: [r["center"], r["province"]] for r in data.get("roles") or []},
                "skills": sorted(set(data.get("skills") or []))}
    if state is None:
        return None
    if type_ == ev.AMENDED:
        changed = {name: data[name] for name in ("center", "province") if data.get(name)}
        if "skills" in data:
            changed["skills"] = sorted(set(data["skills"] or []))
        return {**state, **changed}
    if type_ == ev.ROLE_STARTED:
        return {**state, "roles": {**state["roles"], data["role"]: [data["center"], data["province"]]}}
    if type_ == ev.ROLE_ENDED:
        return {**state, "roles": {r: p for r, p in state["roles"].items() if r != data["role"]}}
    if type_ in (ev.RESTRICTED, ev.RESTRICTION_LIFTED):
        return {**state, "restricted": type_ == ev.RESTRICTED}
    if type_ == ev.ERASED:
        return {"center": state["center"], "province": state["province"], "status": "erased",
                "restricted": False, "roles": {}, "skills": []}
    if type_ == ev.MERGED:
        return {**state, "status": "merged"}
    if type_ == ev.UNMERGED:
        return {**state, "status": data["status"]}
    return state


def _counts(state: dict) -> list[Piece]:
    if state["status"] != "active" or state["restricted"]:
        return []
    pieces = []
    for role, (center, province) in state["roles"].items():
        indicator = ROLE_INDICATORS[role]
        pieces.append(Piece((indicator,), center, province))
        pieces += [Piece((indicator, "skill", skill), center, province) for skill in state["skills"] or [NO_SKILL]]
    return pieces


KINDS = (Kind("person", ev.is_person, ev.person_id_of, ev.REGISTERED, _fold, _counts, ACTIVITY),)


def apply(conn, events: list[dict]) -> None:
    """Project one contiguous run of the register's events (inside the checkpoint's transaction)."""
    apply_records(conn, ev.SOURCE, KINDS, events)
