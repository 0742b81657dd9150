"""The campaign issues' staff pages: the list with search and filters, a campaign (its
channels, online workers by the names the people register gives them, its results over time),
the new and edit forms and the history. What is done to a campaign besides editing it
(status, a result, archive and restore) is campaign_actions.py's."""
from __future__ import annotations

import math
import uuid

from flask import flash, redirect, request, url_for

from gateway.api import plain_id, rpc
from services import reference
from services.chassis import permissions as can
from services.chassis.errors import CommandRejected, Conflict
from services.chassis.messages import message
from services.contracts.knowledge import events as ev
from services.contracts.knowledge.limits import CAMPAIGN_FILTERS
from services.contracts.knowledge.vocabulary import CAMPAIGN_STATUSES, CATEGORIES, CHANNELS

from . import bp, campaignform, current_user, knowledge_history, page_number, require, text
from .actions import version_of
from .knowledge import CAMPAIGN_TEXT, ITEM_TEXT, person_names, query_filters, render_page

PER_PAGE = 25
CODE_FILTERS = {"category": CATEGORIES, "status": CAMPAIGN_STATUSES, "channel": CHANNELS}
RECORD_FIELDS = ("category", "tags", "province", "center", "starts_on", "ends_on", "archived", "version",
                 "created_at", "updated_at")


def choices() -> dict:
    return {"provinces": text.province_options(), "centers": text.center_options(),
            "categories": ITEM_TEXT.options("category"), "statuses": ITEM_TEXT.options("campaign_status"),
            "channels": ITEM_TEXT.options("channel")}


@bp.get("/campaigns", endpoint="campaigns")
def campaign_list():
    require(can.READ_KNOWLEDGE)
    typed, filters, problems = query_filters(CAMPAIGN_FILTERS, CODE_FILTERS)
    page = page_number()
    result = {"items": [], "total": 0}
    if not problems:
        with rpc() as cluster:
            result = cluster.knowledge.list_campaigns(filters, page, PER_PAGE)
    pages = max(1, math.ceil(result["total"] / PER_PAGE))
    return render_page(
        "campaigns/list.html", record_text=CAMPAIGN_TEXT, result=result, typed=typed, problems=problems, page=page,
        pages=pages, page_url=lambda n: url_for("web.campaigns", **{k: v for k, v in typed.items() if v}, page=n), **choices())


def render_campaign(campaign: dict, status: int = 200, **context):
    with rpc() as cluster:
        names = person_names(cluster, campaign.get("workers") or [])
    return render_page("campaigns/record.html", names=names, record_text=CAMPAIGN_TEXT, campaign=campaign,
                       fields=RECORD_FIELDS, **choices(), **context), status


@bp.get("/campaigns/<uuid:campaign_id>", endpoint="campaigns_record")
def campaign_record(campaign_id):
    require(can.READ_KNOWLEDGE)
    with rpc() as cluster:
        campaign = cluster.knowledge.get_campaign(str(campaign_id))
    return render_campaign(campaign)


def _form(values: dict, **context):
    return render_page("campaigns/form.html", record_text=CAMPAIGN_TEXT, values=values, **choices(), **context)


@bp.route("/campaigns/new", methods=["GET", "POST"], endpoint="campaigns_new")
def campaign_new():
    user = current_user()
    can.require_somewhere(user, can.WRITE_KNOWLEDGE)
    if request.method == "GET":
        own = reference.center(user.center) if user.center else None
        values = {"province": own.province_code if own else "", "center": user.center or "", "status": "planned",
                  "channels": []}
        return _form(values, key=str(uuid.uuid4()), problems={})
    values, key = campaignform.posted(request.form), plain_id(request.form.get("key"))
    center = values.get("center") if can.allowed(user, can.PUBLISH_KNOWLEDGE) else user.center
    try:
        payload = campaignform.registration(values, center)
        with rpc() as cluster:
            campaign = cluster.knowledge.register_campaign(payload, key=key)
    except CommandRejected as error:
        return _form(values, key=key, problems=campaignform.problems(error, text.lang())), 422
    flash(text.t("web_saved"), "success")
    return redirect(url_for("web.campaigns_record", campaign_id=campaign["id"]))


@bp.route("/campaigns/<uuid:campaign_id>/edit", methods=["GET", "POST"], endpoint="campaigns_edit")
def campaign_edit(campaign_id):
    """Amend a campaign; the service decides whether the user may (their own center's)."""
    user, campaign_id = current_user(), str(campaign_id)
    can.require_somewhere(user, can.WRITE_KNOWLEDGE)
    with rpc() as cluster:
        current = cluster.knowledge.get_campaign(campaign_id)
    if request.method == "GET":
        if not can.allowed(user, can.WRITE_KNOWLEDGE, current["center"]):
            said = message("campaign_other_center", center=text.center_name(current["center"]))[text.lang()]
            return render_campaign(current, 403, action_problems={"_schema": [said]})
        return _form(campaignform.shown(current, text.lang()), campaign=current, version=current["version"],
                     key=str(uuid.uuid4()), problems={})
    values, version = campaignform.posted(request.form), version_of(request.form.get("version"))
    context = {"campaign": current, "version": version, "key": plain_id(request.form.get("key"))}
    with rpc() as cluster:
        events = cluster.knowledge.campaign_history(campaign_id)
    loaded = knowledge_history.campaign_at(events, campaign_id, version) or current
    changed: dict = {}
    typed: dict = {}
    try:
        changed, typed = campaignform.changes(values, loaded)
        if not changed:
            flash(text.t("web_nothing_changed"), "info")
            return redirect(url_for("web.campaigns_record", campaign_id=campaign_id))
        with rpc() as cluster:
            cluster.knowledge.amend_campaign(campaign_id, changed, version, key=context["key"])
    except CommandRejected as error:
        return _form(values, problems=campaignform.problems(error, text.lang()), **context), 422
    except Conflict:
        with rpc() as cluster:
            now = cluster.knowledge.get_campaign(campaign_id)
        rows, reapply = campaignform.conflict(values, typed, set(changed), loaded, now, text.lang())
        return _form(reapply, problems={}, campaign=now, version=now["version"], key=str(uuid.uuid4()),
                     conflict=rows), 409
    flash(text.t("web_saved"), "success")
    return redirect(url_for("web.campaigns_record", campaign_id=campaign_id))


@bp.get("/campaigns/<uuid:campaign_id>/history", endpoint="campaigns_history")
def campaign_history(campaign_id):
    require(can.READ_KNOWLEDGE)
    campaign_id = str(campaign_id)
    with rpc() as cluster:
        campaign = cluster.knowledge.get_campaign(campaign_id)
        steps = list(reversed(knowledge_history.fold_campaign(cluster.knowledge.campaign_history(campaign_id))))
        names = person_names(cluster, [w for s in steps for w in (s.after.get("workers") or [])])
    return render_page("campaigns/history.html", names=names, record_text=CAMPAIGN_TEXT, campaign=campaign, steps=steps,
                       stream=ev.campaign_stream(campaign_id), event_label=text.event_label)
