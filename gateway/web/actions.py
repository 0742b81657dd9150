"""What a center does to a record besides editing it: mark it verified, assess its strength,
archive or restore it, undo a merge (small forms on the record page); and the duplicates page,
where similar organizations of one subdistrict are merged into the one kept.

Each form posts the record's version: the orgs service refuses a stale one, and the page then
shows what changed since it was opened. Problems are shown next to their field."""
from __future__ import annotations

import math
import uuid
from dataclasses import dataclass
from typing import Callable

from flask import flash, redirect, request, url_for

from services.chassis import permissions as can
from gateway.api import plain_id, rpc
from services import reference
from services.chassis.errors import Archived, CommandRejected, Conflict, NotFound
from services.chassis.messages import message
from services.chassis.validation import load
from services.contracts.orgs import events as ev
from services.contracts.orgs.schemas import Reason, StrengthAssessment, Verification

from . import bp, diffs, page_number, require, text
from .orgs import RECORD_FIELDS, _flat, render_page

DUPLICATES_PER_PAGE = 20
DUPLICATE_FILTERS = ("center", "province")
_verification, _assessment, _reason = Verification(), StrengthAssessment(), Reason()


def _iso(values: dict) -> dict:
    """Checked values as JSON: dates as ISO text."""
    return {k: v.isoformat() if hasattr(v, "isoformat") else v for k, v in values.items()}


def _given(**values) -> dict:
    """The values the user filled in (a blank input is left to the service's default)."""
    return {k: v for k, v in values.items() if v not in ("", None)}


@dataclass(frozen=True)
class Action:
    """One form of the record page: its payload checked with the service's schema (raises
    CommandRejected), the RPC call, and the flash message once done."""

    payload: Callable[[dict], dict]
    call: Callable  # (orgs, org_id, payload, version, key) -> the record
    done: str
    fields: dict  # the service's field -> the form's input


ACTIONS = {
    "verify": Action(
        lambda v: _iso(load(_verification, _given(on=v["verified_on"]))),
        lambda orgs, i, p, version, key: orgs.confirm_current(i, p, version, key=key),
        "web_verified_done", {"on": "verified_on"}),
    "assess": Action(
        lambda v: _iso(load(_assessment, _given(**{k: v[k] for k in ("level", "criteria", "assessed_on")}))),
        lambda orgs, i, p, version, key: orgs.assess(i, p, version, key=key),
        "web_assessed_done", {"level": "level", "criteria": "criteria", "assessed_on": "assessed_on"}),
    "archive": Action(
        lambda v: load(_reason, {"reason": v["reason"] or None}),
        lambda orgs, i, p, version, key: orgs.archive(i, version, p["reason"], key=key),
        "web_archived_done", {"reason": "reason"}),
    "restore": Action(
        lambda v: load(_reason, {"reason": v["reason"] or None}),
        lambda orgs, i, p, version, key: orgs.restore(i, version, p["reason"], key=key),
        "web_restored_done", {"reason": "reason"}),
    "unmerge": Action(
        lambda v: {},
        lambda orgs, i, p, version, key: orgs.unmerge(i, version, key=key),
        "web_unmerged_done", {}),
}


def _posted(form) -> dict:
    values = {name: (form.get(name) or "").strip() for name in ("verified_on", "level", "assessed_on", "reason")}
    values["criteria"] = [code for code in form.getlist("criteria") if code]
    return values


def version_of(value) -> int:
    """The version the page was loaded with; none or garbage is treated as stale (0)."""
    try:
        return int(value or "")
    except ValueError:
        return 0


def said(problem: dict) -> str:
    return message(problem["code"], **(problem.get("params") or {}))[text.lang()]


def _problems(error: CommandRejected, fields: dict) -> dict[str, list[str]]:
    """The service's problems by form input ("criteria.0" at "criteria"; others above the form)."""
    out: dict[str, list[str]] = {}
    for problem in error.problems:
        out.setdefault(fields.get(problem["field"].split(".")[0], "_schema"), []).append(said(problem))
    return out


def _record(org: dict, status: int, **context):
    return render_page("orgs/record.html", org=org, flat=_flat(org), fields=RECORD_FIELDS, **context), status


def _require_edit(user: can.User, *orgs: dict) -> None:
    for org in orgs:
        can.require(user, can.EDIT_ORG, org["center"])


@bp.post("/orgs/<uuid:org_id>/<any(verify, assess, archive, restore, unmerge):action>", endpoint="org_action")
def org_action(org_id, action):
    user, org_id, spec = require(can.READ_ORGS), str(org_id), ACTIONS[action]
    with rpc() as cluster:
        org = cluster.orgs.get(org_id)
        survivor = _survivor(cluster, org) if action == "unmerge" else None
    _require_edit(user, org, *([survivor] if survivor else []))  # an unmerge changes the survivor too
    values, version = _posted(request.form), version_of(request.form.get("version"))
    key = plain_id(request.form.get("key"))  # a form sent twice acts once
    shown = {"posted_action": action, "action_values": values}
    try:
        payload = spec.payload(values)
        with rpc() as cluster:
            spec.call(cluster.orgs, org_id, payload, version, key)
    except CommandRejected as error:
        return _record(org, 422, action_problems=_problems(error, spec.fields), **shown)
    except Archived:
        return _record(org, 409, action_problems={"_schema": [text.t("archived")]}, **shown)
    except Conflict:
        return _stale(org_id, version)
    flash(text.t(spec.done), "success")
    return redirect(url_for("web.org", org_id=org_id))


def _stale(org_id: str, version: int):
    """Someone changed the record after the page was opened: what changed, and the current
    record with fresh forms; nothing was done."""
    with rpc() as cluster:
        now = cluster.orgs.get(org_id)
        events = cluster.orgs.history(org_id)
    loaded = diffs.at_version(events, ev.stream_of(org_id), version) or {}
    changed = [c for c in diffs.changes(loaded, _flat(now)) if c.field in diffs.ORDER]
    return _record(now, 409, stale={"version": now["version"], "changes": changed})


def _survivor(cluster, org: dict) -> dict | None:
    if not org.get("merged_into"):
        return None
    try:
        return cluster.orgs.get(org["merged_into"])
    except NotFound:
        return None


@bp.app_context_processor
def _helpers():
    """For the record page's forms: a fresh idempotency key, code lists, the survivor of a merge."""
    def survivor_of(org: dict) -> dict | None:
        with rpc() as cluster:
            return _survivor(cluster, org)

    return {"new_key": lambda: str(uuid.uuid4()), "survivor_of": survivor_of}


# ------------------------------------------------------------------------------ duplicates

def _duplicate_filters() -> tuple[dict, dict, dict]:
    """The duplicates page's filters as typed, as the service takes them, and their problems."""
    typed = {k: (request.values.get(k) or "").strip() for k in DUPLICATE_FILTERS}
    known = {"center": reference.center, "province": reference.province}
    filters, problems = {}, {}
    for name, value in typed.items():
        if value and known[name](value) is None:
            problems[name] = [message("not_one_of")[text.lang()]]
        elif value:
            filters[name] = value
    return typed, filters, problems


def _places_of(subdistrict: str) -> dict:
    """A subdistrict's location: its code begins with its district's, which begins with its province's."""
    return {"province": subdistrict[:2], "district": subdistrict[:4], "subdistrict": subdistrict}


def _duplicates_page(user: can.User, status: int = 200, problem: dict | None = None):
    """The groups of possible duplicates; `problem` ({"ids", "text"}) is shown at the group
    holding those records (or above the list when the group is gone)."""
    typed, filters, problems = _duplicate_filters()
    page = page_number(request.values)
    result = {"groups": [], "total": 0}
    if not problems:
        with rpc() as cluster:
            result = cluster.orgs.duplicates(filters, page, DUPLICATES_PER_PAGE)
    groups, placed = [], False
    for group in result["groups"]:
        places = _places_of(group["subdistrict"])
        center = reference.center_of(places)
        here = bool(problem and problem["ids"] & {o["id"] for o in group["orgs"]})
        placed = placed or here
        groups.append({**group, "center": center, "mergeable": can.allowed(user, can.EDIT_ORG, center),
                       "problem": problem["text"] if here else None,
                       **places})
    pages = max(1, math.ceil(result["total"] / DUPLICATES_PER_PAGE))
    return render_page(
        "orgs/duplicates.html", groups=groups, total=result["total"], typed=typed, problems=problems, page=page,
        pages=pages, filters=filters, unplaced=problem["text"] if problem and not placed else None,
        page_url=lambda n: url_for("web.org_duplicates", **filters, page=n),
        centers=text.center_options(), provinces=text.province_options(),
    ), status


@bp.get("/orgs/duplicates", endpoint="org_duplicates")
def org_duplicates():
    return _duplicates_page(require(can.READ_ORGS))


def posted_ids(values: list[str]) -> list[str]:
    """Record ids as posted, each once, in order (anything that is not an id is dropped)."""
    out = []
    for value in values:
        try:
            out.append(str(uuid.UUID(value)))
        except (ValueError, AttributeError):
            continue
    return list(dict.fromkeys(out))


@bp.post("/orgs/duplicates/merge", endpoint="org_merge")
def org_merge():
    """Merge the chosen records of a group into the one kept, one after another, each with the
    version the page showed; allowed when the user may edit every record involved."""
    user = require(can.READ_ORGS)
    survivor_id = next(iter(posted_ids([request.form.get("survivor", "")])), None)
    chosen = [i for i in posted_ids(request.form.getlist("merge")) if i != survivor_id]
    if not survivor_id or not chosen:
        ids = set(posted_ids(request.form.getlist("group")))
        return _duplicates_page(user, 422, {"ids": ids, "text": [text.t("web_merge_choose")]})
    with rpc() as cluster:
        records = {i: cluster.orgs.get(i) for i in (survivor_id, *chosen)}
    _require_edit(user, *records.values())
    key, shown = plain_id(request.form.get("key")), lambda i: version_of(request.form.get(f"version-{i}"))
    version, merged, problem = shown(survivor_id), [], None
    try:
        with rpc() as cluster:
            for duplicate in chosen:  # the survivor's version moves on with each merge
                payload = {"duplicate": duplicate, "duplicate_version": shown(duplicate)}
                version = cluster.orgs.merge(survivor_id, payload, version, key=f"{key}:{duplicate}")["version"]
                merged.append(duplicate)
    except CommandRejected as error:
        problem, status = [said(p) for p in error.problems], 422
    except Conflict:
        problem, status = [text.t("web_merge_conflict")], 409
    name = records[survivor_id]["name"]
    if merged:
        flash(text.t("web_merged_done", count=len(merged), name=name), "success")
    if problem:
        return _duplicates_page(user, status, {"ids": {survivor_id, *chosen}, "text": problem})
    return redirect(url_for("web.org_duplicates", **_duplicate_filters()[1]))
