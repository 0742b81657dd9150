"""The events of the knowledge register: past-tense names, payload schemas by version.

Two kinds of record, each on its own streams: a knowledge item (`item-<id>`), which goes
draft -> in review -> published -> archived, and a campaign issue (`campaign-<id>`). Who did a
step and when is the envelope's actor and time. A step of the workflow carries the item's
center, category and kind, so reporting counts published items without the register's state;
a revision carries only the fields that changed, and its item's revision number."""
from __future__ import annotations

from marshmallow import Schema, fields

SOURCE = "knowledge"
# knowledge items
DRAFTED = "ItemDrafted"
REVISED = "ItemRevised"
SUBMITTED = "ItemSubmitted"  # draft -> in review
RETURNED = "ItemReturned"  # in review -> draft, with the reviewer's note
PUBLISHED = "ItemPublished"  # in review -> published
ARCHIVED = "ItemArchived"  # published -> archived (off the portal; no longer counted)
RESTORED = "ItemRestored"  # archived -> published
ATTACHED = "AttachmentAdded"
DETACHED = "AttachmentRemoved"
# campaign issues
CAMPAIGN_REGISTERED = "CampaignRegistered"
CAMPAIGN_AMENDED = "CampaignAmended"
CAMPAIGN_STATUS_CHANGED = "CampaignStatusChanged"
RESULT_RECORDED = "CampaignResultRecorded"
CAMPAIGN_ARCHIVED = "CampaignArchived"  # registered by mistake: no longer counted
CAMPAIGN_RESTORED = "CampaignRestored"

ITEM_PREFIX, CAMPAIGN_PREFIX = "item-", "campaign-"


def stream_of(item_id: str) -> str:
    return f"{ITEM_PREFIX}{item_id}"


def item_id_of(stream: str) -> str:
    return stream.removeprefix(ITEM_PREFIX)


def campaign_stream(campaign_id: str) -> str:
    return f"{CAMPAIGN_PREFIX}{campaign_id}"


def campaign_id_of(stream: str) -> str:
    return stream.removeprefix(CAMPAIGN_PREFIX)


def is_item(stream: str) -> bool:
    return stream.startswith(ITEM_PREFIX)


def is_campaign(stream: str) -> bool:
    return stream.startswith(CAMPAIGN_PREFIX)


class Source(Schema):
    title = fields.String(allow_none=True)
    url = fields.String(required=True)


class ItemDraftedV1(Schema):
    title = fields.String(required=True)
    summary = fields.String(allow_none=True)
    body = fields.String(required=True)  # Markdown, checked (content.py) before it is stored
    category = fields.String(required=True)
    kind = fields.String(required=True)
    tags = fields.List(fields.String())
    province = fields.String(allow_none=True)
    district = fields.String(allow_none=True)
    subdistrict = fields.String(allow_none=True)
    orgs = fields.List(fields.String())  # organization ids (orgs), never their names
    people = fields.List(fields.String())  # person ids (people), never their names
    sources = fields.List(fields.Nested(Source))
    language = fields.String(required=True)
    year = fields.Integer(allow_none=True)
    center = fields.String(required=True)  # the authoring center


class ItemRevisedV1(ItemDraftedV1):
    """Any subset of ItemDraftedV1's fields but the center (load with partial=True), and
    `revision`: 1 for a first draft's edits, one more for each edit after a publication."""

    revision = fields.Integer(required=True)


class StepV1(Schema):
    """A step of the workflow: the item's place in the counts, and a note (a reviewer's
    reason to return or archive)."""

    center = fields.String(required=True)
    category = fields.String(required=True)
    kind = fields.String(required=True)
    revision = fields.Integer(required=True)
    note = fields.String(allow_none=True)


class AttachmentV1(Schema):
    sha256 = fields.String(required=True)  # of the bytes, hex: where the file is kept, and its check
    name = fields.String(required=True)
    type = fields.String(required=True)  # the content type the bytes were found to be
    size = fields.Integer(required=True)


class DetachedV1(Schema):
    sha256 = fields.String(required=True)


class Channel(Schema):
    channel = fields.String(required=True)
    url = fields.String(allow_none=True)
    name = fields.String(allow_none=True)


class CampaignRegisteredV1(Schema):
    title = fields.String(required=True)
    problem = fields.String(required=True)
    goal = fields.String(allow_none=True)
    category = fields.String(allow_none=True)
    tags = fields.List(fields.String())
    province = fields.String(required=True)
    channels = fields.List(fields.Nested(Channel))
    starts_on = fields.String(allow_none=True)
    ends_on = fields.String(allow_none=True)
    status = fields.String(required=True)
    workers = fields.List(fields.String())  # person ids (people): the online workers involved
    center = fields.String(required=True)


class CampaignAmendedV1(CampaignRegisteredV1):
    """Any subset of CampaignRegisteredV1's fields but the status and center (partial=True)."""


class CampaignStatusChangedV1(Schema):
    status = fields.String(required=True)
    previous = fields.String(required=True)
    center = fields.String(required=True)


class CampaignResultV1(Schema):
    on = fields.String(required=True)
    reach = fields.Integer(allow_none=True)
    participants = fields.Integer(allow_none=True)
    outcome_count = fields.Integer(allow_none=True)
    outcome = fields.String(allow_none=True)
    channel = fields.String(allow_none=True)


class CampaignCenterV1(Schema):
    center = fields.String(required=True)
    status = fields.String(required=True)
    reason = fields.String(allow_none=True)


PAYLOADS = {
    (DRAFTED, 1): ItemDraftedV1, (REVISED, 1): ItemRevisedV1, (SUBMITTED, 1): StepV1, (RETURNED, 1): StepV1,
    (PUBLISHED, 1): StepV1, (ARCHIVED, 1): StepV1, (RESTORED, 1): StepV1, (ATTACHED, 1): AttachmentV1,
    (DETACHED, 1): DetachedV1, (CAMPAIGN_REGISTERED, 1): CampaignRegisteredV1,
    (CAMPAIGN_AMENDED, 1): CampaignAmendedV1, (CAMPAIGN_STATUS_CHANGED, 1): CampaignStatusChangedV1,
    (RESULT_RECORDED, 1): CampaignResultV1, (CAMPAIGN_ARCHIVED, 1): CampaignCenterV1,
    (CAMPAIGN_RESTORED, 1): CampaignCenterV1,
}
EVENT_TYPES = tuple(dict.fromkeys(kind for kind, _ in PAYLOADS))
