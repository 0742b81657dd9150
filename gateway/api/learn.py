"""/api/v1/learn: the public learning portal as JSON, no sign-in: published knowledge items and
running or concluded campaigns, what the portal's pages show (gateway/portal.py), nothing
more. Related people appear as `{name, roles, center}`, the name null unless they consented
to be named publicly, and without their ids; organizations only as `orgs_count`."""
from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields

from gateway import portal
from services.chassis.validation import between
from services.contracts.knowledge.vocabulary import ATTACHMENT_TYPES, CAMPAIGN_STATUSES, CHANNELS

from . import PAGE_MAX, rpc

blp = Blueprint("learn", __name__, description="คลังความรู้สาธารณะ — the public learning portal: published knowledge "
                                               "and campaigns, no sign-in")


class Paging(Schema):
    page = fields.Integer(load_default=1, validate=between(1, PAGE_MAX))
    per_page = fields.Integer(load_default=20, validate=between(1, 100))


class PublicItemQuery(portal.PublicItemFilters, Paging):
    pass


class PublicCampaignQuery(portal.PublicCampaignFilters, Paging):
    pass


class PublicPerson(Schema):
    name = fields.String(allow_none=True, metadata={"description": "only if they consented to be named publicly"})
    roles = fields.List(fields.String(), metadata={"description": "codes of the people register's roles"})
    center = fields.String(allow_none=True)


class PublicSource(Schema):
    title = fields.String(allow_none=True)
    url = fields.String(allow_none=True, metadata={"description": "an http(s) address; null if it is not one"})


class PublicFile(Schema):
    sha256 = fields.String()
    name = fields.String()
    type = fields.String(metadata={"enum": [*ATTACHMENT_TYPES, "application/octet-stream"]})
    size = fields.Integer(allow_none=True)
    url = fields.String(metadata={"description": "where to download it"})


class PublicItemSummary(Schema):
    """A published item in a list."""

    id = fields.String()
    url = fields.String(metadata={"description": "its page on the portal"})
    revision = fields.Integer()
    title = fields.String()
    summary = fields.String(allow_none=True)
    category = fields.String()
    kind = fields.String()
    tags = fields.List(fields.String())
    province = fields.String(allow_none=True)
    district = fields.String(allow_none=True)
    subdistrict = fields.String(allow_none=True)
    language = fields.String()
    year = fields.Integer(allow_none=True, metadata={"description": "C.E."})
    year_be = fields.Integer(allow_none=True)
    center = fields.String(metadata={"description": "the authoring coordination center"})
    published_at = fields.String(allow_none=True)
    created_at = fields.String()
    updated_at = fields.String()


class PublicItem(PublicItemSummary):
    """A published item in full."""

    body = fields.String(metadata={"description": "Markdown"})
    body_html = fields.String(metadata={"description": "the body as safe HTML (an allow-list of tags, no script)"})
    sources = fields.List(fields.Nested(PublicSource))
    attachments = fields.List(fields.Nested(PublicFile))
    people = fields.List(fields.Nested(PublicPerson), allow_none=True,
                         metadata={"description": "null when the people register cannot be asked"})
    orgs_count = fields.Integer(metadata={"description": "how many community organizations it names"})


class PublicItemPage(Schema):
    items = fields.List(fields.Nested(PublicItemSummary))
    total = fields.Integer()
    page = fields.Integer()
    per_page = fields.Integer()


class PublicChannel(Schema):
    channel = fields.String(metadata={"enum": list(CHANNELS)})
    name = fields.String(allow_none=True)
    url = fields.String(allow_none=True)


class PublicResult(Schema):
    on = fields.String()
    reach = fields.Integer(allow_none=True)
    participants = fields.Integer(allow_none=True)
    outcome_count = fields.Integer(allow_none=True)
    outcome = fields.String(allow_none=True)
    channel = fields.String(allow_none=True)


class PublicCampaignSummary(Schema):
    """A running or concluded campaign in a list."""

    id = fields.String()
    url = fields.String(metadata={"description": "its page on the portal"})
    status = fields.String(metadata={"enum": list(CAMPAIGN_STATUSES)})
    title = fields.String()
    problem = fields.String()
    goal = fields.String(allow_none=True)
    category = fields.String(allow_none=True)
    tags = fields.List(fields.String())
    province = fields.String()
    center = fields.String()
    channels = fields.List(fields.Nested(PublicChannel))
    starts_on = fields.String(allow_none=True)
    ends_on = fields.String(allow_none=True)
    reach = fields.Integer(allow_none=True, metadata={"description": "the latest result's"})
    participants = fields.Integer(allow_none=True)
    created_at = fields.String()
    updated_at = fields.String()


class PublicCampaign(PublicCampaignSummary):
    """A running or concluded campaign with its results over time and its online workers."""

    results = fields.List(fields.Nested(PublicResult), metadata={"description": "oldest first"})
    workers = fields.List(fields.Nested(PublicPerson), allow_none=True,
                          metadata={"description": "the online workers; null when the people register cannot be asked"})


class PublicCampaignPage(Schema):
    items = fields.List(fields.Nested(PublicCampaignSummary))
    total = fields.Integer()
    page = fields.Integer()
    per_page = fields.Integer()


def _filters(query: dict) -> dict:
    return {k: v for k, v in query.items() if k not in ("page", "per_page") and v not in (None, "")}


@blp.route("/items")
class PublicItems(MethodView):
    @blp.arguments(PublicItemQuery, location="query")
    @blp.response(200, PublicItemPage)
    def get(self, query):
        """Search the published items (ranked when `q` is given, else newest first)"""
        with rpc() as cluster:
            found = cluster.knowledge.public_list(_filters(query), query["page"], query["per_page"])
        return {**found, "items": [portal.item_card(i) for i in found["items"]]}


@blp.route("/items/<uuid:item_id>")
class PublicItemOne(MethodView):
    @blp.response(200, PublicItem)
    def get(self, item_id):
        """One published item in full; any other is 404"""
        with rpc() as cluster:
            found = cluster.knowledge.public_get(str(item_id))
            return portal.item_page(found, portal.people(cluster, found.get("people")))


@blp.route("/campaigns")
class PublicCampaigns(MethodView):
    @blp.arguments(PublicCampaignQuery, location="query")
    @blp.response(200, PublicCampaignPage)
    def get(self, query):
        """Search the running and concluded campaigns"""
        with rpc() as cluster:
            found = cluster.knowledge.public_campaigns(_filters(query), query["page"], query["per_page"])
        return {**found, "items": [portal.campaign_card(c) for c in found["items"]]}


@blp.route("/campaigns/<uuid:campaign_id>")
class PublicCampaignOne(MethodView):
    @blp.response(200, PublicCampaign)
    def get(self, campaign_id):
        """One running or concluded campaign with its results over time; any other is 404"""
        with rpc() as cluster:
            found = cluster.knowledge.public_campaign(str(campaign_id))
            return portal.campaign_page(found, portal.people(cluster, found.get("workers")))
