"""/api/v1/people: the people register (personal data, PDPA B.E. 2562).

Every answer is the person as the people service shows them to the caller: masked where it
masks (`masked`), and a full view recorded by the service. The gateway asks only whether the
caller may act somewhere before a command; the service decides for the person's (or a role's)
center, without the gateway reading the person first (a read is a full read, and recorded)."""
from __future__ import annotations

from flask import request, url_for
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from gateway.auth import current_user
from services.chassis import permissions as can
from services.chassis.validation import Text, between, max_length
from services.contracts.people.limits import COUNT_CAP, ERASE_MAX, FILTERS
from services.contracts.people.schemas import (
    Consent, ConsentWithdrawal, Merge, OrgLink, Person, PersonChanges, PersonRegistration, RequestOutcome,
    RequestReceipt, Restriction, RoleEnd, RoleStart, Training,
)
from services.contracts.people.vocabulary import LANGUAGES, ROLES, SKILLS

from . import IF_MATCH, PAGE_MAX, HistoryEvent, command_key, require, require_write, rpc
from .etags import expected_version, with_etag

blp = Blueprint("people", __name__, description="บุคคลในเครือข่าย — the network's people (personal data)")
REQUEST_STATUSES = ("open", "done", "refused")


class PersonFilters(Schema):
    q = Text(validate=max_length(200), metadata={"description": "part of the name, Thai or English"})
    center = Text(validate=max_length(8))
    province = Text(validate=max_length(2))
    district = Text(validate=max_length(4))
    subdistrict = Text(validate=max_length(6))
    role = fields.String(validate=validate.OneOf(list(ROLES)))
    skill = fields.String(validate=validate.OneOf(list(SKILLS)))
    language = fields.String(validate=validate.OneOf(list(LANGUAGES)))
    training = Text(validate=max_length(200), metadata={"description": "part of a training's name"})


class PersonQuery(PersonFilters):
    page = fields.Integer(load_default=1, validate=between(1, PAGE_MAX))
    per_page = fields.Integer(load_default=50, validate=between(1, 500))


class ListedPerson(Schema):
    """A search result: who and where, roles and skills; never a contact."""

    id = fields.String()
    version = fields.Integer()
    name = fields.String(metadata={"description": "masked for auditors"})
    name_en = fields.String(allow_none=True)
    center = fields.String()
    province = fields.String()
    district = fields.String(allow_none=True)
    subdistrict = fields.String(allow_none=True)
    roles = fields.List(fields.String())
    skills = fields.List(fields.String())
    languages = fields.List(fields.String())
    consent = fields.String()
    updated_at = fields.String()


class PersonPage(Schema):
    items = fields.List(fields.Nested(ListedPerson))
    total = fields.Integer(metadata={"description": f"exact without `q`, and up to {COUNT_CAP:,} matches of a `q`"})
    total_capped = fields.Boolean()
    page = fields.Integer()
    per_page = fields.Integer()


class ReadQuery(Schema):
    reason = Text(validate=max_length(300), metadata={
        "description": "why an auditor needs the values in full: the read is recorded with it (break the glass)"})


class PersonDuplicateQuery(Schema):
    center = Text(validate=max_length(8))
    province = Text(validate=max_length(2))
    district = Text(validate=max_length(4))
    subdistrict = Text(validate=max_length(6))
    page = fields.Integer(load_default=1, validate=between(1, PAGE_MAX))
    per_page = fields.Integer(load_default=50, validate=between(1, 500))


class PersonDuplicateGroup(Schema):
    subdistrict = fields.String(allow_none=True)
    key = fields.String()
    why = fields.String(metadata={"enum": ["national_id", "phone", "name"]})
    people = fields.List(fields.Dict())


class PersonDuplicatePage(Schema):
    groups = fields.List(fields.Nested(PersonDuplicateGroup))
    total = fields.Integer()
    page = fields.Integer()
    per_page = fields.Integer()


class PersonMerge(Merge):
    """Merge a duplicate into this person."""


class OrgUnlink(Schema):
    org = fields.UUID(required=True)


class Lift(Schema):
    request = fields.UUID(load_default=None, allow_none=True, metadata={"description": "the request it answers"})


class ErasureBatch(Schema):
    people = fields.List(fields.UUID(), required=True, validate=validate.Length(min=1, max=ERASE_MAX))
    request = fields.UUID(load_default=None, allow_none=True, metadata={"description": "the erasure request it answers"})


class ErasureResult(Schema):
    erased = fields.Integer()


class DataRequest(Schema):
    """A data-subject request (PDPA s.30-36) and its clock: no personal value."""

    id = fields.String()
    version = fields.Integer()
    person = fields.String()
    right = fields.String()
    channel = fields.String()
    center = fields.String()
    received_on = fields.String()
    due_on = fields.String()
    status = fields.String()
    ground = fields.String(allow_none=True)
    handled_on = fields.String(allow_none=True)
    received_by = fields.String()
    handled_by = fields.String(allow_none=True)
    updated_at = fields.String()
    overdue = fields.Boolean()


class RequestQuery(Schema):
    status = fields.String(load_default="open", validate=validate.OneOf(REQUEST_STATUSES))
    center = Text(validate=max_length(8), metadata={"description": "central admins: one center's requests"})
    page = fields.Integer(load_default=1, validate=between(1, PAGE_MAX))
    per_page = fields.Integer(load_default=50, validate=between(1, 500))


class RequestPage(Schema):
    items = fields.List(fields.Nested(DataRequest))
    total = fields.Integer()
    page = fields.Integer()
    per_page = fields.Integer()


class Everything(Schema):
    """Everything held about one person (s.30 access, s.31 portability)."""

    person = fields.Nested(Person)
    history = fields.List(fields.Nested(HistoryEvent))
    consents = fields.List(fields.Dict())
    requests = fields.List(fields.Dict())
    reads = fields.List(fields.Dict(), metadata={"description": "who read the full record, when and why"})


def _body() -> dict:
    """The request's JSON as sent: the schema checked it for the caller's early answer, and the
    service checks it again (dates and ids stay text on the wire)."""
    return request.get_json(silent=True) or {}


def _person(cluster, answer: dict):
    """A command's answer as the person (a repeated command's kept answer may be its ids only)."""
    if "masked" not in answer:
        answer = cluster.people.get(answer["id"])
    return with_etag(answer)


def _may(action: str) -> None:
    can.require_somewhere(current_user(), action)


@blp.route("")
class People(MethodView):
    @blp.arguments(PersonQuery, location="query")
    @blp.response(200, PersonPage)
    def get(self, query):
        """Search and filter the register (only people who may be listed: not restricted or merged)"""
        require(can.READ_PEOPLE)
        filters = {k: str(query[k]) for k in (*FILTERS, "q") if query.get(k)}
        with rpc() as cluster:
            return cluster.people.list(filters, query["page"], query["per_page"])

    @blp.arguments(PersonRegistration)
    @blp.response(201, Person)
    def post(self, payload):
        """Register a person, with their consent or another legal basis (send `Idempotency-Key`)"""
        require_write(can.CREATE_PERSON, payload)
        with rpc() as cluster:
            answer = cluster.people.register(_body(), key=command_key())
            person, status, headers = _person(cluster, answer)
        return person, 201, {**headers, "Location": url_for("people.PersonRecord", person_id=person["id"])}


@blp.route("/<uuid:person_id>")
class PersonRecord(MethodView):
    @blp.arguments(ReadQuery, location="query")
    @blp.response(200, Person)
    def get(self, query, person_id):
        """One person as the caller may see them; its ETag is its version"""
        require(can.READ_PEOPLE)
        with rpc() as cluster:
            return with_etag(cluster.people.get(str(person_id), query.get("reason")))

    @blp.arguments(PersonChanges)
    @blp.response(200, Person)
    @blp.doc(**IF_MATCH)
    def patch(self, _changes, person_id):
        """Correct a person: send only the changed fields, with If-Match: the version you edited"""
        _may(can.EDIT_PERSON)
        version = expected_version()
        with rpc() as cluster:
            return _person(cluster, cluster.people.amend(str(person_id), _body(), version, key=command_key()))


def _command(path: str, name: str, schema, summary: str, action: str, call):
    """POST /people/{id}/<path>: a command on one person, with If-Match."""

    @blp.route(f"/<uuid:person_id>/{path}", endpoint=name, methods=["POST"])
    @blp.arguments(schema)
    @blp.response(200, Person)
    @blp.doc(summary=summary, **IF_MATCH)
    def endpoint(_body_loaded, person_id):
        _may(action)
        version = expected_version()
        with rpc() as cluster:
            return _person(cluster, call(cluster.people, str(person_id), _body(), version, command_key()))

    endpoint.__name__ = f"person_{name}"
    return endpoint


def _bare_command(path: str, name: str, summary: str, action: str, call):
    """POST /people/{id}/<path>: a command without a body, with If-Match."""

    @blp.route(f"/<uuid:person_id>/{path}", endpoint=name, methods=["POST"])
    @blp.response(200, Person)
    @blp.doc(summary=summary, **IF_MATCH)
    def endpoint(person_id):
        _may(action)
        version = expected_version()
        with rpc() as cluster:
            return _person(cluster, call(cluster.people, str(person_id), version, command_key()))

    endpoint.__name__ = f"person_{name}"
    return endpoint


_command("roles", "PersonRoles", RoleStart, "Start a role, for an area (the home area by default); the role's "
         "center assigns it", can.EDIT_PERSON, lambda people, i, b, v, key: people.start_role(i, b, v, key=key))
_command("roles/end", "PersonRoleEnd", RoleEnd, "End a role", can.EDIT_PERSON,
         lambda people, i, b, v, key: people.end_role(i, b, v, key=key))
_command("trainings", "PersonTrainings", Training, "Record a training (name, date, organizer, certificate)",
         can.EDIT_PERSON, lambda people, i, b, v, key: people.record_training(i, b, v, key=key))
_command("consents", "PersonConsents", Consent, "Record a consent (PDPA s.19)", can.EDIT_PERSON,
         lambda people, i, b, v, key: people.record_consent(i, b, v, key=key))
_command("withdrawals", "PersonWithdrawals", ConsentWithdrawal, "Withdraw a consent: once none is left, the "
         "person's data is only stored", can.EDIT_PERSON,
         lambda people, i, b, v, key: people.withdraw_consent(i, b, v, key=key))
_command("orgs", "PersonOrgs", OrgLink, "Link the person to an organization of the orgs register",
         can.EDIT_PERSON, lambda people, i, b, v, key: people.link_org(i, b, v, key=key))
_command("orgs/unlink", "PersonOrgUnlink", OrgUnlink, "Unlink the person from an organization", can.EDIT_PERSON,
         lambda people, i, b, v, key: people.unlink_org(i, b.get("org"), v, key=key))
_command("merge", "PersonMerge", PersonMerge, "Merge a duplicate into this person (the duplicate keeps its history)",
         can.EDIT_PERSON, lambda people, i, b, v, key: people.merge(i, b, v, key=key))
_bare_command("unmerge", "PersonUnmerge", "Undo the merge of this duplicate", can.EDIT_PERSON,
              lambda people, i, v, key: people.unmerge(i, v, key=key))
_command("restrict", "PersonRestrict", Restriction, "Restrict processing (s.32 objection, s.34 restriction): stored "
         "only", can.HANDLE_REQUESTS, lambda people, i, b, v, key: people.restrict(i, b, v, key=key))
_command("lift", "PersonLift", Lift, "Lift a restriction", can.HANDLE_REQUESTS,
         lambda people, i, b, v, key: people.lift_restriction(i, v, b.get("request"), key=key))


@blp.route("/<uuid:person_id>/history")
class PersonHistory(MethodView):
    @blp.arguments(ReadQuery, location="query")
    @blp.response(200, HistoryEvent(many=True))
    def get(self, query, person_id):
        """Every event of the person, oldest first, values opened as the caller may see them"""
        require(can.READ_PEOPLE)
        with rpc() as cluster:
            return cluster.people.history(str(person_id), query.get("reason"))


@blp.route("/<uuid:person_id>/everything")
class PersonEverything(MethodView):
    @blp.response(200, Everything)
    def get(self, person_id):
        """Everything held about the person, for them (s.30 access, s.31 portability); the read is recorded"""
        _may(can.HANDLE_REQUESTS)
        with rpc() as cluster:
            return cluster.people.everything(str(person_id))


@blp.route("/erasures")
class Erasures(MethodView):
    @blp.arguments(ErasureBatch)
    @blp.response(200, ErasureResult)
    def post(self, batch):
        """Erase people (s.33, central admins): their personal values unreadable forever, their rows gone"""
        require(can.ERASE_PERSON)
        body = _body()
        with rpc() as cluster:
            return cluster.people.erase(body.get("people"), {"request": body.get("request")}, key=command_key())


@blp.route("/requests")
class DataRequests(MethodView):
    @blp.arguments(RequestQuery, location="query")
    @blp.response(200, RequestPage)
    def get(self, query):
        """Data-subject requests by due date (open ones unless `status` says otherwise), each with `overdue`"""
        _may(can.HANDLE_REQUESTS)
        filters = {k: query[k] for k in ("status", "center") if query.get(k)}
        with rpc() as cluster:
            return cluster.people.requests(filters, query["page"], query["per_page"])

    @blp.arguments(RequestReceipt)
    @blp.response(201, DataRequest)
    def post(self, _receipt):
        """Record a request the person made: due 30 days after it was received"""
        _may(can.HANDLE_REQUESTS)
        with rpc() as cluster:
            return with_etag(cluster.people.receive_request(_body(), key=command_key()), 201)


@blp.route("/requests/<uuid:request_id>/outcome")
class DataRequestOutcome(MethodView):
    @blp.arguments(RequestOutcome)
    @blp.response(200, DataRequest)
    @blp.doc(**IF_MATCH)
    def post(self, _outcome, request_id):
        """Done, or refused with its ground, with If-Match: the request's version"""
        _may(can.HANDLE_REQUESTS)
        version = expected_version()
        with rpc() as cluster:
            return with_etag(cluster.people.handle_request(str(request_id), _body(), version, key=command_key()))


@blp.route("/duplicates")
class PersonDuplicates(MethodView):
    @blp.arguments(PersonDuplicateQuery, location="query")
    @blp.response(200, PersonDuplicatePage)
    def get(self, query):
        """People who may be one: the same national ID or phone, or a similar name in one subdistrict (`why`)"""
        require(can.READ_PEOPLE)
        filters = {k: query[k] for k in ("center", "province", "district", "subdistrict") if query.get(k)}
        with rpc() as cluster:
            return cluster.people.duplicates(filters, query["page"], query["per_page"])
