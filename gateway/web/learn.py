"""The public learning portal (/learn): published knowledge items and running or concluded
campaigns, for anyone, without signing in, read-only. What it shows of each record, and how
it treats what is stored, is gateway/portal.py's. An id that is unknown, or of a record the
public may not see (a draft, an item in review or archived, a planned or archived campaign),
is the portal's "not found" page. Every page and file of the portal is sent with a policy that
runs no inline script (`PAGE_POLICY`)."""
from __future__ import annotations

import base64
import difflib
import math
import uuid
from functools import wraps

from flask import Response, render_template, request, url_for
from marshmallow import ValidationError

from gateway import portal
from gateway.api import PAGE_MAX, rpc
from services.chassis import richtext
from services.chassis.errors import NotFound
from services.chassis.messages import message
from services.chassis.validation import problems_from
from services.contracts.knowledge.schemas import ITEM_FIELDS
from services.contracts.knowledge.vocabulary import ATTACHMENT_TYPES, CATEGORIES

from . import bp, diffs, page_number, text

PER_PAGE = 10
LATEST, CAMPAIGNS_SHOWN = 6, 4  # on the portal's home
DESCRIPTION_MAX = 200  # characters of a page's description for link previews
PORTAL_PATHS = ("/learn/", "/api/v1/learn/")
PAGE_POLICY = ("default-src 'self'; script-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
               "frame-ancestors 'none'; img-src 'self' https:")
ITEM_TEXT = text.RecordText("knowledge", labels={
    "title": "field_title", "summary": "field_summary", "body": "field_body", "category": "field_category",
    "kind": "field_kind", "tags": "field_tags", "province": "col_province", "district": "col_district",
    "subdistrict": "col_subdistrict", "sources": "field_sources", "language": "field_language", "year": "field_year",
    "center": "col_center", "status": "col_status", "revision": "field_revision",
}, years=("year",))
CAMPAIGN_TEXT = text.RecordText("knowledge", labels={}, days=("starts_on", "ends_on", "on"),
                                counts=("reach", "participants", "outcome_count"),
                                lists={"status": "campaign_status"})


@bp.after_app_request
def _portal_headers(response):
    """The portal's pages, files and API: no inline script, nothing sniffed; a file keeps its own."""
    if request.path == "/learn" or request.path.startswith(PORTAL_PATHS):
        response.headers.setdefault("Content-Security-Policy", PAGE_POLICY)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
    return response


def portal_page(view):
    """A portal view whose record the public may not see answers with the portal's 404."""
    @wraps(view)
    def page(*args, **kwargs):
        try:
            return view(*args, **kwargs)
        except NotFound:
            return render_page("learn/missing.html"), 404
    return page


def record_id(value: str) -> str:
    """An item's or a campaign's id as the register writes it; anything else is not found."""
    try:
        return str(uuid.UUID(value))
    except ValueError:
        raise NotFound(value) from None


def render_page(template: str, **context):
    return render_template(template, **ITEM_TEXT.helpers(), show_field=show_field, person_line=person_line,
                           campaign_label=CAMPAIGN_TEXT.code_label, show_campaign=CAMPAIGN_TEXT.show,
                           file_kind=file_kind, size_text=size_text, categories=ITEM_TEXT.options("category"),
                           **context)


def file_kind(content_type: str) -> str:
    found = ATTACHMENT_TYPES.get(content_type)
    return text.text_of(found[1:]) if found else text.t("web_learn_file")


def size_text(size) -> str:
    """A file's size as people read it: 350 KB, 2.4 MB."""
    size = int(size or 0)
    if size < 1024 * 1024:
        return text.t("web_learn_size_kb", size=f"{max(1, round(size / 1024)):,}")
    return text.t("web_learn_size_mb", size=f"{size / (1024 * 1024):,.1f}")


def show_field(name: str, value) -> str:
    """An item's field as a revision's diff shows it."""
    if name == "tags" and isinstance(value, list):
        return ", ".join(map(str, value)) or "—"
    if name == "sources" and isinstance(value, list):
        return "; ".join(f"{s.get('title') or ''} <{s.get('url')}>".strip() for s in value if isinstance(s, dict)) or "—"
    return ITEM_TEXT.show(name, value)


def person_line(person: dict) -> str:
    """A related person: their name if they let it be published, else their role at their center."""
    roles = ", ".join(text.code_label("people.roles", role) for role in person.get("roles") or [])
    where = " · ".join(part for part in (roles or text.t("web_learn_person"), text.center_name(person.get("center")))
                       if part)
    return f"{person['name']} ({where})" if person.get("name") else where


def filters_of(schema) -> tuple[dict, dict, dict]:
    """The query's filters as typed, as the service takes them, and problems by filter."""
    typed = {name: (request.args.get(name) or "").strip() for name in schema.fields}
    try:
        return typed, schema.load({k: v for k, v in typed.items() if v}), {}
    except ValidationError as error:
        problems: dict[str, list[str]] = {}
        for problem in problems_from(error):
            problems.setdefault(problem["field"], []).append(message(problem["code"], **problem["params"])[text.lang()])
        return typed, {}, problems


def _pages(result: dict, endpoint: str, typed: dict, **view_args) -> dict:
    kept = {k: v for k, v in typed.items() if v and k not in view_args}
    return {"pages": max(1, math.ceil(result["total"] / PER_PAGE)),
            "page_url": lambda n: url_for(endpoint, **view_args, **kept, page=n)}


# -- items ---------------------------------------------------------------------------------

@bp.get("/learn", endpoint="learn", strict_slashes=False)
@portal_page
def home():
    with rpc() as cluster:
        latest = cluster.knowledge.public_list({}, 1, LATEST)["items"]
        active = cluster.knowledge.public_campaigns({"status": "active"}, 1, CAMPAIGNS_SHOWN)
        concluded = cluster.knowledge.public_campaigns({"status": "concluded"}, 1, CAMPAIGNS_SHOWN)
    return render_page("learn/home.html", latest=[portal.item_card(i) for i in latest],
                       active=[portal.campaign_card(c) for c in active["items"]], active_total=active["total"],
                       concluded=[portal.campaign_card(c) for c in concluded["items"]],
                       concluded_total=concluded["total"])


@bp.get("/learn/search", endpoint="learn_search")
@portal_page
def search():
    typed, filters, problems = filters_of(portal.PublicItemFilters())
    return _results(typed, filters, problems, "web.learn_search")


@bp.get("/learn/category/<code>", endpoint="learn_category")
@portal_page
def category(code: str):
    if code not in CATEGORIES:
        raise NotFound(code)
    typed, filters, problems = filters_of(portal.PublicItemFilters(exclude=("category",)))
    return _results(typed, {**filters, "category": code}, problems, "web.learn_category", code=code)


def _results(typed: dict, filters: dict, problems: dict, endpoint: str, **view_args):
    page = min(page_number(), PAGE_MAX)
    result = {"items": [], "total": 0}
    if not problems:
        with rpc() as cluster:
            result = cluster.knowledge.public_list(filters, page, PER_PAGE)
    return render_page("learn/search.html", items=[portal.item_card(i) for i in result["items"]],
                       total=result["total"], typed=typed, problems=problems, page=page,
                       category=view_args.get("code"), provinces=text.province_options(),
                       kinds=ITEM_TEXT.options("kind"), **_pages(result, endpoint, typed, **view_args))


@bp.get("/learn/<item_id>", endpoint="learn_item")
@portal_page
def item(item_id: str):
    with rpc() as cluster:
        found = cluster.knowledge.public_get(record_id(item_id))
        related = portal.people(cluster, found.get("people"))
        published = cluster.knowledge.public_revisions(found["id"])
    shown = portal.item_page(found, related)
    description = shown.get("summary") or richtext.plain(shown.get("body") or "")
    return render_page("learn/item.html", item=shown, revisions=portal.revisions(published),
                       description=_shortened(description))


def _shortened(words: str) -> str:
    words = " ".join(words.split())
    return words if len(words) <= DESCRIPTION_MAX else words[:DESCRIPTION_MAX - 1].rstrip() + "…"


@bp.get("/learn/<item_id>/revisions", endpoint="learn_revisions")
@portal_page
def item_revisions(item_id: str):
    with rpc() as cluster:
        found = cluster.knowledge.public_get(record_id(item_id))
        published = cluster.knowledge.public_revisions(found["id"])
    return render_page("learn/revisions.html", item=portal.item_card(found), steps=revision_steps(published),
                       line_diff=line_diff)


def revision_steps(published: list[dict]) -> list[dict]:
    """Each published revision with what changed since the one before, newest first; one
    that changed nothing the public sees (published again as it was) is left out."""
    steps, before = [], None
    for shown in reversed(portal.revisions(published)):
        changes = diffs.changes(before or {}, shown["fields"], ITEM_FIELDS) if before is not None else []
        if before is None or changes:
            steps.append({**shown, "changes": changes, "first": before is None})
        before = shown["fields"]
    return list(reversed(steps))


def line_diff(before: str | None, after: str | None) -> list[tuple[str, str]]:
    """The lines of a body that changed: ("-", line) gone, ("+", line) new, ("", line) around
    them, ("…", "") where unchanged lines are left out."""
    lines = []
    for line in difflib.unified_diff((before or "").splitlines(), (after or "").splitlines(), n=1, lineterm=""):
        if line.startswith(("---", "+++")):
            continue
        lines.append(("…", "") if line.startswith("@@") else (line[:1].strip(), line[1:]))
    return lines


@bp.get("/learn/<item_id>/files/<sha256>", endpoint="learn_file")
@portal_page
def item_file(item_id: str, sha256: str):
    if not portal.SHA256.fullmatch(sha256):
        raise NotFound(sha256)
    with rpc() as cluster:
        found = cluster.knowledge.public_attachment(record_id(item_id), sha256)
    response = Response(base64.b64decode(found["content"]), headers=portal.download_headers(found["name"], found["type"]))
    response.headers["Cache-Control"] = "public, max-age=300"
    return response


# -- campaigns -----------------------------------------------------------------------------

@bp.get("/learn/campaigns", endpoint="learn_campaigns")
@portal_page
def campaigns():
    typed, filters, problems = filters_of(portal.PublicCampaignFilters())
    page = min(page_number(), PAGE_MAX)
    result = {"items": [], "total": 0}
    if not problems:
        with rpc() as cluster:
            result = cluster.knowledge.public_campaigns(filters, page, PER_PAGE)
    return render_page("learn/campaigns.html", campaigns=[portal.campaign_card(c) for c in result["items"]],
                       total=result["total"], typed=typed, problems=problems, page=page,
                       provinces=text.province_options(), statuses=[(s, CAMPAIGN_TEXT.code_label("campaign_status", s))
                                                                    for s in portal.PUBLIC_CAMPAIGN_STATUSES],
                       channels=ITEM_TEXT.options("channel"), **_pages(result, "web.learn_campaigns", typed))


@bp.get("/learn/campaigns/<campaign_id>", endpoint="learn_campaign")
@portal_page
def campaign(campaign_id: str):
    with rpc() as cluster:
        found = cluster.knowledge.public_campaign(record_id(campaign_id))
        workers = portal.people(cluster, found.get("workers"))
    shown = portal.campaign_page(found, workers)
    return render_page("learn/campaign.html", campaign=shown, description=_shortened(shown.get("problem") or ""))
