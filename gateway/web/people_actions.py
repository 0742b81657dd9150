"""What a center does to a person besides correcting them: start and end roles, record
trainings and consents, withdraw a consent, link and unlink organizations, restrict and lift
a restriction, undo a merge (small forms on the person's page); and the duplicates page, where
people who may be one (the same national ID or phone, or a similar name in one subdistrict)
are merged into the one kept.

Each form posts the person's version and an idempotency key: the people service refuses a
stale version, and the page then shows what changed since it was opened. Problems are shown
next to their input. Permissions are the service's; the page asks first for a friendly answer."""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable

from flask import flash, redirect, request, url_for

from services import reference
from services.chassis import permissions as can
from services.chassis.errors import CommandRejected, Conflict
from services.chassis.messages import message
from services.chassis.thai import common_era_date_text
from services.chassis.validation import load
from services.contracts.people.limits import DUPLICATE_FILTERS
from services.contracts.people.schemas import (
    Consent, ConsentWithdrawal, OrgLink, Restriction, RoleEnd, RoleStart, Training,
)
from gateway.api import plain_id, rpc

from . import bp, page_number, people_history, personform, require, text
from .actions import posted_ids, said, version_of
from .people import render_page, render_record

DUPLICATES_PER_PAGE = 20
INPUTS = ("role", "province", "district", "subdistrict", "started_on", "end_role", "ended_on", "training_name",
          "training_on", "training_organizer", "training_certificate", "withdraw_consent", "withdrawn_on", "org",
          "role_in_org", "ground")


def _given(values: dict, names: dict) -> dict:
    """The service's payload from the form's inputs (`names`: the service's field -> the
    input); a blank input is left to the service's default."""
    return {field: values[name] for field, name in names.items() if values.get(name) not in ("", None, [])}


def _checked(schema, payload: dict) -> dict:
    load(schema, payload)  # raises CommandRejected: the page answers before a round trip
    return payload


@dataclass(frozen=True)
class Action:
    """One form of the person's page: its payload checked with the service's schema, the RPC
    call, the flash message once done, and the service's field -> the form's input."""

    payload: Callable[[dict], dict]
    call: Callable  # (people, person_id, payload, version, key) -> the person
    done: str
    fields: dict
    action: str = can.EDIT_PERSON  # what the page asks of the user at the person's center first


def _payload(schema, fields: dict) -> Callable[[dict], dict]:
    return lambda values: _checked(schema, _given(values, fields))


ROLE_FIELDS = {"role": "role", "province": "province", "district": "district", "subdistrict": "subdistrict",
               "started_on": "started_on"}
TRAINING_FIELDS = {"name": "training_name", "on": "training_on", "organizer": "training_organizer",
                   "certificate": "training_certificate"}
CONSENT_FIELDS = {name: f"consent_{name}" for name in ("purposes", *personform.CONSENT_TEXT)}

ACTIONS = {
    "start_role": Action(_payload(RoleStart(), ROLE_FIELDS),
                         lambda people, i, p, v, key: people.start_role(i, p, v, key=key), "web_role_started_done",
                         ROLE_FIELDS),
    "end_role": Action(_payload(RoleEnd(), {"role": "end_role", "ended_on": "ended_on"}),
                       lambda people, i, p, v, key: people.end_role(i, p, v, key=key), "web_role_ended_done",
                       {"role": "end_role", "ended_on": "ended_on"}),
    "training": Action(_payload(Training(), TRAINING_FIELDS),
                       lambda people, i, p, v, key: people.record_training(i, p, v, key=key), "web_training_done",
                       TRAINING_FIELDS),
    "consent": Action(lambda values: _checked(Consent(), personform.consent_of(values) or {}),
                      lambda people, i, p, v, key: people.record_consent(i, p, v, key=key), "web_consent_done",
                      CONSENT_FIELDS),
    "withdraw": Action(_payload(ConsentWithdrawal(), {"consent": "withdraw_consent", "on": "withdrawn_on"}),
                       lambda people, i, p, v, key: people.withdraw_consent(i, p, v, key=key), "web_withdrawn_done",
                       {"consent": "withdraw_consent", "on": "withdrawn_on"}),
    "link": Action(_payload(OrgLink(), {"org": "org", "role_in_org": "role_in_org"}),
                   lambda people, i, p, v, key: people.link_org(i, p, v, key=key), "web_org_linked_done",
                   {"org": "org", "role_in_org": "role_in_org"}),
    "unlink": Action(_payload(OrgLink(), {"org": "org"}),
                     lambda people, i, p, v, key: people.unlink_org(i, p["org"], v, key=key), "web_org_unlinked_done",
                     {"org": "org"}),
    "restrict": Action(_payload(Restriction(), {"ground": "ground"}),
                       lambda people, i, p, v, key: people.restrict(i, p, v, key=key), "web_restricted_done",
                       {"ground": "ground"}, can.HANDLE_REQUESTS),
    "lift": Action(lambda values: {}, lambda people, i, p, v, key: people.lift_restriction(i, v, key=key),
                   "web_lifted_done", {}, can.HANDLE_REQUESTS),
    "unmerge": Action(lambda values: {}, lambda people, i, p, v, key: people.unmerge(i, v, key=key),
                      "web_unmerged_done", {}),
}


def _posted(form) -> dict:
    values = {name: (form.get(name) or "").strip() for name in INPUTS}
    values.update({f"consent_{n}": (form.get(f"consent_{n}") or "").strip() for n in personform.CONSENT_TEXT})
    values["consent_purposes"] = [v for v in form.getlist("consent_purposes") if v]
    for name in ("started_on", "ended_on", "training_on", "withdrawn_on"):
        if values[name]:
            values[name] = common_era_date_text(values[name])
    return values


def _problems(error: CommandRejected, fields: dict) -> dict[str, list[str]]:
    """The service's problems by form input ("consent.0" at its input; others above the form)."""
    out: dict[str, list[str]] = {}
    for problem in error.problems:
        out.setdefault(fields.get(problem["field"].split(".")[0], "_schema"), []).append(said(problem))
    return out


@bp.post("/people/<uuid:person_id>/<any(start_role, end_role, training, consent, withdraw, link, unlink, restrict, "
         "lift, unmerge):action>", endpoint="person_action")
def person_action(person_id, action):
    """One action on a person. The page asks only whether the user may act somewhere: the
    service decides for the person's (or the role's) center, without a read of the person
    first (a read would be a full read, recorded, for nothing)."""
    user, person_id, spec = require(can.READ_PEOPLE), str(person_id), ACTIONS[action]
    can.require_somewhere(user, spec.action)
    values, version = _posted(request.form), version_of(request.form.get("version"))
    key = plain_id(request.form.get("key"))  # a form sent twice acts once
    shown = {"posted_action": action, "action_values": values}
    try:
        payload = spec.payload(values)
        with rpc() as cluster:
            spec.call(cluster.people, person_id, payload, version, key)
    except CommandRejected as error:
        with rpc() as cluster:
            person = cluster.people.get(person_id)
        return render_record(person, 422, action_problems=_problems(error, spec.fields), **shown)
    except Conflict:
        return _stale(person_id, version)
    flash(text.t(spec.done), "success")
    return redirect(url_for("web.person", person_id=person_id))


def _stale(person_id: str, version: int):
    """Someone changed the person after the page was opened: what changed, and the current
    record with fresh forms; nothing was done."""
    with rpc() as cluster:
        now = cluster.people.get(person_id)
        events = cluster.people.history(person_id)
    changed = people_history.changed_since(events, person_id, version, now)
    return render_record(now, 409, stale={"version": now["version"], "changes": changed})


# ------------------------------------------------------------------------------ duplicates

def _duplicate_filters() -> tuple[dict, dict, dict]:
    typed = {k: (request.values.get(k) or "").strip() for k in DUPLICATE_FILTERS}
    known = {"center": reference.center, "province": reference.province, "district": reference.district,
             "subdistrict": reference.subdistrict}
    filters, problems = {}, {}
    for name, value in typed.items():
        if value and known[name](value) is None:
            problems[name] = [message("not_one_of")[text.lang()]]
        elif value:
            filters[name] = value
    return typed, filters, problems


def _duplicates_page(user: can.User, status: int = 200, problem: dict | None = None):
    """The groups of people who may be one, each with why; `problem` ({"ids", "text"}) is shown
    at the group holding those people (or above the list when the group is gone)."""
    typed, filters, problems = _duplicate_filters()
    page = page_number(request.values)
    result = {"groups": [], "total": 0}
    if not problems:
        with rpc() as cluster:
            result = cluster.people.duplicates(filters, page, DUPLICATES_PER_PAGE)
    groups, placed = [], False
    for group in result["groups"]:
        members = group["people"]
        here = bool(problem and problem["ids"] & {p["id"] for p in members})
        placed = placed or here
        groups.append({**group, "problem": problem["text"] if here else None,
                       "mergeable": all(can.allowed(user, can.EDIT_PERSON, p["center"]) for p in members)})
    pages = max(1, math.ceil(result["total"] / DUPLICATES_PER_PAGE))
    return render_page(
        "people/duplicates.html", groups=groups, total=result["total"], typed=typed, problems=problems, page=page,
        pages=pages, filters=filters, unplaced=problem["text"] if problem and not placed else None,
        page_url=lambda n: url_for("web.people_duplicates", **filters, page=n),
        centers=text.center_options(), provinces=text.province_options(),
        districts=text.district_options(typed.get("province")),
        subdistricts=text.subdistrict_options(typed.get("district")),
    ), status


@bp.get("/people/duplicates", endpoint="people_duplicates")
def people_duplicates():
    return _duplicates_page(require(can.READ_PEOPLE))


@bp.post("/people/duplicates/merge", endpoint="people_merge")
def people_merge():
    """Merge the chosen people of a group into the one kept, one after another, each with the
    version the page showed; allowed when the user may edit every person involved."""
    user = require(can.READ_PEOPLE)
    can.require_somewhere(user, can.EDIT_PERSON)
    survivor_id = next(iter(posted_ids([request.form.get("survivor", "")])), None)
    chosen = [i for i in posted_ids(request.form.getlist("merge")) if i != survivor_id]
    if not survivor_id or not chosen:
        ids = set(posted_ids(request.form.getlist("group")))
        return _duplicates_page(user, 422, {"ids": ids, "text": [text.t("web_person_merge_choose")]})
    with rpc() as cluster:
        records = {i: cluster.people.get(i) for i in (survivor_id, *chosen)}
    for record in records.values():
        can.require(user, can.EDIT_PERSON, record["center"])
    key = plain_id(request.form.get("key"))
    shown = lambda i: version_of(request.form.get(f"version-{i}"))  # noqa: E731
    version, merged, problem, status = shown(survivor_id), [], None, 200
    try:
        with rpc() as cluster:
            for duplicate in chosen:  # the survivor's version moves on with each merge
                payload = {"duplicate": duplicate, "duplicate_version": shown(duplicate)}
                version = cluster.people.merge(survivor_id, payload, version, key=f"{key}:{duplicate}")["version"]
                merged.append(duplicate)
    except CommandRejected as error:
        problem, status = [said(p) for p in error.problems], 422
    except Conflict:
        problem, status = [text.t("web_person_merge_conflict")], 409
    if merged:
        flash(text.t("web_person_merged_done", count=len(merged)), "success")
    if problem:
        return _duplicates_page(user, status, {"ids": {survivor_id, *chosen}, "text": problem})
    return redirect(url_for("web.people_duplicates", **_duplicate_filters()[1]))
