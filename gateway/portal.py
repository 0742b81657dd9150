"""The learning portal's view of the knowledge register, shared by its pages
(gateway/web/learn.py) and its API (gateway/api/learn.py): what the public may see, asked as
the public (the knowledge service's `public_*` RPCs, the people register's `public_names`),
and nothing more. What is stored is not taken on trust, in case a row was changed behind the
services' backs:

- an item's body is the service's sanitized HTML, cleaned once more here by the same
  allow-list (services.chassis.richtext): no script, event attribute or unsafe link survives;
- a link (a source, a campaign's channel) is one only if it is http(s), else plain text;
- a file is served as its recorded type only if that is one the register takes.

Related people appear by name only where they consented to be named publicly, otherwise as
their role at their center; people the people register does not list are left out, and no
person's id is shown. Related organizations are only counted: the orgs register answers no
public call. Reviewers' notes and staff accounts' names are left out."""
from __future__ import annotations

import re
from urllib.parse import quote, urlsplit

from flask import url_for
from marshmallow import Schema
from nameko.exceptions import RpcTimeout, UnknownService

from services.chassis import richtext
from services.chassis.validation import Code, Text, Year, max_length, one_of
from services.contracts.knowledge.limits import TAG_MAX
from services.contracts.knowledge.vocabulary import ATTACHMENT_TYPES, CATEGORIES, CHANNELS, INLINE_TYPES, KINDS

ITEM_SHOWN = ("id", "revision", "title", "summary", "category", "kind", "tags", "province", "district",
              "subdistrict", "language", "year", "year_be", "center", "published_at", "created_at", "updated_at")
CAMPAIGN_SHOWN = ("id", "status", "title", "problem", "goal", "category", "tags", "province", "center", "starts_on",
                  "ends_on", "reach", "participants", "created_at", "updated_at")
RESULT_SHOWN = ("on", "reach", "participants", "outcome_count", "outcome", "channel")
SHA256 = re.compile(r"[0-9a-f]{64}")
UNSAFE_IN_NAMES = re.compile(r'[\x00-\x1f\x7f"\\/]')


def clean_html(html: str | None) -> str:
    """HTML through the body's allow-list again (the service stored it cleaned already)."""
    return richtext.clean(html)


def safe_url(url) -> str | None:
    """`url` if it is an http(s) address with a host, else None (shown as text, not a link)."""
    if not isinstance(url, str):
        return None
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    return url.strip() if parts.scheme.lower() in ("http", "https") and parts.netloc else None


PUBLIC_CAMPAIGN_STATUSES = ("active", "concluded")


class PublicItemFilters(Schema):
    """What the public may search published items by (the pages' and the API's)."""

    q = Text(validate=max_length(200), metadata={"description": "words to look for, Thai or English"})
    category = Code(validate=one_of(CATEGORIES), metadata={"enum": list(CATEGORIES)})
    kind = Code(validate=one_of(KINDS), metadata={"enum": list(KINDS)})
    province = Text(validate=max_length(2), metadata={"description": "DOPA province code"})
    year = Year(metadata={"description": "B.E. or C.E."})
    tag = Text(validate=max_length(TAG_MAX))


class PublicCampaignFilters(Schema):
    """What the public may search active and concluded campaigns by."""

    q = Text(validate=max_length(200), metadata={"description": "words to look for, Thai or English"})
    status = Code(validate=one_of(PUBLIC_CAMPAIGN_STATUSES), metadata={"enum": list(PUBLIC_CAMPAIGN_STATUSES)})
    category = Code(validate=one_of(CATEGORIES), metadata={"enum": list(CATEGORIES)})
    channel = Code(validate=one_of(CHANNELS), metadata={"enum": list(CHANNELS)})
    province = Text(validate=max_length(2), metadata={"description": "DOPA province code"})
    year = Year(metadata={"description": "the year it starts, B.E. or C.E."})


# -- people --------------------------------------------------------------------------------

def people(cluster, ids: list) -> list[dict] | None:
    """Listed people among `ids` as the public may see them, in order: {name (None unless they
    consented to be named), roles, center}; None when the people register cannot be asked."""
    ids = list(dict.fromkeys(str(i) for i in ids or []))
    if not ids:
        return []
    try:
        found = cluster.people.public_names(ids)
    except (UnknownService, RpcTimeout):
        return None
    return [_person(found[i]) for i in ids if i in found]


def _person(entry: dict) -> dict:
    return {"name": entry.get("name") or None, "roles": list(entry.get("roles") or []), "center": entry.get("center")}


# -- items ---------------------------------------------------------------------------------

def item_card(item: dict) -> dict:
    """An item in a list: what a result shows, and its page."""
    shown = {k: item.get(k) for k in ITEM_SHOWN}
    return {**shown, "url": url_for("web.learn_item", item_id=item["id"], _external=True)}


def item_page(item: dict, related: list[dict] | None) -> dict:
    """An item in full: the body cleaned again, links only where safe, its files with their
    download addresses, its people as `people` gives them, its organizations counted."""
    return {
        **item_card(item), "body": item.get("body"), "body_html": clean_html(item.get("body_html")),
        "sources": [_source(s) for s in item.get("sources") or [] if isinstance(s, dict)],
        "attachments": [_attachment(item["id"], a) for a in item.get("attachments") or []
                        if isinstance(a, dict) and SHA256.fullmatch(str(a.get("sha256", "")))],
        "people": related, "orgs_count": len(item.get("orgs") or []),
    }


def _source(source: dict) -> dict:
    return {"title": source.get("title") or None, "url": safe_url(source.get("url")), "written": source.get("url")}


def _attachment(item_id: str, found: dict) -> dict:
    return {"sha256": found["sha256"], "name": found.get("name") or "", "type": content_type(found.get("type")),
            "size": found.get("size"),
            "url": url_for("web.learn_file", item_id=item_id, sha256=found["sha256"], _external=True)}


def revisions(published: list[dict]) -> list[dict]:
    """The published revisions, newest first, without who made them (staff accounts)."""
    return [{"revision": r["revision"], "version": r["version"], "at": r["at"],
             "fields": {k: v for k, v in r["fields"].items() if k not in ("orgs", "people")}}
            for r in reversed(published)]


# -- campaigns -----------------------------------------------------------------------------

def campaign_card(campaign: dict) -> dict:
    shown = {k: campaign.get(k) for k in CAMPAIGN_SHOWN}
    channels = [{"channel": c.get("channel"), "name": c.get("name") or None, "url": safe_url(c.get("url"))}
                for c in campaign.get("channels") or [] if isinstance(c, dict)]
    return {**shown, "channels": channels,
            "url": url_for("web.learn_campaign", campaign_id=campaign["id"], _external=True)}


def campaign_page(campaign: dict, workers: list[dict] | None) -> dict:
    results = [{k: r.get(k) for k in RESULT_SHOWN} for r in campaign.get("results") or [] if isinstance(r, dict)]
    return {**campaign_card(campaign), "results": results, "workers": workers}


# -- files ---------------------------------------------------------------------------------

def content_type(recorded) -> str:
    """The recorded type if the register takes it, else bytes to save (never HTML or SVG)."""
    return recorded if recorded in ATTACHMENT_TYPES else "application/octet-stream"


def download_headers(name: str, recorded_type) -> dict:
    """Headers of a file served to the public: its type, shown inline only if harmless, never
    sniffed, and sandboxed should a browser render it anyway."""
    kind = content_type(recorded_type)
    disposition = "inline" if kind in INLINE_TYPES else "attachment"
    return {
        "Content-Type": kind,
        "Content-Disposition": f"{disposition}; filename=\"{_ascii_name(name)}\"; "
                               f"filename*=UTF-8''{quote(_plain_name(name), safe='')}",
        "X-Content-Type-Options": "nosniff",
        "Content-Security-Policy": "sandbox",
    }


def _plain_name(name) -> str:
    return UNSAFE_IN_NAMES.sub("_", str(name or "")).strip() or "file"


def _ascii_name(name) -> str:
    """The name for browsers that read no `filename*`: ASCII letters, digits, dot, dash."""
    stem, dot, extension = _plain_name(name).rpartition(".")
    stem, extension = (stem, extension) if dot else (extension, "")
    ascii_stem = re.sub(r"[^A-Za-z0-9_-]+", "_", stem).strip("_") or "file"
    ascii_extension = re.sub(r"[^A-Za-z0-9]+", "", extension)
    return f"{ascii_stem}.{ascii_extension}" if ascii_extension else ascii_stem
