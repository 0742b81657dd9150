"""/api/v1/orgs: the community organization register."""
from __future__ import annotations

from flask import request, url_for
from flask.views import MethodView
from flask_smorest import Blueprint, abort
from marshmallow import Schema, fields, validate

from services.orgs.handlers import BATCH_MAX
from services.orgs.readmodel import FILTERS
from services.orgs.schemas import Organization, OrgChanges, OrgRegistration

from . import actor, rpc
from .etags import expected_version, with_etag

blp = Blueprint("orgs", __name__, description="องค์กรชุมชน — community organizations")


class OrgQuery(Schema):
    q = fields.String(metadata={"description": "part of the name, Thai or English"})
    center = fields.String()
    province = fields.String()
    district = fields.String()
    subdistrict = fields.String()
    type = fields.String()
    status = fields.String(validate=validate.OneOf(["active", "archived"]))
    page = fields.Integer(load_default=1, validate=validate.Range(min=1))
    per_page = fields.Integer(load_default=50, validate=validate.Range(min=1, max=500))


class OrgPage(Schema):
    items = fields.List(fields.Nested(Organization))
    total = fields.Integer()
    page = fields.Integer()
    per_page = fields.Integer()


class OrgBatch(Schema):
    items = fields.List(fields.Dict(), required=True, validate=validate.Length(min=1, max=BATCH_MAX))
    first_row = fields.Integer(load_default=1)


class BatchResult(Schema):
    registered = fields.Integer()
    first_seq = fields.Integer(allow_none=True)
    last_seq = fields.Integer(allow_none=True)
    ids = fields.List(fields.String())


class ArchiveRequest(Schema):
    reason = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=500))


class HistoryEvent(Schema):
    id = fields.String()
    seq = fields.Integer()
    stream = fields.String()
    version = fields.Integer()
    type = fields.String()
    schema = fields.Integer()
    at = fields.String()
    actor = fields.Dict()
    data = fields.Dict()
    prev = fields.String()
    hash = fields.String()


def _key() -> str | None:
    return request.headers.get("Idempotency-Key")


@blp.route("")
class Orgs(MethodView):
    @blp.arguments(OrgQuery, location="query")
    @blp.response(200, OrgPage)
    def get(self, query):
        """Search and filter the register"""
        filters = {k: query[k] for k in (*FILTERS, "q") if query.get(k)}
        with rpc() as cluster:
            return cluster.orgs.list(filters, query["page"], query["per_page"])

    @blp.arguments(OrgRegistration)
    @blp.response(201, Organization)
    def post(self, payload):
        """Register an organization (send `Idempotency-Key` to make retries safe)"""
        with rpc() as cluster:
            org = cluster.orgs.register(payload, actor(), _key())
        return with_etag(org, 201, Location=url_for("orgs.Org", org_id=org["id"]))


@blp.route("/batch")
class OrgsBatch(MethodView):
    @blp.arguments(OrgBatch)
    @blp.response(201, BatchResult)
    def post(self, batch):
        """Register many organizations at once: all rows or none"""
        with rpc() as cluster:
            return cluster.orgs.register_batch(batch["items"], actor(), _key(), batch["first_row"])


@blp.route("/<uuid:org_id>")
class Org(MethodView):
    @blp.response(200, Organization)
    def get(self, org_id):
        """One organization; its ETag is its version"""
        with rpc() as cluster:
            return with_etag(cluster.orgs.get(str(org_id)))

    @blp.arguments(OrgChanges)
    @blp.response(200, Organization)
    @blp.doc(parameters=[{"in": "header", "name": "If-Match", "required": True, "schema": {"type": "string"}}])
    def patch(self, changes, org_id):
        """Amend: send only the changed fields, with If-Match: the version you edited"""
        version = expected_version()
        with rpc() as cluster:
            return with_etag(cluster.orgs.amend(str(org_id), changes, version, actor(), _key()))


@blp.route("/<uuid:org_id>/archive")
class OrgArchive(MethodView):
    @blp.arguments(ArchiveRequest)
    @blp.response(200, Organization)
    @blp.doc(parameters=[{"in": "header", "name": "If-Match", "required": True, "schema": {"type": "string"}}])
    def post(self, body, org_id):
        """Archive an organization (it stops counting in the indicators)"""
        version = expected_version()
        with rpc() as cluster:
            return with_etag(cluster.orgs.archive(str(org_id), version, actor(), body["reason"], _key()))


@blp.route("/<uuid:org_id>/history")
class OrgHistory(MethodView):
    @blp.response(200, HistoryEvent(many=True))
    def get(self, org_id):
        """Every event of the organization, oldest first: who, when, what changed"""
        with rpc() as cluster:
            return cluster.orgs.history(str(org_id))


__all__ = ["blp", "abort"]
