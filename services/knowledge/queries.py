"""What the knowledge register answers: items and campaigns as staff see them (every state),
as the public sees them (published items; active and concluded campaigns, not archived), a
ranked search of each, a record's history and an item's revisions, and its files."""
from __future__ import annotations

import base64

from services.chassis.errors import NotFound
from services.chassis.store import EventStore
from services.contracts.knowledge import events as ev
from services.contracts.knowledge.schemas import ITEM_FIELDS

from . import domain, readmodel
from .files import Files

PUBLIC_ITEMS = {"status": [domain.PUBLISHED]}
PUBLIC_CAMPAIGNS = {"status": ["active", "concluded"], "archived": ["n"]}


STAFF_ONLY = ("note", "published_by")  # a reviewer's note and who published: not for the public


def _shown_item(row: dict, public: bool) -> dict:
    shown = readmodel.public_item(row)
    return {k: v for k, v in shown.items() if k not in STAFF_ONLY} if public else shown


def _shown_campaign(row: dict, public: bool) -> dict:
    shown = readmodel.public_campaign(row)
    if public:
        shown["results"] = [{k: v for k, v in r.items() if k != "by"} for r in shown["results"]]
    return shown


def item(store: EventStore, item_id: str, public: bool = False) -> dict:
    row = readmodel.item(store.engine, str(item_id))
    if row is None or (public and row["status"] != domain.PUBLISHED):
        raise NotFound(ev.stream_of(str(item_id)))
    return _shown_item(row, public)


def items(store: EventStore, filters: dict, page: int, per_page: int, public: bool = False) -> dict:
    fixed = PUBLIC_ITEMS if public else None
    result = readmodel.ITEM_SEARCH.query(store.engine, filters or {}, page, per_page, fixed=fixed)
    result["items"] = [_shown_item(r, public) for r in result["items"]]
    return result


def campaign(store: EventStore, campaign_id: str, public: bool = False) -> dict:
    row = readmodel.campaign(store.engine, str(campaign_id))
    if row is None or (public and not (row["status"] in PUBLIC_CAMPAIGNS["status"] and row["archived"] == "n")):
        raise NotFound(ev.campaign_stream(str(campaign_id)))
    return _shown_campaign(row, public)


def campaigns(store: EventStore, filters: dict, page: int, per_page: int, public: bool = False) -> dict:
    filters = dict(filters or {})
    fixed = dict(PUBLIC_CAMPAIGNS) if public else {}
    if not public and "archived" in filters:  # staff may list the archived ones, or leave them out
        fixed["archived"] = ["y" if str(filters.pop("archived")).lower() in ("1", "true", "y", "yes") else "n"]
    result = readmodel.CAMPAIGN_SEARCH.query(store.engine, filters, page, per_page, fixed=fixed or None)
    result["items"] = [_shown_campaign(r, public) for r in result["items"]]
    return result


def history(store: EventStore, stream: str) -> list[dict]:
    events = store.stream(stream)
    if not events:
        raise NotFound(stream)
    return events


def revisions(store: EventStore, item_id: str, public: bool = False) -> list[dict]:
    """The item as each event that changed its content left it (its fields then), oldest
    first, with who and when, and the state it was in: what a diff is drawn between. The
    public see only what was published: each revision the portal showed."""
    item(store, item_id, public)  # NotFound unless it exists (and is published, for the public)
    state, out = None, []
    for event in store.stream(ev.stream_of(str(item_id))):
        state = domain.apply(state or domain.Item(id=str(item_id)), event)
        if event["type"] in (ev.DRAFTED, ev.REVISED) or (event["type"] == ev.PUBLISHED):
            snapshot = {"version": event["version"], "revision": state.revision, "at": event["at"],
                        "by": None if public else event["actor"]["user"], "type": event["type"], "status": state.status,
                        "fields": {name: state.values.get(name) for name in ITEM_FIELDS}}
            if not public or state.status == domain.PUBLISHED:
                out.append(snapshot)
    return out


def attachment(store: EventStore, files: Files, item_id: str, sha256: str, public: bool = False) -> dict:
    found = item(store, item_id, public)
    for recorded in found["attachments"]:
        if recorded["sha256"] == sha256:
            try:
                return {**recorded, "content": base64.b64encode(files.read(sha256)).decode("ascii")}
            except FileNotFoundError:  # gone from the files directory: `verify` names it
                break
    raise NotFound(f"{ev.stream_of(str(item_id))}/{sha256}")


def verify_attachments(store: EventStore, files: Files) -> dict:
    """Every file any item's events recorded (attached, whether or not still attached), read
    again and checked against its recorded hash."""
    recorded = {}
    for event in store.events_of_types((ev.ATTACHED,)):
        recorded.setdefault(event["data"]["sha256"], {**event["data"], "item": ev.item_id_of(event["stream"])})
    return files.verify(list(recorded.values()))
