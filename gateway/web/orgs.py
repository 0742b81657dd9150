"""Organization pages: the list, a record, the new and edit forms (with the stale-edit view),
and the history with its as-of view. The services are called over the API's RPC pool."""
from __future__ import annotations

import math
import uuid

from flask import flash, redirect, render_template, request, url_for
from marshmallow import ValidationError

from services.chassis import permissions as can
from gateway.api import plain_id, rpc
from services import reference
from services.chassis.errors import Archived, CommandRejected, Conflict
from services.chassis.messages import message
from services.chassis.thai import day_end_utc
from services.chassis.validation import iso_day
from services.contracts.orgs import events as ev
from services.contracts.orgs.limits import FILTERS
from services.contracts.orgs.vocabulary import ORG_TYPES, STATUSES, STRENGTH_LEVELS

from . import HISTORY_PAGES, bp, current_user, diffs, orgform, page_number, require, text

PER_PAGE = 25
CODE_FILTERS = {"type": ORG_TYPES, "status": STATUSES, "strength": STRENGTH_LEVELS}
RECORD_FIELDS = (*diffs.ORDER, "version", "created_at", "updated_at")
ORG_TEXT = text.RecordText("orgs", labels={
    "name": "col_name", "name_en": "col_name_en", "type": "col_type", "province": "col_province",
    "district": "col_district", "subdistrict": "col_subdistrict", "village_no": "col_village_no",
    "address": "col_address", "founded_year": "col_founded_year", "members": "col_members",
    "areas": "col_areas", "contact_person": "col_contact_person", "source": "col_source", "center": "col_center",
    "status": "col_status", "strength_level": "col_strength_level", "strength_criteria": "web_strength_criteria",
    "strength_assessed_on": "web_strength_assessed_on", "strength_assessor": "web_strength_assessor",
    "verified_on": "col_verified_on", "verified_by": "web_verified_by", "merged_into": "web_merged_into",
    "version": "col_version", "created_at": "col_created_at", "updated_at": "col_updated_at", "id": "col_id",
}, years=("founded_year",), days=("strength_assessed_on", "verified_on"), counts=("members",))


HISTORY_PAGES[ev.SOURCE] = lambda stream: url_for("web.org_history", org_id=ev.org_id_of(stream)) \
    if stream.startswith("org-") else None


def render_page(template: str, **context):
    """An organization page: the template with the register's way of showing its fields."""
    return render_template(template, **ORG_TEXT.helpers(), **context)


def _query() -> tuple[dict, dict, dict]:
    """The list's filters as typed, as the service takes them, and problems by filter."""
    typed = {k: (request.args.get(k) or "").strip() for k in ("q", *FILTERS)}
    filters, problems = {}, {}
    for name, value in typed.items():
        if not value:
            continue
        if name in CODE_FILTERS and value not in CODE_FILTERS[name]:
            problems[name] = [message("not_one_of")[text.lang()]]
        elif name == "verified_since":
            try:
                filters[name] = iso_day(value)
            except ValidationError as error:
                problems[name] = [text.problem_text(error)]
        else:
            filters[name] = value
    return typed, filters, problems


@bp.get("/orgs", endpoint="orgs")
def org_list():
    require(can.READ_ORGS)
    typed, filters, problems = _query()
    page = page_number()
    result = {"items": [], "total": 0, "total_capped": False}
    if not problems:
        with rpc() as cluster:
            result = cluster.orgs.list(filters, page, PER_PAGE)
    pages = max(1, math.ceil(result["total"] / PER_PAGE))
    return render_page(
        "orgs/list.html", result=result, typed=typed, problems=problems, page=page, pages=pages,
        page_url=lambda n: url_for("web.orgs", **{k: v for k, v in typed.items() if v}, page=n),
        export_xlsx=url_for("org_spreadsheets.ExportXlsx", **filters),
        export_csv=url_for("org_spreadsheets.ExportCsv", **filters), **_choices(typed),
    )


def _choices(values: dict) -> dict:
    """The dropdowns' options, with the cascade filled for the values chosen so far (so the
    form works without the script)."""
    return {
        "provinces": text.province_options(), "districts": text.district_options(values.get("province")),
        "subdistricts": text.subdistrict_options(values.get("district")), "centers": text.center_options(),
        "types": ORG_TEXT.options("type"), "sources": ORG_TEXT.options("source"), "areas": ORG_TEXT.options("areas"),
        "statuses": ORG_TEXT.options("status"), "strengths": ORG_TEXT.options("strength"),
    }


def _flat(org: dict) -> dict:
    """A record from the register with strength and verification flattened, as history folds it."""
    flat = {k: v for k, v in org.items() if k not in ("strength", "verified")}
    for group in ("strength", "verified"):
        for key, value in (org.get(group) or {}).items():
            flat[f"{group}_{key}"] = value
    return flat


@bp.get("/orgs/<uuid:org_id>", endpoint="org")
def org_record(org_id):
    require(can.READ_ORGS)
    with rpc() as cluster:
        org = cluster.orgs.get(str(org_id))
    return render_page("orgs/record.html", org=org, flat=_flat(org), fields=RECORD_FIELDS)


def _form(template_values: dict, **context):
    return render_page("orgs/form.html", values=template_values, **_choices(template_values), **context)


def _refresh() -> bool:
    """The no-script "update the lists" button: re-show the form with the cascade filled."""
    return "_refresh" in request.form


@bp.route("/orgs/new", methods=["GET", "POST"], endpoint="org_new")
def org_new():
    user = current_user()
    can.require(user, can.CREATE_ORG, user.center)  # center staff: their own center; admins: any
    if request.method == "GET":
        own = reference.center(user.center) if user.center else None
        values = {"source": "survey", "areas": [], "province": own.province_code if own else ""}
        return _form(values, key=str(uuid.uuid4()), problems={})
    values, key = orgform.posted(request.form), plain_id(request.form.get("key"))
    if _refresh():
        return _form(values, key=key, problems={})
    try:
        payload = orgform.registration(values)
        can.require(user, can.CREATE_ORG, orgform.center_of(payload))
        with rpc() as cluster:
            org = cluster.orgs.register(payload, key=key)
    except CommandRejected as error:
        return _form(values, key=key, problems=orgform.problems(error, text.lang())), 422
    flash(text.t("web_saved"), "success")
    return redirect(url_for("web.org", org_id=org["id"]))


def _history(cluster, org_id: str) -> list[dict]:
    return cluster.orgs.history(org_id)


@bp.route("/orgs/<uuid:org_id>/edit", methods=["GET", "POST"], endpoint="org_edit")
def org_edit(org_id):
    user, org_id = current_user(), str(org_id)
    with rpc() as cluster:
        current = cluster.orgs.get(org_id)
    can.require(user, can.EDIT_ORG, current["center"])
    if request.method == "GET":
        return _form(orgform.shown(current, text.lang()), org=current, version=current["version"], problems={})
    values = orgform.posted(request.form)
    try:
        version = int(request.form.get("version", ""))
    except ValueError:  # no version: treat it as stale, so the user sees the current record first
        version = 0
    context = {"org": current, "version": version}
    if _refresh():
        return _form(values, problems={}, **context)
    with rpc() as cluster:
        loaded = diffs.at_version(_history(cluster, org_id), ev.stream_of(org_id), version) or _flat(current)
    try:
        changed, typed = orgform.changes(values, loaded)
        if any(k in changed for k in orgform.LOCATION):  # a move: the new center must be theirs too
            can.require(user, can.EDIT_ORG, orgform.center_of({**loaded, **typed}))
        if not changed:
            flash(text.t("web_nothing_changed"), "info")
            return redirect(url_for("web.org", org_id=org_id))
        with rpc() as cluster:
            cluster.orgs.amend(org_id, changed, version)
    except CommandRejected as error:
        return _form(values, problems=orgform.problems(error, text.lang()), **context), 422
    except Archived:
        return _form(values, problems={"_schema": [text.t("archived")]}, **context), 409
    except Conflict:
        with rpc() as cluster:
            now = cluster.orgs.get(org_id)
        rows, reapply = orgform.conflict(values, typed, set(changed), loaded, now, text.lang())
        return _form(reapply, problems={}, org=now, version=now["version"], conflict=rows), 409
    flash(text.t("web_saved"), "success")
    return redirect(url_for("web.org", org_id=org_id))


@bp.get("/orgs/<uuid:org_id>/history", endpoint="org_history")
def org_history(org_id):
    user, org_id = require(can.READ_ORGS), str(org_id)
    with rpc() as cluster:
        org = cluster.orgs.get(org_id)
        events = _history(cluster, org_id)
    steps = list(reversed(diffs.fold(events)))
    as_of_typed, as_of, as_of_problem = (request.args.get("as_of") or "").strip(), None, None
    if as_of_typed and can.allowed(user, can.AUDIT):
        try:
            day = iso_day(as_of_typed)
            as_of = {"day": day, "record": diffs.as_of(events, ev.stream_of(org_id), day_end_utc(day))}
        except ValidationError as error:
            as_of_problem = text.problem_text(error)
    return render_page("orgs/history.html", org=org, steps=steps, stream=ev.stream_of(org_id),
                           as_of=as_of, as_of_typed=as_of_typed, as_of_problem=as_of_problem,
                           fields=RECORD_FIELDS, event_label=text.event_label)
