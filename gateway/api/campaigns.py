"""/api/v1/campaigns: the province-based public campaign issues of the knowledge register,
their status, their results over time, archive and restore. The gateway asks only whether
the caller may write somewhere; the knowledge service decides for the campaign's center."""
from __future__ import annotations

from flask import request, url_for
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields

from gateway.auth import current_user
from services.chassis import permissions as can
from services.chassis.validation import Code, Text, between, max_length, one_of
from services.contracts.knowledge.limits import CAMPAIGN_FILTERS, COUNT_CAP
from services.contracts.knowledge.schemas import (
    Campaign, CampaignChanges, CampaignRegistration, CampaignResult, CampaignStatus, Reason,
)
from services.contracts.knowledge.vocabulary import CAMPAIGN_STATUSES, CATEGORIES, CHANNELS

from . import IF_MATCH, PAGE_MAX, HistoryEvent, command_key, require, rpc
from .etags import expected_version, with_etag

blp = Blueprint("campaigns", __name__, description="ประเด็นรณรงค์ — public campaign issues: status, results")


class CampaignFilters(Schema):
    q = Text(validate=max_length(200), metadata={"description": "words of the title, tags, problem or results"})
    category = Code(validate=one_of(CATEGORIES), metadata={"enum": list(CATEGORIES)})
    province = Text(validate=max_length(2))
    center = Text(validate=max_length(8))
    status = Code(validate=one_of(CAMPAIGN_STATUSES), metadata={"enum": list(CAMPAIGN_STATUSES)})
    channel = Code(validate=one_of(CHANNELS), metadata={"enum": list(CHANNELS)})
    year = fields.Integer(validate=between(1900, 2600), metadata={"description": "the year it starts, C.E."})
    archived = fields.Boolean(metadata={"description": "only the archived ones (true), or none of them (false)"})


class CampaignQuery(CampaignFilters):
    page = fields.Integer(load_default=1, validate=between(1, PAGE_MAX))
    per_page = fields.Integer(load_default=20, validate=between(1, 200))


class CampaignPage(Schema):
    items = fields.List(fields.Nested(Campaign))
    total = fields.Integer(metadata={"description": f"how many match (a `q` counts up to {COUNT_CAP:,})"})
    total_capped = fields.Boolean()
    page = fields.Integer()
    per_page = fields.Integer()


class CampaignReason(Reason):
    """Why the campaign is archived or restored (optional)."""


def _body() -> dict:
    """The request's JSON as sent (the schema checked it; the service checks it again)."""
    return request.get_json(silent=True) or {}


def _may_write() -> None:
    can.require_somewhere(current_user(), can.WRITE_KNOWLEDGE)


@blp.route("")
class Campaigns(MethodView):
    @blp.arguments(CampaignQuery, location="query")
    @blp.response(200, CampaignPage)
    def get(self, query):
        """Search and filter the campaigns (archived ones too, unless `archived` says otherwise)"""
        require(can.READ_KNOWLEDGE)
        filters = {k: query[k] for k in (*CAMPAIGN_FILTERS, "q") if query.get(k) not in (None, "")}
        if "archived" in query:
            filters["archived"] = "true" if query["archived"] else "false"
        with rpc() as cluster:
            return cluster.knowledge.list_campaigns(filters, query["page"], query["per_page"])

    @blp.arguments(CampaignRegistration)
    @blp.response(201, Campaign)
    def post(self, _registration):
        """Register a campaign of your center (admins: of `center`); send `Idempotency-Key`"""
        _may_write()
        with rpc() as cluster:
            campaign = cluster.knowledge.register_campaign(_body(), key=command_key())
        return with_etag(campaign, 201, Location=url_for("campaigns.CampaignRecord", campaign_id=campaign["id"]))


@blp.route("/<uuid:campaign_id>")
class CampaignRecord(MethodView):
    @blp.response(200, Campaign)
    def get(self, campaign_id):
        """One campaign; its ETag is its version"""
        require(can.READ_KNOWLEDGE)
        with rpc() as cluster:
            return with_etag(cluster.knowledge.get_campaign(str(campaign_id)))

    @blp.arguments(CampaignChanges)
    @blp.response(200, Campaign)
    @blp.doc(**IF_MATCH)
    def patch(self, _changes, campaign_id):
        """Amend: send only the changed fields, with If-Match (its status has its own command)"""
        _may_write()
        version = expected_version()
        with rpc() as cluster:
            return with_etag(cluster.knowledge.amend_campaign(str(campaign_id), _body(), version, key=command_key()))


def _command(path: str, name: str, schema, summary: str, call, status: int = 200):
    """POST /campaigns/{id}/<path>: a command on one campaign, with If-Match."""

    @blp.route(f"/<uuid:campaign_id>/{path}", endpoint=name, methods=["POST"])
    @blp.arguments(schema)
    @blp.response(status, Campaign)
    @blp.doc(summary=summary, **IF_MATCH)
    def endpoint(_loaded, campaign_id):
        _may_write()
        version = expected_version()
        with rpc() as cluster:
            return with_etag(call(cluster.knowledge, str(campaign_id), _body(), version, command_key()), status)

    endpoint.__name__ = f"campaign_{name}"
    return endpoint


_command("status", "CampaignStatus", CampaignStatus, "Change the campaign's status (planned, active, concluded)",
         lambda k, i, b, v, key: k.set_campaign_status(i, b.get("status"), v, key=key))
_command("results", "CampaignResults", CampaignResult, "Record a result as of a day (reach, participants, "
         "outcomes)", lambda k, i, b, v, key: k.record_result(i, b, v, key=key), 201)
_command("archive", "CampaignArchive", CampaignReason, "Archive a campaign registered by mistake (no longer counted)",
         lambda k, i, b, v, key: k.archive_campaign(i, v, b.get("reason"), key=key))
_command("restore", "CampaignRestore", CampaignReason, "Restore an archived campaign",
         lambda k, i, b, v, key: k.restore_campaign(i, v, b.get("reason"), key=key))


@blp.route("/<uuid:campaign_id>/history")
class CampaignHistory(MethodView):
    @blp.response(200, HistoryEvent(many=True))
    def get(self, campaign_id):
        """Every event of the campaign, oldest first: who, when, what changed"""
        require(can.READ_KNOWLEDGE)
        with rpc() as cluster:
            return cluster.knowledge.campaign_history(str(campaign_id))
