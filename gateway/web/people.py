"""The people register's pages: the list, a person (as the people service shows them to the
signed-in user: masked where it masks), the register and correction forms (with the stale-edit
view) and the history with its diffs. Auditors see people masked until they state a reason,
which the service records with the read (break the glass). Organizations a person belongs to
are shown by name through the orgs service, never copied. The record's actions are
people_actions.py's; rights, erasure, requests and the record of processing people_rights.py's."""
from __future__ import annotations

import math
import uuid

from flask import flash, redirect, render_template, request, url_for

from services import reference
from services.chassis import permissions as can
from services.chassis.errors import CommandRejected, Conflict, NotFound
from services.chassis.messages import CATALOGUE, message
from services.chassis.validation import load
from services.contracts.people import events as ev
from services.contracts.people.limits import FILTERS
from services.contracts.people.schemas import ReadReason
from services.contracts.people.vocabulary import LANGUAGES, ROLES, SKILLS
from gateway.api import plain_id, rpc

from . import HISTORY_PAGES, bp, current_user, page_number, people_history, personform, require, text
from .actions import version_of

PER_PAGE = 25
CODE_FILTERS = {"role": ROLES, "skill": SKILLS, "language": LANGUAGES}
PLACE_FILTERS = {"center": reference.center, "province": reference.province, "district": reference.district,
                 "subdistrict": reference.subdistrict}
RECORD_FIELDS = ("given_name", "family_name", "name_en", "national_id", "phone", "email", "line_id", "address",
                 "birth_year", "notes", "province", "district", "subdistrict", "center", "skills", "languages",
                 "years_experience", "work_areas", "legal_basis", "consent", "status", "restricted", "version",
                 "created_at", "updated_at")
PERSON_TEXT = text.RecordText("people", labels={
    "given_name": "col_given_name", "family_name": "col_family_name", "name_en": "col_person_name_en",
    "national_id": "col_national_id", "phone": "col_phone", "email": "col_email", "line_id": "col_line_id",
    "address": "col_person_address", "birth_year": "col_birth_year", "notes": "col_notes", "province": "col_province",
    "district": "col_district", "subdistrict": "col_subdistrict", "center": "col_center", "skills": "col_skills",
    "languages": "col_languages", "years_experience": "col_years_experience", "work_areas": "web_person_work_areas",
    "legal_basis": "col_legal_basis", "consent": "col_consent", "consents": "web_person_consents",
    "roles": "col_roles", "trainings": "web_person_trainings", "orgs": "web_person_orgs", "status": "col_status",
    "restricted": "web_person_restricted", "merged_into": "web_person_merged_into", "version": "col_version",
    "created_at": "col_created_at", "updated_at": "col_updated_at", "id": "col_person_id",
}, years=("birth_year",), counts=("years_experience",), lists={
    "legal_basis": "legal_bases", "restricted": "restriction_grounds", "status": "statuses", "role": "roles",
    "role_in_org": "org_roles", "right": "rights", "channel": "request_channels", "outcome": "outcomes",
    "ground": "refusal_grounds", "purposes": "consent_purposes", "consent_channel": "consent_channels",
})
CONSENT_STATES = {"given": "web_consent_given", "withdrawn": "web_consent_withdrawn",
                  "not_needed": "web_consent_not_needed"}

HISTORY_PAGES[ev.SOURCE] = lambda stream: url_for("web.person_history", person_id=ev.person_id_of(stream)) \
    if ev.is_person(stream) else None


# ------------------------------------------------------------------------------ showing values

def masked(value) -> bool:
    """Whether the service masked this value (it writes • for what it hides)."""
    return isinstance(value, str) and "•" in value


def _place_of(code: str) -> str:
    kind = {2: "province", 4: "district", 6: "subdistrict"}.get(len(code))
    return text.place_name(kind, code) if kind else code


def show_value(org_names: dict, name: str, value) -> str:
    """A person's field as text: codes by their labels, places and centers by name, the phone
    the Thai way, organizations by the name the orgs register gives them (their id if unknown)."""
    if value is None or value == "" or value == []:
        return "—"
    if name == "phone":
        return personform.phone_shown(value)
    if name == "consent" and value in CONSENT_STATES:
        return text.t(CONSENT_STATES[value])
    if name == "work_areas":
        return ", ".join(_place_of(str(code)) for code in value)
    if name == "trainings":
        return ", ".join(str(t.get("name") if isinstance(t, dict) else t) for t in value)
    if name == "orgs":
        return ", ".join(f"{org_names.get(o[0]) or o[0]} ({PERSON_TEXT.code_label('org_roles', o[1])})"
                         for o in value)
    if name == "consents":
        return "; ".join(_consent_line(row) for row in value)
    if name == "merged_into" or name == "id":
        return str(value)
    return PERSON_TEXT.show(name, value)


def _consent_line(row) -> str:
    consent, given, withdrawn = row
    line = text.t("web_consent_line", consent=consent, day=text.day(given) if given else "—")
    return f"{line} ({text.t('web_consent_withdrawn_on', day=text.day(withdrawn))})" if withdrawn else line


def maybe_t(code: str, fallback: str) -> str:
    """The catalogue's text for a code made from a value (a read's `what`), else the value."""
    return text.t(code) if code in CATALOGUE else fallback


def person_name(person: dict) -> str:
    """The name a page shows for a person (masked if the service masked it)."""
    given = person.get("name") or " ".join(p for p in (person.get("given_name"), person.get("family_name")) if p)
    return given or str(person.get("id", ""))


def render_page(template: str, org_names: dict | None = None, **context):
    """A people page: the template with the register's way of showing its fields."""
    names = org_names or {}
    helpers = {**PERSON_TEXT.helpers(), "show": lambda name, value: show_value(names, name, value)}
    return render_template(
        template, **helpers,
        masked=masked, person_name=person_name, org_names=names, org_name=lambda org: names.get(org) or org,
        maybe_t=maybe_t, request_status=lambda status: text.t(f"web_request_status_{status}"),
        why_label=lambda why: text.t(f"web_duplicates_why_{why}"),
        allowed_somewhere=lambda action: can.allowed_somewhere(current_user(), action), **context)


def org_names(cluster, org_ids) -> dict[str, str | None]:
    """The names of organizations, read from the orgs register each time (never copied); an
    organization it does not know (or no longer has) has none, and is shown by its id."""
    names = {}
    for org in dict.fromkeys(str(o) for o in org_ids if o):
        try:
            names[org] = cluster.orgs.get(org)["name"]
        except NotFound:
            names[org] = None
    return names


# ------------------------------------------------------------------------------ the list

def _query() -> tuple[dict, dict, dict]:
    """The list's filters as typed, as the service takes them, and problems by filter."""
    typed = {k: (request.args.get(k) or "").strip() for k in ("q", *FILTERS)}
    filters, problems = {}, {}
    for name, value in typed.items():
        if not value:
            continue
        known = (name in CODE_FILTERS and value in CODE_FILTERS[name]) or \
            (name in PLACE_FILTERS and PLACE_FILTERS[name](value) is not None) or name in ("q", "training")
        if known:
            filters[name] = value[:200]
        else:
            problems[name] = [message("not_one_of")[text.lang()]]
    return typed, filters, problems


def choices(values: dict) -> dict:
    """The dropdowns' options, the cascade filled for the values chosen so far."""
    return {
        "provinces": text.province_options(), "districts": text.district_options(values.get("province")),
        "subdistricts": text.subdistrict_options(values.get("district")), "centers": text.center_options(),
        "roles": PERSON_TEXT.options("roles"), "skills": PERSON_TEXT.options("skills"),
        "languages": PERSON_TEXT.options("languages"), "legal_bases": PERSON_TEXT.options("legal_bases"),
        "purposes": PERSON_TEXT.options("consent_purposes"), "channels": PERSON_TEXT.options("consent_channels"),
    }


@bp.get("/people", endpoint="people")
def people_list():
    require(can.READ_PEOPLE)
    typed, filters, problems = _query()
    page = page_number()
    result = {"items": [], "total": 0, "total_capped": False}
    if not problems:
        with rpc() as cluster:
            result = cluster.people.list(filters, page, PER_PAGE)
    pages = max(1, math.ceil(result["total"] / PER_PAGE))
    return render_page(
        "people/list.html", result=result, typed=typed, problems=problems, page=page, pages=pages,
        page_url=lambda n: url_for("web.people", **{k: v for k, v in typed.items() if v}, page=n), **choices(typed))


# ------------------------------------------------------------------------------ a person

def read_reason() -> tuple[str | None, dict]:
    """The reason an auditor stated to see a person in full (a POST), and its problems."""
    if request.method != "POST":
        return None, {}
    try:
        return load(ReadReason(), {"reason": request.form.get("reason", "")})["reason"], {}
    except CommandRejected as error:
        return None, {"reason": [message(p["code"], **(p.get("params") or {}))[text.lang()] for p in error.problems]}


def record_context(cluster, person: dict) -> dict:
    """What the person's page shows beside the record: organizations by name, and the
    organizations found for the link form (`?org_q=`)."""
    org_q = (request.args.get("org_q") or "").strip()[:200]
    found = cluster.orgs.list({"q": org_q}, 1, 10)["items"] if org_q else []
    names = org_names(cluster, [o["org"] for o in person.get("orgs") or []])
    return {"org_names": names, "org_q": org_q, "orgs_found": found, **choices({})}


def render_record(person: dict, status: int = 200, **context):
    with rpc() as cluster:
        shown = record_context(cluster, person)
        survivor = _survivor(cluster, person)
    return render_page("people/record.html", person=person, fields=RECORD_FIELDS, survivor=survivor,
                       **shown, **context), status


def _survivor(cluster, person: dict) -> dict | None:
    if not person.get("merged_into"):
        return None
    try:
        return cluster.people.get(person["merged_into"])
    except NotFound:
        return None


@bp.route("/people/<uuid:person_id>", methods=["GET", "POST"], endpoint="person")
def person_record(person_id):
    require(can.READ_PEOPLE)
    reason, problems = read_reason()
    with rpc() as cluster:
        person = cluster.people.get(str(person_id), reason)
    return render_record(person, 422 if problems else 200, reason=reason, reason_problems=problems)


# ------------------------------------------------------------------------------ the forms

def _form(values: dict, **context):
    return render_page("people/form.html", values=values, **choices(values), **context)


def _refresh() -> bool:
    """The no-script "update the lists" button: re-show the form with the cascade filled."""
    return "_refresh" in request.form


@bp.route("/people/new", methods=["GET", "POST"], endpoint="person_new")
def person_new():
    user = current_user()
    can.require_somewhere(user, can.CREATE_PERSON)  # center staff: their own center; admins: any
    if request.method == "GET":
        own = reference.center(user.center) if user.center else None
        values = {"province": own.province_code if own else "", "legal_basis": "consent", "roles": [],
                  "skills": [], "languages": [], "work_areas": [], "consent_purposes": ["network_register"]}
        return _form(values, key=str(uuid.uuid4()), problems={})
    values, key = personform.posted(request.form), plain_id(request.form.get("key"))
    if _refresh():
        return _form(values, key=key, problems={})
    try:
        payload = personform.registration(values)
        can.require(user, can.CREATE_PERSON, personform.center_of(payload))
        with rpc() as cluster:
            person = cluster.people.register(payload, key=key)
    except CommandRejected as error:
        return _form(values, key=key, problems=personform.problems(error, text.lang())), 422
    flash(text.t("web_saved"), "success")
    return redirect(url_for("web.person", person_id=person["id"]))


@bp.route("/people/<uuid:person_id>/edit", methods=["GET", "POST"], endpoint="person_edit")
def person_edit(person_id):
    user, person_id = current_user(), str(person_id)
    can.require_somewhere(user, can.EDIT_PERSON)
    with rpc() as cluster:
        current = cluster.people.get(person_id)
    can.require(user, can.EDIT_PERSON, current["center"])
    if request.method == "GET":
        return _form(personform.shown(current, text.lang()), person=current, version=current["version"], problems={})
    values, version = personform.posted(request.form), version_of(request.form.get("version"))
    context = {"person": current, "version": version}
    if _refresh():
        return _form(values, problems={}, **context)
    with rpc() as cluster:
        loaded = people_history.at_version(cluster.people.history(person_id), person_id, version) or current
    typed: dict = {}
    try:
        changed, typed = personform.changes(values, loaded)
        if any(k in changed for k in ("province", "district", "subdistrict")):  # a move: the new center too
            can.require(user, can.EDIT_PERSON, personform.center_of({**loaded, **typed}))
        if not changed:
            flash(text.t("web_nothing_changed"), "info")
            return redirect(url_for("web.person", person_id=person_id))
        with rpc() as cluster:
            cluster.people.amend(person_id, changed, version, key=plain_id(request.form.get("key")))
    except CommandRejected as error:
        return _form(values, problems=personform.problems(error, text.lang()), **context), 422
    except Conflict:
        with rpc() as cluster:
            now = cluster.people.get(person_id)
        rows, reapply = personform.conflict(values, typed, set(changed), loaded, now, text.lang())
        return _form(reapply, problems={}, person=now, version=now["version"], conflict=rows), 409
    flash(text.t("web_saved"), "success")
    return redirect(url_for("web.person", person_id=person_id))


# ------------------------------------------------------------------------------ the history

@bp.route("/people/<uuid:person_id>/history", methods=["GET", "POST"], endpoint="person_history")
def person_history(person_id):
    require(can.READ_PEOPLE)
    reason, problems = read_reason()
    person_id = str(person_id)
    with rpc() as cluster:
        events = cluster.people.history(person_id, reason)
        try:
            person = cluster.people.get(person_id, reason)
        except NotFound:  # erased: the events stay, unreadable
            person = {"id": person_id, "status": "erased", "masked": True}
        steps = list(reversed(people_history.fold(events)))
        linked = {o[0] for step in steps for o in (step.after.get("orgs") or [])}
        names = org_names(cluster, linked)
    return render_page("people/history.html", org_names=names, person=person, steps=steps,
                       stream=ev.stream_of(person_id), event_label=text.event_label, reason=reason,
                       reason_problems=problems), 422 if problems else 200
