"""The knowledge register's read model: one row per item and per campaign, and the words of
each in the search index, kept in the same transaction as the events that change them."""
from __future__ import annotations

import json

import orjson
from sqlalchemy import Column, Index, Integer, MetaData, String, Table, Text
from sqlalchemy.engine import Connection, Engine

from services.chassis import richtext
from services.chassis.registers.fulltext import FullTextSearch
from services.chassis.registers.readmodel import RowProjection
from services.chassis.thai import buddhist_era
from services.contracts.knowledge import events as ev

from . import domain

metadata = MetaData()

items = Table(
    "items",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("version", Integer, nullable=False),
    Column("status", String(10), nullable=False, index=True),
    Column("revision", Integer, nullable=False),
    Column("title", String(300), nullable=False),
    Column("summary", Text),
    Column("body", Text, nullable=False),  # Markdown as written
    Column("body_html", Text, nullable=False),  # rendered and sanitized (richtext.render)
    Column("category", String(30), nullable=False, index=True),
    Column("kind", String(30), nullable=False, index=True),
    Column("tags", Text, nullable=False),  # JSON list
    Column("province", String(2), index=True),
    Column("district", String(4)),
    Column("subdistrict", String(6)),
    Column("orgs", Text, nullable=False),  # JSON list of ids
    Column("people", Text, nullable=False),  # JSON list of ids
    Column("sources", Text, nullable=False),  # JSON list of {title, url}
    Column("language", String(10), nullable=False),
    Column("year", Integer, index=True),
    Column("center", String(8), nullable=False, index=True),
    Column("attachments", Text, nullable=False),  # JSON list of {sha256, name, type, size}
    Column("note", Text),  # the last reviewer's note
    Column("published_at", String(27)),
    Column("published_by", String(100)),
    Column("created_at", String(27), nullable=False),
    Column("updated_at", String(27), nullable=False),
    Index("ix_items_updated", "updated_at", "id"),
)

campaigns = Table(
    "campaigns",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("version", Integer, nullable=False),
    Column("status", String(10), nullable=False, index=True),
    Column("archived", String(1), nullable=False),  # "y" or "n"
    Column("title", String(300), nullable=False),
    Column("problem", Text, nullable=False),
    Column("goal", Text),
    Column("category", String(30), index=True),
    Column("tags", Text, nullable=False),
    Column("province", String(2), nullable=False, index=True),
    Column("center", String(8), nullable=False, index=True),
    Column("channels", Text, nullable=False),  # JSON list of {channel, url, name}
    Column("channel_codes", Text, nullable=False),  # JSON list of the channels' codes (the filter)
    Column("starts_on", String(10)),
    Column("ends_on", String(10)),
    Column("year", Integer, index=True),  # the year it starts (or was registered)
    Column("workers", Text, nullable=False),
    Column("results", Text, nullable=False),  # JSON list, oldest first
    Column("reach", Integer),
    Column("participants", Integer),
    Column("created_at", String(27), nullable=False),
    Column("updated_at", String(27), nullable=False),
    Index("ix_campaigns_updated", "updated_at", "id"),
)

ITEM_SEARCH = FullTextSearch(
    table=items, parts=("title", "tags", "summary", "body"),
    filters={"category": ("category", "="), "kind": ("kind", "="), "province": ("province", "="),
             "center": ("center", "="), "status": ("status", "in"), "year": ("year", "year"), "tag": ("tags", "tag"),
             "language": ("language", "=")},
    fixed=("status",),
)
CAMPAIGN_SEARCH = FullTextSearch(
    table=campaigns, parts=("title", "tags", "problem", "results"),
    filters={"category": ("category", "="), "province": ("province", "="), "center": ("center", "="),
             "status": ("status", "in"), "channel": ("channel_codes", "tag"), "year": ("year", "year")},
    fixed=("status", "archived"),
)


def create_schema(engine: Engine) -> None:
    metadata.create_all(engine)
    ITEM_SEARCH.create_schema(engine)
    CAMPAIGN_SEARCH.create_schema(engine)


def _json(values) -> str:
    return orjson.dumps(values or []).decode()


# -- items ----------------------------------------------------------------------------------

def _new_item(event: dict) -> dict:
    data = event["data"]
    return {
        "id": ev.item_id_of(event["stream"]), "version": event["version"], "status": domain.DRAFT, "revision": 1,
        **{k: data.get(k) for k in ("title", "summary", "body", "category", "kind", "province", "district",
                                    "subdistrict", "language", "year", "center")},
        "body_html": richtext.render(data["body"]), "tags": _json(data.get("tags")), "orgs": _json(data.get("orgs")),
        "people": _json(data.get("people")), "sources": _json(data.get("sources")), "attachments": "[]",
        "created_at": event["at"], "updated_at": event["at"],
    }


_LISTS = ("tags", "orgs", "people", "sources")


def _item_changes(conn: Connection, event: dict) -> dict:
    kind, data = event["type"], event["data"]
    if kind == ev.REVISED:
        changes = {k: (_json(v) if k in _LISTS else v) for k, v in data.items()}
        if "body" in data:
            changes["body_html"] = richtext.render(data["body"])
        return changes
    if kind == ev.SUBMITTED:
        return {"status": domain.IN_REVIEW}
    if kind == ev.RETURNED:
        return {"status": domain.DRAFT, "note": data.get("note")}
    if kind in (ev.PUBLISHED, ev.RESTORED):
        return {"status": domain.PUBLISHED, "note": None, "published_at": event["at"],
                "published_by": event["actor"]["user"]}
    if kind == ev.ARCHIVED:
        return {"status": domain.ARCHIVED, "note": data.get("note")}
    if kind in (ev.ATTACHED, ev.DETACHED):
        row = _item_project.row(conn, ev.item_id_of(event["stream"]))
        kept = [a for a in json.loads(row["attachments"]) if a["sha256"] != data["sha256"]]
        return {"attachments": _json(kept + ([dict(data)] if kind == ev.ATTACHED else []))}
    return {}


_item_project = RowProjection(items, ev.DRAFTED, _new_item, _item_changes, ev.item_id_of, reads=True)


# -- campaigns ------------------------------------------------------------------------------

def _year(data: dict, at: str) -> int:
    return int((data.get("starts_on") or at)[:4])


def _new_campaign(event: dict) -> dict:
    data = event["data"]
    return {
        "id": ev.campaign_id_of(event["stream"]), "version": event["version"], "status": data["status"],
        "archived": "n", **{k: data.get(k) for k in ("title", "problem", "goal", "category", "province", "center",
                                                     "starts_on", "ends_on")},
        "tags": _json(data.get("tags")), "channels": _json(data.get("channels")),
        "channel_codes": _json(sorted({c["channel"] for c in data.get("channels") or []})),
        "workers": _json(data.get("workers")), "results": "[]", "year": _year(data, event["at"]),
        "created_at": event["at"], "updated_at": event["at"],
    }


def _campaign_changes(conn: Connection, event: dict) -> dict:
    kind, data = event["type"], event["data"]
    if kind == ev.CAMPAIGN_AMENDED:
        changes = {k: (_json(v) if k in ("tags", "channels", "workers") else v) for k, v in data.items()}
        if "channels" in data:
            changes["channel_codes"] = _json(sorted({c["channel"] for c in data["channels"] or []}))
        if "starts_on" in data:  # without a start, the year it was registered
            changes["year"] = _year(data, campaign_row(conn, ev.campaign_id_of(event["stream"]))["created_at"])
        return changes
    if kind == ev.CAMPAIGN_STATUS_CHANGED:
        return {"status": data["status"]}
    if kind == ev.RESULT_RECORDED:
        row = _campaign_project.row(conn, ev.campaign_id_of(event["stream"]))
        results = sorted([*json.loads(row["results"]), {**data, "by": event["actor"]["user"]}], key=lambda r: r["on"])
        latest = results[-1]
        return {"results": _json(results), "reach": latest.get("reach"), "participants": latest.get("participants")}
    if kind in (ev.CAMPAIGN_ARCHIVED, ev.CAMPAIGN_RESTORED):
        return {"archived": "y" if kind == ev.CAMPAIGN_ARCHIVED else "n"}
    return {}


_campaign_project = RowProjection(campaigns, ev.CAMPAIGN_REGISTERED, _new_campaign, _campaign_changes,
                                  ev.campaign_id_of, reads=True)


# -- the projection of a command's events, rows and words ----------------------------------

_ITEM_WORDS = (ev.DRAFTED, ev.REVISED)
_CAMPAIGN_WORDS = (ev.CAMPAIGN_REGISTERED, ev.CAMPAIGN_AMENDED, ev.RESULT_RECORDED)


def project(conn: Connection, stored: list[dict]) -> None:
    """Bring rows and search words up to date with events about to be appended."""
    item_events = [e for e in stored if ev.is_item(e["stream"])]
    campaign_events = [e for e in stored if ev.is_campaign(e["stream"])]
    _item_project(conn, item_events)
    _campaign_project(conn, campaign_events)
    touched = {ev.item_id_of(e["stream"]) for e in item_events if e["type"] in _ITEM_WORDS}
    ITEM_SEARCH.index(conn, {i: item_document(_item_project.row(conn, i)) for i in touched})
    touched = {ev.campaign_id_of(e["stream"]) for e in campaign_events if e["type"] in _CAMPAIGN_WORDS}
    CAMPAIGN_SEARCH.index(conn, {c: campaign_document(_campaign_project.row(conn, c)) for c in touched})


def item_document(row: dict) -> dict:
    return {"title": row["title"], "tags": " ".join(json.loads(row["tags"])), "summary": row["summary"],
            "body": richtext.plain(row["body"])}


def campaign_document(row: dict) -> dict:
    results = " ".join(r.get("outcome") or "" for r in json.loads(row["results"]))
    return {"title": row["title"], "tags": " ".join(json.loads(row["tags"])),
            "problem": f"{row['problem']}\n{row['goal'] or ''}", "results": results}


# -- answers and aggregates -----------------------------------------------------------------

def public_item(row: dict) -> dict:
    out = {k: v for k, v in row.items()}
    for name in (*_LISTS, "attachments"):
        out[name] = json.loads(row[name])
    out["year_be"] = buddhist_era(row["year"]) if row.get("year") else None
    return out


def public_campaign(row: dict) -> dict:
    out = {k: v for k, v in row.items() if k not in ("channel_codes", "year")}
    for name in ("tags", "channels", "workers", "results"):
        out[name] = json.loads(row[name])
    out["archived"] = row["archived"] == "y"
    return out


def item_row(conn: Connection, item_id: str) -> dict | None:
    return _item_project.row(conn, item_id)


def campaign_row(conn: Connection, campaign_id: str) -> dict | None:
    return _campaign_project.row(conn, campaign_id)


def item(engine: Engine, item_id: str) -> dict | None:
    return _item_project.get(engine, str(item_id))


def campaign(engine: Engine, campaign_id: str) -> dict | None:
    return _campaign_project.get(engine, str(campaign_id))


def load_item(engine: Engine, item_id: str) -> domain.Item | None:
    row = item(engine, item_id)
    if row is None:
        return None
    shown = public_item(row)
    values = {name: shown[name] for name in (*domain.ITEM_FIELDS, "center")}
    return domain.Item(id=row["id"], version=row["version"], status=row["status"], revision=row["revision"],
                       values=values, attachments=tuple(shown["attachments"]))


def load_campaign(engine: Engine, campaign_id: str) -> domain.Campaign | None:
    row = campaign(engine, campaign_id)
    if row is None:
        return None
    shown = public_campaign(row)
    values = {name: shown[name] for name in (*domain.CAMPAIGN_FIELDS, "center")}
    return domain.Campaign(id=row["id"], version=row["version"], status=row["status"],
                           archived=shown["archived"], values=values)
