"""The knowledge register's staff pages: the list of items with search and filters, an item
(its body as the sanitized HTML the service renders, its files, its workflow), the new and
edit forms (with the stale-edit view), the history with each revision's diff, and the staff
download of a file. Organizations and people an item names are shown by the names their
registers give them, read each time, never copied. The item's actions are
knowledge_actions.py's; campaigns are campaigns.py's. The public portal is /learn."""
from __future__ import annotations

import math
import uuid

from flask import flash, redirect, render_template, request, url_for

from gateway import portal
from gateway.api import plain_id, rpc
from gateway.api.knowledge import attachment_response
from services import reference
from services.chassis import permissions as can
from services.chassis import richtext
from services.chassis.errors import CommandRejected, Conflict, Forbidden, NotFound
from services.chassis.messages import message
from services.chassis.validation import StrictSchema, Year, load
from services.contracts.knowledge import events as ev
from services.contracts.knowledge.limits import FILTERS
from services.contracts.knowledge.vocabulary import ATTACHMENT_TYPES, CATEGORIES, ITEM_STATUSES, KINDS

from . import HISTORY_PAGES, bp, current_user, knowledge_history, knowledgeform, page_number, require, text
from .actions import version_of
from .people import org_names

PER_PAGE = 25
EDITABLE = ("draft", "published")  # the states an item is edited in (the service's rule; the page asks first)
CODE_FILTERS = {"category": CATEGORIES, "kind": KINDS, "status": ITEM_STATUSES}
PLACE_FILTERS = {"center": reference.center, "province": reference.province}
RECORD_FIELDS = ("category", "kind", "status", "revision", "tags", "language", "year", "center", "published_at",
                 "published_by", "version", "created_at", "updated_at")
LABELS = {
    "title": "field_title", "summary": "field_summary", "body": "field_body", "category": "field_category",
    "kind": "field_kind", "tags": "field_tags", "province": "col_province", "district": "col_district",
    "subdistrict": "col_subdistrict", "orgs": "field_orgs", "people": "field_people", "sources": "field_sources",
    "language": "field_language", "year": "field_year", "center": "col_center", "status": "col_status",
    "revision": "web_knowledge_revision", "note": "field_note", "attachments": "field_attachments",
    "published_at": "web_knowledge_published_at", "published_by": "web_knowledge_published_by",
    "version": "col_version", "created_at": "col_created_at", "updated_at": "col_updated_at",
    "workers": "field_workers", "problem": "field_problem", "goal": "field_goal", "channels": "field_channels",
    "starts_on": "field_starts_on", "ends_on": "field_ends_on", "archived": "web_campaign_archived",
}
ITEM_TEXT = text.RecordText("knowledge", labels=LABELS, years=("year",),
                            moments=("created_at", "updated_at", "published_at"))
CAMPAIGN_TEXT = text.RecordText("knowledge", labels=LABELS, days=("starts_on", "ends_on"),
                                lists={"status": "campaign_status"})
ACCEPTED = ",".join(ext for extensions, _, _ in ATTACHMENT_TYPES.values() for ext in extensions)


def _item_history(stream: str) -> str | None:
    if ev.is_item(stream):
        return url_for("web.knowledge_history", item_id=ev.item_id_of(stream))
    if ev.is_campaign(stream):
        return url_for("web.campaigns_history", campaign_id=ev.campaign_id_of(stream))
    return None


HISTORY_PAGES[ev.SOURCE] = _item_history


# ------------------------------------------------------------------------------ showing values

def person_names(cluster, person_ids) -> dict[str, str | None]:
    """The names of people as the people register shows them to the reader (read each time,
    never copied); someone it does not list, or a reader who may not see people, has none."""
    wanted = list(dict.fromkeys(str(p) for p in person_ids if p))
    if not wanted:
        return {}
    try:
        found = cluster.people.names(wanted)
    except Forbidden:
        found = {}
    return {p: found.get(p) for p in wanted}


def show_value(record_text: text.RecordText, names: dict, name: str, value) -> str:
    """A field of an item or a campaign as text: lists joined, sources with their address,
    organizations and people by name (their id when the register has none for them)."""
    if value is None or value == "" or value == []:
        return "—"
    if name == "tags":
        return ", ".join(value)
    if name in ("orgs", "people", "workers"):
        return ", ".join(names.get(str(v)) or str(v) for v in value)
    if name == "sources":
        return "; ".join(f"{s.get('title')} ({s['url']})" if s.get("title") else s["url"] for s in value)
    if name == "channels":
        return "; ".join(" ".join(p for p in (ITEM_TEXT.code_label("channel", c["channel"]), c.get("name"),
                                               c.get("url")) if p) for c in value)
    if name == "archived":
        return text.t("web_yes") if value else text.t("web_no")
    return record_text.show(name, value)


def render_page(template: str, names: dict | None = None, record_text: text.RecordText = ITEM_TEXT, **context):
    """A knowledge page: the template with the register's way of showing its fields (an item's,
    or a campaign's: `record_text`)."""
    shown = names or {}
    helpers = {**record_text.helpers(), "show": lambda name, value: show_value(record_text, shown, name, value)}
    return render_template(template, **helpers, names=shown, file_type=_file_type, file_size=_file_size,
                           safe_url=portal.safe_url, allowed_somewhere=lambda a: can.allowed_somewhere(current_user(), a),
                           new_key=lambda: str(uuid.uuid4()), accepted=ACCEPTED, **context)


def _file_type(content_type: str) -> str:
    found = ATTACHMENT_TYPES.get(content_type)
    return text.text_of(found[1:]) if found else content_type


def _file_size(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MB" if size >= 1024 * 1024 else f"{max(1, round(size / 1024))} KB"


# ------------------------------------------------------------------------------ the list

class _YearFilter(StrictSchema):
    year = Year()


def query_filters(names: tuple, codes: dict, places: dict = PLACE_FILTERS) -> tuple[dict, dict, dict]:
    """A list's filters as typed, as the service takes them (a year typed B.E. or C.E. as C.E.),
    and problems by filter."""
    typed = {k: (request.args.get(k) or "").strip() for k in ("q", *names)}
    filters, problems = {}, {}
    for name, value in typed.items():
        if not value:
            continue
        if name == "year":
            try:
                filters[name] = load(_YearFilter(), {"year": value})["year"]
            except CommandRejected as error:
                problems[name] = [message(p["code"], **(p.get("params") or {}))[text.lang()] for p in error.problems]
        elif (name in codes and value not in codes[name]) or (name in places and places[name](value) is None):
            problems[name] = [message("not_one_of")[text.lang()]]
        else:
            filters[name] = value[:200]
    return typed, filters, problems


def choices(values: dict) -> dict:
    return {"provinces": text.province_options(), "districts": text.district_options(values.get("province")),
            "subdistricts": text.subdistrict_options(values.get("district")), "centers": text.center_options(),
            "categories": ITEM_TEXT.options("category"), "kinds": ITEM_TEXT.options("kind"),
            "statuses": ITEM_TEXT.options("status"), "languages": ITEM_TEXT.options("language")}


@bp.get("/knowledge", endpoint="knowledge")
def knowledge_list():
    require(can.READ_KNOWLEDGE)
    typed, filters, problems = query_filters(FILTERS, CODE_FILTERS)
    page = page_number()
    result = {"items": [], "total": 0}
    if not problems:
        with rpc() as cluster:
            result = cluster.knowledge.list(filters, page, PER_PAGE)
    pages = max(1, math.ceil(result["total"] / PER_PAGE))
    return render_page(
        "knowledge/list.html", result=result, typed=typed, problems=problems, page=page, pages=pages,
        page_url=lambda n: url_for("web.knowledge", **{k: v for k, v in typed.items() if v}, page=n),
        **choices(typed))


# ------------------------------------------------------------------------------ an item

def record_names(cluster, item: dict) -> dict:
    return {**org_names(cluster, item.get("orgs") or []), **person_names(cluster, item.get("people") or [])}


def render_record(item: dict, status: int = 200, **context):
    with rpc() as cluster:
        names = record_names(cluster, item)
    # the stored HTML through the allow-list again: a row changed behind the service's back
    # must not run in a staff member's session either
    body_html = richtext.clean(item["body_html"])
    return render_page("knowledge/record.html", names=names, item=item, body_html=body_html, fields=RECORD_FIELDS,
                       **context), status


@bp.get("/knowledge/<uuid:item_id>", endpoint="knowledge_item")
def knowledge_item(item_id):
    require(can.READ_KNOWLEDGE)
    with rpc() as cluster:
        item = cluster.knowledge.get(str(item_id))
    return render_record(item)


@bp.get("/knowledge/<uuid:item_id>/files/<sha256>", endpoint="knowledge_file")
def knowledge_file(item_id, sha256):
    """A file of an item, for staff: its recorded type, downloaded (shown only if harmless)."""
    require(can.READ_KNOWLEDGE)
    if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
        raise NotFound(f"{ev.stream_of(str(item_id))}/{sha256}")
    with rpc() as cluster:
        found = cluster.knowledge.attachment(str(item_id), sha256)
    return attachment_response(found)


# ------------------------------------------------------------------------------ the forms

def _form(values: dict, **context):
    return render_page("knowledge/form.html", values=values, **choices(values), **context)


def _refresh() -> bool:
    """The no-script "update the lists" button: re-show the form with the cascade filled."""
    return "_refresh" in request.form


@bp.route("/knowledge/new", methods=["GET", "POST"], endpoint="knowledge_new")
def knowledge_new():
    user = current_user()
    can.require_somewhere(user, can.WRITE_KNOWLEDGE)  # center staff: their own center; admins: any
    if request.method == "GET":
        own = reference.center(user.center) if user.center else None
        values = {"language": "th", "province": own.province_code if own else "", "center": user.center or ""}
        return _form(values, key=str(uuid.uuid4()), problems={})
    values, key = knowledgeform.posted(request.form), plain_id(request.form.get("key"))
    if _refresh():
        return _form(values, key=key, problems={})
    center = values.get("center") if can.allowed(user, can.PUBLISH_KNOWLEDGE) else user.center
    try:
        payload = knowledgeform.draft(values, center)
        with rpc() as cluster:
            item = cluster.knowledge.draft(payload, key=key)
    except CommandRejected as error:
        return _form(values, key=key, problems=knowledgeform.problems(error, text.lang())), 422
    flash(text.t("web_saved"), "success")
    return redirect(url_for("web.knowledge_item", item_id=item["id"]))


@bp.route("/knowledge/<uuid:item_id>/edit", methods=["GET", "POST"], endpoint="knowledge_edit")
def knowledge_edit(item_id):
    """Edit an item; the service decides whether the user may (their own center's, a draft or
    a published item) and refuses naming why, writing nothing."""
    user, item_id = current_user(), str(item_id)
    can.require_somewhere(user, can.WRITE_KNOWLEDGE)
    with rpc() as cluster:
        current = cluster.knowledge.get(item_id)
    if request.method == "GET":
        if not can.allowed(user, can.WRITE_KNOWLEDGE, current["center"]):
            said = message("item_other_center", center=text.center_name(current["center"]))[text.lang()]
            return render_record(current, 403, action_problems={"_schema": [said]})
        if current["status"] not in EDITABLE:  # in review, or archived: the reviewer acts first
            return render_record(current, 409, action_problems={"_schema": [message("not_editable")[text.lang()]]})
        return _form(knowledgeform.shown(current, text.lang()), item=current, version=current["version"],
                     key=str(uuid.uuid4()), problems={})
    values, version = knowledgeform.posted(request.form), version_of(request.form.get("version"))
    context = {"item": current, "version": version, "key": plain_id(request.form.get("key"))}
    if _refresh():
        return _form(values, problems={}, **context)
    with rpc() as cluster:
        loaded = knowledge_history.item_at(cluster.knowledge.history(item_id), item_id, version) or current
    changed: dict = {}
    typed: dict = {}
    try:
        changed, typed = knowledgeform.changes(values, loaded)
        if not changed:
            flash(text.t("web_nothing_changed"), "info")
            return redirect(url_for("web.knowledge_item", item_id=item_id))
        with rpc() as cluster:
            cluster.knowledge.revise(item_id, changed, version, key=context["key"])
    except CommandRejected as error:
        return _form(values, problems=knowledgeform.problems(error, text.lang()), **context), 422
    except Conflict:
        with rpc() as cluster:
            now = cluster.knowledge.get(item_id)
        rows, reapply = knowledgeform.conflict(values, typed, set(changed), loaded, now, text.lang())
        return _form(reapply, problems={}, item=now, version=now["version"], key=str(uuid.uuid4()),
                     conflict=rows), 409
    flash(text.t("web_saved"), "success")
    return redirect(url_for("web.knowledge_item", item_id=item_id))


# ------------------------------------------------------------------------------ the history

@bp.get("/knowledge/<uuid:item_id>/history", endpoint="knowledge_history")
def knowledge_history_page(item_id):
    require(can.READ_KNOWLEDGE)
    item_id = str(item_id)
    with rpc() as cluster:
        item = cluster.knowledge.get(item_id)
        events = cluster.knowledge.history(item_id)
        revisions = cluster.knowledge.revisions(item_id)
        steps = list(reversed(knowledge_history.fold_item(events)))
        states = [s.after for s in steps] + [r["fields"] for r in revisions]
        names = {**org_names(cluster, [v for s in states for v in (s.get("orgs") or [])]),
                 **person_names(cluster, [v for s in states for v in (s.get("people") or [])])}
    file_names = {e["data"]["sha256"]: e["data"]["name"] for e in events if e["type"] == ev.ATTACHED}
    return render_page("knowledge/history.html", names=names, item=item, steps=steps, file_names=file_names,
                       revisions=knowledge_history.revision_steps(revisions), stream=ev.stream_of(item_id),
                       event_label=text.event_label)
