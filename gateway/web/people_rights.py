"""The rights of the people the register holds (PDPA s.30-36), as pages: everything held about
one person (s.30 access, s.31 portability: a readable page and the same answer as JSON),
erasure (s.33, central admins only, after a page that says what it does), the data-subject
requests with their 30-day clocks, and the record of processing (s.39), generated from the
register's data catalogue (services/contracts/people/catalogue.py)."""
from __future__ import annotations

import math
import uuid

from flask import Response, flash, json, redirect, render_template, request, url_for

from services.chassis import permissions as can
from services.chassis.errors import CommandRejected, Conflict, NotFound
from services.chassis.thai import common_era_date_text
from services.chassis.validation import load
from services.contracts.people import catalogue
from services.contracts.people.limits import REQUEST_DAYS
from services.contracts.people.schemas import RequestOutcome, RequestReceipt
from gateway.api import plain_id, rpc

from . import bp, current_user, page_number, people_history, require, text
from .actions import said, version_of
from .people import PERSON_TEXT, org_names, render_page

REQUESTS_PER_PAGE = 50
REQUEST_STATUSES = ("open", "done", "refused")


def _person_for_rights(person_id: str, action: str) -> dict:
    """The person, once the user may `action` at their center (asked first: the service decides again)."""
    user = current_user()
    can.require_somewhere(user, action)
    with rpc() as cluster:
        person = cluster.people.get(person_id)
    can.require(user, action, person["center"])
    return person


# ------------------------------------------------------------------------------ access (s.30, s.31)

@bp.get("/people/<uuid:person_id>/everything", endpoint="person_everything")
def person_everything(person_id):
    """Everything held about one person, as a page they can read (s.30)."""
    person_id = str(person_id)
    can.require_somewhere(current_user(), can.HANDLE_REQUESTS)  # the service decides for the person's center
    with rpc() as cluster:
        held = cluster.people.everything(person_id)
        names = org_names(cluster, [o["org"] for o in held["person"].get("orgs") or []])
    steps = list(reversed(people_history.fold(held["history"])))
    return render_page("people/everything.html", org_names=names, held=held, person=held["person"], steps=steps,
                       event_label=text.event_label)


@bp.get("/people/<uuid:person_id>/everything.json", endpoint="person_everything_json")
def person_everything_json(person_id):
    """The same answer as JSON, to give the person a copy or move it elsewhere (s.31)."""
    person_id = str(person_id)
    can.require_somewhere(current_user(), can.HANDLE_REQUESTS)
    with rpc() as cluster:
        held = cluster.people.everything(person_id)
    body = json.dumps(held, ensure_ascii=False, indent=2, sort_keys=True)
    return Response(body, mimetype="application/json", headers={
        "Content-Disposition": f'attachment; filename="person-{person_id}.json"', "Cache-Control": "no-store"})


# ------------------------------------------------------------------------------ erasure (s.33)

def _open_requests_of(cluster, person: dict, right: str | None = None) -> list[dict]:
    """The person's open requests (of one right), for the forms that answer them."""
    found = cluster.people.requests({"status": "open", "center": person["center"]}, 1, 500)["items"]
    return [r for r in found if r["person"] == person["id"] and (right is None or r["right"] == right)]


@bp.route("/people/<uuid:person_id>/erase", methods=["GET", "POST"], endpoint="person_erase")
def person_erase(person_id):
    """Erase a person: a page that says what erasure does, then the `erase` command."""
    person_id = str(person_id)
    require(can.ERASE_PERSON)
    with rpc() as cluster:
        person = cluster.people.get(person_id)
        asked = _open_requests_of(cluster, person, "erasure")
    if request.method == "GET":
        return render_page("people/erase.html", person=person, asked=asked, problems={})
    chosen = request.form.get("request") or None
    if chosen not in {r["id"] for r in asked}:
        chosen = None
    if request.form.get("confirm") != "yes":
        return render_page("people/erase.html", person=person, asked=asked,
                           problems={"confirm": [text.t("web_erase_confirm_needed")]}), 422
    try:
        with rpc() as cluster:
            cluster.people.erase([person_id], {"request": chosen}, key=plain_id(request.form.get("key")))
    except CommandRejected as error:
        return render_page("people/erase.html", person=person, asked=asked,
                           problems={"_schema": [said(p) for p in error.problems]}), 422
    flash(text.t("web_erased_done"), "success")
    return redirect(url_for("web.data_requests") if chosen else url_for("web.people"))


# ------------------------------------------------------------------------------ requests (s.30-36)

def _request_filters(user: can.User) -> tuple[dict, dict]:
    typed = {"status": request.args.get("status") or "open", "center": (request.args.get("center") or "").strip()}
    if typed["status"] not in REQUEST_STATUSES:
        typed["status"] = "open"
    filters = {"status": typed["status"]}
    if typed["center"] and can.allowed(user, can.HANDLE_REQUESTS):  # central admins choose a center
        filters["center"] = typed["center"]
    return typed, filters


def _names_of(cluster, person_ids: list[str]) -> dict[str, str]:
    """The names of the people requests are about, where the register may list them."""
    return cluster.people.names(sorted(set(person_ids))) if person_ids else {}


def _requests_page(status: int = 200, problem: dict | None = None):
    user = current_user()
    can.require_somewhere(user, can.HANDLE_REQUESTS)
    typed, filters = _request_filters(user)
    page = page_number()
    with rpc() as cluster:
        result = cluster.people.requests(filters, page, REQUESTS_PER_PAGE)
        names = _names_of(cluster, [r["person"] for r in result["items"]])
    pages = max(1, math.ceil(result["total"] / REQUESTS_PER_PAGE))
    return render_page(
        "people/requests.html", result=result, names=names, typed=typed, page=page, pages=pages,
        page_url=lambda n: url_for("web.data_requests", **{k: v for k, v in typed.items() if v}, page=n),
        statuses=[(s, text.t(f"web_request_status_{s}")) for s in REQUEST_STATUSES], centers=text.center_options(),
        outcomes=PERSON_TEXT.options("outcomes"), grounds=PERSON_TEXT.options("refusal_grounds"),
        problem=problem or {}, choose_center=can.allowed(user, can.HANDLE_REQUESTS),
    ), status


@bp.get("/people/requests", endpoint="data_requests")
def data_requests():
    return _requests_page()


def _receipt_form(person: dict | None, values: dict, problems: dict, status: int = 200):
    return render_page("people/request_form.html", person=person, values=values, problems=problems,
                       rights=PERSON_TEXT.options("rights"), channels=PERSON_TEXT.options("request_channels"),
                       key=values.get("key") or str(uuid.uuid4()), days=REQUEST_DAYS), status


RECEIPT_INPUTS = ("person", "right", "channel", "received_on", "note", "key")


@bp.route("/people/requests/new", methods=["GET", "POST"], endpoint="data_request_new")
def data_request_new():
    """Record a request the person made (the clock starts on the day it was received)."""
    source = request.form if request.method == "POST" else request.args
    values = {name: (source.get(name) or "").strip() for name in RECEIPT_INPUTS}
    try:
        person_id = str(uuid.UUID(values["person"]))
    except ValueError:
        raise NotFound("person") from None
    person = _person_for_rights(person_id, can.HANDLE_REQUESTS)
    if request.method == "GET":
        return _receipt_form(person, values, {})
    payload = {k: values[k] for k in ("person", "right", "channel", "note") if values[k]}
    payload["person"] = person_id
    if values["received_on"]:
        payload["received_on"] = common_era_date_text(values["received_on"])
    try:
        load(RequestReceipt(), payload)
        with rpc() as cluster:
            cluster.people.receive_request(payload, key=plain_id(values["key"]))
    except CommandRejected as error:
        problems: dict[str, list[str]] = {}
        for p in error.problems:
            problems.setdefault(p["field"] if p["field"] in RECEIPT_INPUTS else "_schema", []).append(said(p))
        return _receipt_form(person, values, problems, 422)
    flash(text.t("web_request_received_done"), "success")
    return redirect(url_for("web.data_requests"))


@bp.post("/people/requests/<uuid:request_id>/handle", endpoint="data_request_handle")
def data_request_handle(request_id):
    """Done, or refused with its ground: who handled it and when are the service's record."""
    require_any = current_user()
    can.require_somewhere(require_any, can.HANDLE_REQUESTS)
    request_id = str(request_id)
    values = {name: (request.form.get(name) or "").strip() for name in ("outcome", "ground", "note")}
    payload = {k: v for k, v in values.items() if v}
    try:
        load(RequestOutcome(), payload)
        with rpc() as cluster:
            cluster.people.handle_request(request_id, payload, version_of(request.form.get("version")), key=plain_id(request.form.get("key")))
    except CommandRejected as error:
        problems: dict[str, list[str]] = {}
        for p in error.problems:
            problems.setdefault(p["field"] if p["field"] in values else "_schema", []).append(said(p))
        return _requests_page(422, {"id": request_id, "problems": problems, "values": values})
    except Conflict:
        return _requests_page(409, {"id": request_id, "problems": {"_schema": [text.t("web_request_conflict")]},
                                    "values": values})
    flash(text.t("web_request_handled_done"), "success")
    return redirect(url_for("web.data_requests"))


# ------------------------------------------------------------------------------ record of processing (s.39)

@bp.get("/privacy/processing", endpoint="processing")
def processing():
    """The record of processing, generated from the data catalogue: no personal value in it,
    so anyone may read it."""
    return render_template("people/processing.html", catalogue=catalogue, code_label=PERSON_TEXT.code_label,
                           said=lambda kind, key: text.t(f"processing_{kind}_{key}"), days=REQUEST_DAYS)
