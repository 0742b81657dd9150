"""Indicators 7 (knowledge items) and 2 (campaign issues) from the knowledge register's
events, with their breakdowns. An item counts at its authoring center while it is published:
from the day of ItemPublished or ItemRestored until the day of ItemArchived (drafts and items
in review never count). A campaign counts at its center from the day it is registered,
whatever its status, until the day it is archived, and again from its restoration.
Breakdowns: published items by category and kind, every item by its workflow status, and
counted campaigns by status and by channel (a campaign counts under each of its channels,
`none` without any). A center's province is the reference data's."""

from __future__ import annotations

from services import reference
from services.contracts.knowledge import events as ev
from services.contracts.reporting import NO_CHANNEL

from ..records import Kind, Piece, apply as apply_records

ITEMS, CAMPAIGNS = "knowledge_items", "campaign_issues"
PUBLISHED = "published"

STEPS = {ev.SUBMITTED: "in_review", ev.RETURNED: "draft", ev.PUBLISHED: PUBLISHED, ev.ARCHIVED: "archived",
         ev.RESTORED: PUBLISHED}
ITEM_ACTIVITY = {ev.DRAFTED: "registered", ev.REVISED: "amended", ev.PUBLISHED: "published",
                 ev.ARCHIVED: "archived", ev.RESTORED: "restored"}
CAMPAIGN_ACTIVITY = {ev.CAMPAIGN_REGISTERED: "registered", ev.CAMPAIGN_AMENDED: "amended",
                     ev.RESULT_RECORDED: "result_recorded", ev.CAMPAIGN_ARCHIVED: "archived",
                     ev.CAMPAIGN_RESTORED: "restored"}


def _at(center: str) -> dict:
    """A center and its province (the register accepts only the reference data's centers)."""
    found = reference.center(center)
    return {"center": center, "province": found.province_code if found else ""}


def _item(state: dict | None, type_: str, data: dict) -> dict | None:
    """An item's state after one of its events (None: an item this projection never saw)."""
    if type_ == ev.DRAFTED:
        return {**_at(data["center"]), "category": data["category"], "kind": data["kind"], "status": "draft"}
    if state is None:
        return None
    if type_ == ev.REVISED:
        return {**state, **{name: data[name] for name in ("category", "kind") if data.get(name)}}
    if type_ in STEPS:  # a step carries the item's place in the counts
        return {**state, **_at(data["center"]), "category": data["category"], "kind": data["kind"],
                "status": STEPS[type_]}
    return state


def _item_counts(state: dict) -> list[Piece]:
    place = (state["center"], state["province"])
    pieces = [Piece((ITEMS, "status", state["status"]), *place)]
    if state["status"] == PUBLISHED:
        pieces += [Piece((ITEMS,), *place), Piece((ITEMS, "category", state["category"]), *place),
                   Piece((ITEMS, "kind", state["kind"]), *place)]
    return pieces


def _channels(data: dict) -> list[str]:
    return sorted({c["channel"] for c in data.get("channels") or []})


def _campaign(state: dict | None, type_: str, data: dict) -> dict | None:
    if type_ == ev.CAMPAIGN_REGISTERED:
        return {**_at(data["center"]), "status": data["status"], "archived": False, "channels": _channels(data)}
    if state is None:
        return None
    if type_ == ev.CAMPAIGN_AMENDED and "channels" in data:
        return {**state, "channels": _channels(data)}
    if type_ == ev.CAMPAIGN_STATUS_CHANGED:
        return {**state, "status": data["status"]}
    if type_ in (ev.CAMPAIGN_ARCHIVED, ev.CAMPAIGN_RESTORED):
        return {**state, "status": data["status"], "archived": type_ == ev.CAMPAIGN_ARCHIVED}
    return state


def _campaign_counts(state: dict) -> list[Piece]:
    if state["archived"]:
        return []
    place = (state["center"], state["province"])
    return [Piece((CAMPAIGNS,), *place), Piece((CAMPAIGNS, "status", state["status"]), *place),
            *(Piece((CAMPAIGNS, "channel", channel), *place) for channel in state["channels"] or [NO_CHANNEL])]


KINDS = (
    Kind("item", ev.is_item, ev.item_id_of, ev.DRAFTED, _item, _item_counts, ITEM_ACTIVITY),
    Kind("campaign", ev.is_campaign, ev.campaign_id_of, ev.CAMPAIGN_REGISTERED, _campaign, _campaign_counts,
         CAMPAIGN_ACTIVITY),
)


def apply(conn, events: list[dict]) -> None:
    """Project one contiguous run of the register's events (inside the checkpoint's transaction)."""
    apply_records(conn, ev.SOURCE, KINDS, events)
