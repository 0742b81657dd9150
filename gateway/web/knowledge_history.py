"""A knowledge item's and a campaign's history as the pages read it: the events `history` and
`campaign_history` return folded into a flat record, so that `diffs.fold` shows what each
event changed, field by field, and an edit form knows the record as it was loaded; and an
item's revisions (`revisions`) each with what it changed from the one before. Plain Python."""
from __future__ import annotations

from services.contracts.knowledge import events as ev
from services.contracts.knowledge.schemas import CAMPAIGN_FIELDS, ITEM_FIELDS

from . import diffs

# The order a person reads a record in; a diff lists its fields this way
ITEM_ORDER = (*ITEM_FIELDS, "center", "status", "revision", "note")
CAMPAIGN_ORDER = (*CAMPAIGN_FIELDS, "center", "status", "archived")
_STATUS_AFTER = {ev.SUBMITTED: "in_review", ev.RETURNED: "draft", ev.PUBLISHED: "published",
                 ev.ARCHIVED: "archived", ev.RESTORED: "published"}
_NOTED = (ev.RETURNED, ev.ARCHIVED)  # the steps whose note stays on the item (as the register keeps it)


def apply_item(state: dict, event: dict) -> dict:
    """The item's flat record after `event`: its fields, center, status, revision and the
    reviewer's note. Files are not fields: their events say which file."""
    kind, data = event["type"], event.get("data") or {}
    if kind == ev.DRAFTED:
        return {**data, "status": "draft", "revision": 1, "note": None}
    state = dict(state)
    if kind == ev.REVISED:
        state.update(data)
    elif kind in _STATUS_AFTER:
        state["status"] = _STATUS_AFTER[kind]
        if kind != ev.SUBMITTED:
            state["note"] = data.get("note") if kind in _NOTED else None
    return state


def apply_campaign(state: dict, event: dict) -> dict:
    """The campaign's flat record after `event`; a result is not a field (its event says it)."""
    kind, data = event["type"], event.get("data") or {}
    if kind == ev.CAMPAIGN_REGISTERED:
        return {**data, "archived": False}
    state = dict(state)
    if kind == ev.CAMPAIGN_AMENDED:
        state.update(data)
    elif kind == ev.CAMPAIGN_STATUS_CHANGED:
        state["status"] = data["status"]
    elif kind in (ev.CAMPAIGN_ARCHIVED, ev.CAMPAIGN_RESTORED):
        state["archived"] = kind == ev.CAMPAIGN_ARCHIVED
    return state


def fold_item(events: list[dict]) -> list[diffs.Step]:
    return diffs.fold(events, apply_item, ITEM_ORDER)


def fold_campaign(events: list[dict]) -> list[diffs.Step]:
    return diffs.fold(events, apply_campaign, CAMPAIGN_ORDER)


def item_at(events: list[dict], item_id: str, version: int) -> dict | None:
    return diffs.at_version(events, ev.stream_of(item_id), version, apply_item)


def campaign_at(events: list[dict], campaign_id: str, version: int) -> dict | None:
    return diffs.at_version(events, ev.campaign_stream(campaign_id), version, apply_campaign)


def changed_since(events: list[dict], stream: str, version: int, now_version: int, evolve, order) -> list:
    """What changed in a record after `version` (a page opened then), up to `now_version`."""
    current = diffs.at_version(events, stream, now_version, evolve) or {}
    loaded = diffs.at_version(events, stream, version, evolve) or {}
    return [c for c in diffs.changes(loaded, current, order) if c.field in order]


def revision_steps(revisions: list[dict]) -> list[diffs.Step]:
    """Each revision of an item (`revisions`, oldest first) with what its fields changed from
    the one before; the first against nothing. Newest first, as the history reads."""
    steps, before = [], {}
    for revision in revisions:
        after = revision["fields"]
        steps.append(diffs.Step(revision, diffs.changes(before, after, ITEM_ORDER), after))
        before = after
    return list(reversed(steps))
