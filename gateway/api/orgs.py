"""/api/v1/orgs: the community organization register."""
from __future__ import annotations

from flask import url_for
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from services.chassis.validation import Text, between, max_length
from services.contracts.orgs.limits import BATCH_MAX, COUNT_CAP, FILTERS
from services.contracts.orgs.vocabulary import ORG_TYPES, STATUSES, STRENGTH_LEVELS
from services.contracts.orgs.schemas import (
    Merge, Organization, OrgChanges, OrgRegistration, OrgRelocation, Reason, StrengthAssessment, Verification,
)

from services.chassis import permissions as can
from services import reference
from gateway.auth import current_user
from services.chassis.errors import CommandRejected

from . import IF_MATCH, PAGE_MAX, HistoryEvent, command_key, require, require_write, rpc
from .etags import expected_version, with_etag

blp = Blueprint("orgs", __name__, description="องค์กรชุมชน — community organizations")


class OrgFilters(Schema):
    """The filters of the list, shared by its exports."""

    q = Text(validate=max_length(200), metadata={"description": "part of the name, Thai or English"})
    center = Text(validate=max_length(8))
    province = Text(validate=max_length(2))
    district = Text(validate=max_length(4))
    subdistrict = Text(validate=max_length(6))
    type = fields.String(validate=validate.OneOf(list(ORG_TYPES)))
    status = fields.String(validate=validate.OneOf(list(STATUSES)))
    strength = fields.String(validate=validate.OneOf(list(STRENGTH_LEVELS)))
    verified_since = fields.Date(metadata={"description": "last verified on or after this date"})
    unverified_since = fields.Date(metadata={"description": "not verified on or after this date: last verified "
                                                            "before it, or never"})


class OrgQuery(OrgFilters):
    page = fields.Integer(load_default=1, validate=between(1, PAGE_MAX))
    per_page = fields.Integer(load_default=50, validate=between(1, 500))


class OrgPage(Schema):
    items = fields.List(fields.Nested(Organization))
    total = fields.Integer(metadata={"description": f"how many match: exact without `q`, and up to {COUNT_CAP:,} "
                                                    f"matches of a `q`; past that {COUNT_CAP + 1:,}, with `total_capped`"})
    total_capped = fields.Boolean(metadata={"description": f"present and true when more than {COUNT_CAP:,} match"})
    page = fields.Integer()
    per_page = fields.Integer()


class DuplicateQuery(Schema):
    center = Text(validate=max_length(8))
    province = Text(validate=max_length(2))
    district = Text(validate=max_length(4))
    subdistrict = Text(validate=max_length(6))
    page = fields.Integer(load_default=1, validate=between(1, PAGE_MAX))
    per_page = fields.Integer(load_default=50, validate=between(1, 500))


class DuplicateGroup(Schema):
    subdistrict = fields.String()
    key = fields.String()
    orgs = fields.List(fields.Dict())


class DuplicatePage(Schema):
    groups = fields.List(fields.Nested(DuplicateGroup))
    page = fields.Integer()
    per_page = fields.Integer()


class OrgBatch(Schema):
    items = fields.List(fields.Dict(), required=True, validate=validate.Length(min=1, max=BATCH_MAX))
    first_row = fields.Integer(load_default=1, validate=between(1, 10_000_000))


class BatchResult(Schema):
    registered = fields.Integer()
    first_seq = fields.Integer(allow_none=True)
    last_seq = fields.Integer(allow_none=True)
    ids = fields.List(fields.String())


@blp.route("")
class Orgs(MethodView):
    @blp.arguments(OrgQuery, location="query")
    @blp.response(200, OrgPage)
    def get(self, query):
        """Search and filter the register"""
        require(can.READ_ORGS)
        filters = {k: str(query[k]) for k in (*FILTERS, "q") if query.get(k)}
        with rpc() as cluster:
            return cluster.orgs.list(filters, query["page"], query["per_page"])

    @blp.arguments(OrgRegistration)
    @blp.response(201, Organization)
    def post(self, payload):
        """Register an organization (send `Idempotency-Key` to make retries safe)"""
        require_write(can.CREATE_ORG, payload)
        with rpc() as cluster:
            org = cluster.orgs.register(payload, key=command_key())
        return with_etag(org, 201, Location=url_for("orgs.Org", org_id=org["id"]))


@blp.route("/batch")
class OrgsBatch(MethodView):
    @blp.arguments(OrgBatch)
    @blp.response(201, BatchResult)
    def post(self, batch):
        """Register many organizations at once: all rows or none"""
        _require_own_rows(batch["items"], batch["first_row"])
        with rpc() as cluster:
            return cluster.orgs.register_batch(batch["items"], key=command_key(), first_row=batch["first_row"])


@blp.route("/<uuid:org_id>")
class Org(MethodView):
    @blp.response(200, Organization)
    def get(self, org_id):
        """One organization; its ETag is its version"""
        require(can.READ_ORGS)
        with rpc() as cluster:
            return with_etag(cluster.orgs.get(str(org_id)))

    @blp.arguments(OrgChanges)
    @blp.response(200, Organization)
    @blp.doc(parameters=[{"in": "header", "name": "If-Match", "required": True, "schema": {"type": "string"}}])
    def patch(self, changes, org_id):
        """Amend: send only the changed fields, with If-Match: the version you edited"""
        version = expected_version()
        with rpc() as cluster:
            current = _require_edit(cluster, org_id)
            if any(k in changes for k in ("province", "district", "subdistrict")):
                require_write(can.EDIT_ORG, {**current, **changes})
            return with_etag(cluster.orgs.amend(str(org_id), changes, version, key=command_key()))


@blp.route("/duplicates")
class OrgDuplicates(MethodView):
    @blp.arguments(DuplicateQuery, location="query")
    @blp.response(200, DuplicatePage)
    def get(self, query):
        """Duplicate candidates: the same subdistrict and a similar name, for a person to merge or dismiss"""
        require(can.READ_ORGS)
        filters = {k: query[k] for k in ("center", "province", "district", "subdistrict") if query.get(k)}
        with rpc() as cluster:
            return cluster.orgs.duplicates(filters, query["page"], query["per_page"])


def _require_edit(cluster, org_id) -> dict:
    """The organization, if the user may edit it (read first: its center decides)."""
    can.require_somewhere(current_user(), can.EDIT_ORG)
    org = cluster.orgs.get(str(org_id))
    require(can.EDIT_ORG, org["center"])
    return org


def _require_own_rows(items: list, first_row: int) -> None:
    """A batch writes only rows of centers the user may write: each other one is named."""
    user = current_user()
    can.require_somewhere(user, can.CREATE_ORG)
    problems = [
        {"field": "province", "row": row, "code": "other_center", "params": {"center": center}}
        for row, item in enumerate(items, start=first_row)
        if isinstance(item, dict) and (center := reference.center_of(item)) and not can.allowed(user, can.CREATE_ORG, center)
    ]
    if problems:
        raise CommandRejected(problems)


def _command(name: str, schema, summary: str, call):
    """POST /orgs/{id}/<name>: a command on one organization, with If-Match."""

    @blp.route(f"/<uuid:org_id>/{name}", endpoint=f"Org{name.title()}", methods=["POST"])
    @blp.arguments(schema)
    @blp.response(200, Organization)
    @blp.doc(summary=summary, **IF_MATCH)
    def endpoint(body, org_id):
        version = expected_version()
        with rpc() as cluster:
            org = _require_edit(cluster, org_id)
            _also_allowed(cluster, name, org, body)
            return with_etag(call(cluster.orgs, str(org_id), body, version))

    endpoint.__name__ = f"org_{name}"
    return endpoint


def _also_allowed(cluster, command: str, org: dict, body: dict) -> None:
    """Commands that touch a second place or record need the right to that one too."""
    if command == "relocate":
        require_write(can.EDIT_ORG, body)
    elif command == "merge":
        require(can.EDIT_ORG, cluster.orgs.get(str(body["duplicate"]))["center"])
    elif command == "unmerge" and org.get("merged_into"):
        require(can.EDIT_ORG, cluster.orgs.get(org["merged_into"])["center"])


def _jsonable(body: dict) -> dict:
    return {k: (v.isoformat() if hasattr(v, "isoformat") else str(v) if hasattr(v, "hex") else v) for k, v in body.items()}


_command("relocate", OrgRelocation, "Move an organization to a new location (its center follows)",
         lambda orgs, i, b, v: orgs.relocate(i, b, v, key=command_key()))
_command("assess", StrengthAssessment, "Record a strength assessment (level, criteria, date)",
         lambda orgs, i, b, v: orgs.assess(i, _jsonable(b), v, key=command_key()))
_command("verify", Verification, "Mark the record verified as current",
         lambda orgs, i, b, v: orgs.confirm_current(i, _jsonable(b), v, key=command_key()))
_command("archive", Reason, "Archive an organization (it stops counting in the indicators)",
         lambda orgs, i, b, v: orgs.archive(i, v, b["reason"], key=command_key()))
_command("restore", Reason, "Restore an archived organization",
         lambda orgs, i, b, v: orgs.restore(i, v, b["reason"], key=command_key()))
_command("merge", Merge, "Merge a duplicate into this organization (the duplicate keeps its history)",
         lambda orgs, i, b, v: orgs.merge(i, _jsonable(b), v, key=command_key()))
_command("unmerge", Reason, "Undo the merge of this duplicate",
         lambda orgs, i, b, v: orgs.unmerge(i, v, key=command_key()))


@blp.route("/<uuid:org_id>/history")
class OrgHistory(MethodView):
    @blp.response(200, HistoryEvent(many=True))
    def get(self, org_id):
        """Every event of the organization, oldest first: who, when, what changed"""
        require(can.READ_ORGS)
        with rpc() as cluster:
            return cluster.orgs.history(str(org_id))

