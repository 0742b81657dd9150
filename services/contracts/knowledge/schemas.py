"""What a caller may send to the knowledge register and what it gets back: marshmallow
schemas shared by the knowledge service, the gateway and the OpenAPI description.

Plain text (titles, tags, names of links) may hold no markup, a body no raw HTML, and a link
only http or https (`unsafe_link` refuses `javascript:` and `data:`): hostile content is
refused naming its field, not only made harmless when it is shown."""
from __future__ import annotations

import unicodedata

from marshmallow import ValidationError, fields, validates_schema

from services.chassis import richtext
from services.chassis.validation import (
    Code, Codes, IsoDate, LongText, StrictSchema, Text, Url, WholeNumber, Year, between, max_length, no_markup, one_of,
)

from .limits import (
    IDS_MAX, LINKS_MAX, NOTE_MAX, SUMMARY_MAX, TAG_MAX, TAGS_MAX, TEXT_MAX, TITLE_MAX, BODY_MAX, URL_MAX,
)
from .vocabulary import CAMPAIGN_STATUSES, CATEGORIES, CHANNELS, ITEM_STATUSES, KINDS, LANGUAGES

# The fields of an item its center edits; `center` (the authoring center) is set once
ITEM_FIELDS = ("title", "summary", "body", "category", "kind", "tags", "province", "district", "subdistrict",
               "orgs", "people", "sources", "language", "year")
PLACE = ("province", "district", "subdistrict")
CAMPAIGN_FIELDS = ("title", "problem", "goal", "category", "tags", "province", "channels", "starts_on", "ends_on",
                   "workers")
ITEM_READ_ONLY = ("id", "version", "status", "revision", "attachments", "body_html", "published_at",
                  "published_by", "created_at", "updated_at", "note")


def _body(value: str) -> None:
    found = richtext.problems(value)
    if found:
        raise ValidationError(found)


class Markdown(LongText):
    """A body in Markdown: no raw HTML, links and images only http(s), mailto or within the site."""

    def __init__(self, **kwargs):
        super().__init__(validate=[max_length(BODY_MAX), _body], **kwargs)


def _plain(limit: int):
    return [max_length(limit), no_markup]


class Tag(Text):
    """A free tag: plain text, a few words; `#` in front is dropped."""

    def _deserialize(self, value, attr, data, **kwargs):
        return super()._deserialize(value, attr, data, **kwargs).lstrip("#").strip()


class Tags(fields.List):
    """Tags without repeats (compared as written, case folded), in the order first given."""

    def __init__(self, **kwargs):
        super().__init__(Tag(validate=_plain(TAG_MAX)), validate=max_length(TAGS_MAX), load_default=list, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, str):  # a form's or a sheet's "ป่าชุมชน, น้ำ"
            value = [part for part in value.split(",") if part.strip()]
        tags, seen = [], set()
        for tag in super()._deserialize(value, attr, data, **kwargs):
            key = unicodedata.normalize("NFC", tag).casefold()
            if tag and key not in seen:
                seen.add(key)
                tags.append(tag)
        return tags


class Link(StrictSchema):
    """A source of an item: a web address, and what it is."""

    title = Text(load_default=None, allow_none=True, validate=_plain(TITLE_MAX))
    url = Url(required=True, validate=max_length(URL_MAX))


class ChannelLink(StrictSchema):
    """Where a campaign speaks: a channel, and its address (offline events need none)."""

    channel = Code(required=True, validate=one_of(CHANNELS), metadata={"enum": list(CHANNELS)})
    url = Url(load_default=None, allow_none=True, validate=max_length(URL_MAX))
    name = Text(load_default=None, allow_none=True, validate=_plain(TITLE_MAX),
                metadata={"description": "the page's or event's name"})


def _ids(description: str):
    return fields.List(fields.UUID(), load_default=list, validate=max_length(IDS_MAX),
                       metadata={"description": description})


class ItemFields(StrictSchema):
    """A knowledge item as its center writes it."""

    title = Text(required=True, validate=_plain(TITLE_MAX), metadata={"description": "ชื่อเรื่อง"})
    summary = LongText(load_default=None, allow_none=True, validate=_plain(SUMMARY_MAX),
                       metadata={"description": "บทคัดย่อ: plain text"})
    body = Markdown(required=True, metadata={"description": "เนื้อหา, in Markdown (no raw HTML)"})
    category = Code(required=True, validate=one_of(CATEGORIES), metadata={"enum": list(CATEGORIES)})
    kind = Code(required=True, validate=one_of(KINDS), metadata={"enum": list(KINDS)})
    tags = Tags(metadata={"description": "free tags (a list, or text separated by commas)"})
    province = Code(load_default=None, allow_none=True, metadata={"description": "DOPA province code"})
    district = Code(load_default=None, allow_none=True)
    subdistrict = Code(load_default=None, allow_none=True)
    orgs = _ids("related organizations (ids in the orgs register)")
    people = _ids("related people (ids in the people register)")
    sources = fields.List(fields.Nested(Link), load_default=list, validate=max_length(LINKS_MAX))
    language = Code(load_default="th", validate=one_of(LANGUAGES), metadata={"enum": list(LANGUAGES)})
    year = Year(load_default=None, allow_none=True, metadata={"description": "B.E. or C.E.; returned as C.E."})

    def handle_error(self, error: ValidationError, data, *, many: bool, **kwargs):
        """A system-set field sent by the caller is read-only, not unknown."""
        problems = error.messages
        if isinstance(problems, dict):
            for name in ITEM_READ_ONLY:
                if problems.get(name) == ["unknown_field"]:
                    problems[name] = ["read_only"]
        raise error


class ItemDraft(ItemFields):
    """A new item, a draft of `center` (default: the writer's own center)."""

    center = Code(load_default=None, allow_none=True,
                  metadata={"description": "the authoring center (default: your own)"})


class ItemChanges(ItemFields):
    """An edit of an item: only the fields that change."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, partial=True, **kwargs)


class Note(StrictSchema):
    note = LongText(load_default=None, allow_none=True, validate=_plain(NOTE_MAX))


class RequiredNote(StrictSchema):
    """A reviewer returning an item says what to change."""

    note = LongText(required=True, validate=_plain(NOTE_MAX))


class Upload(StrictSchema):
    """A file for an item: its name and its bytes (base64 over RPC; the API takes multipart)."""

    name = Text(required=True, validate=_plain(200))
    content = fields.String(required=True, metadata={"description": "the file's bytes, base64"})


class CampaignFields(StrictSchema):
    """A campaign issue as its center writes it."""

    title = Text(required=True, validate=_plain(TITLE_MAX), metadata={"description": "ชื่อประเด็นรณรงค์"})
    problem = LongText(required=True, validate=_plain(TEXT_MAX), metadata={"description": "สภาพปัญหา"})
    goal = LongText(load_default=None, allow_none=True, validate=_plain(TEXT_MAX), metadata={"description": "เป้าหมาย"})
    category = Code(load_default=None, allow_none=True, validate=one_of(CATEGORIES), metadata={"enum": list(CATEGORIES)})
    tags = Tags()
    province = Code(required=True, metadata={"description": "DOPA province code"})
    channels = fields.List(fields.Nested(ChannelLink), load_default=list, validate=max_length(LINKS_MAX))
    starts_on = IsoDate(future=True, load_default=None, allow_none=True)
    ends_on = IsoDate(future=True, load_default=None, allow_none=True)
    workers = _ids("the online workers involved (person ids in the people register)")

    @validates_schema
    def _in_order(self, data, **kwargs):
        if data.get("starts_on") and data.get("ends_on") and data["ends_on"] < data["starts_on"]:
            raise ValidationError("ends_before_start", field_name="ends_on")


class CampaignRegistration(CampaignFields):
    """A new campaign issue of `center` (default: the writer's own center)."""

    center = Code(load_default=None, allow_none=True,
                  metadata={"description": "the center running it (default: your own)"})
    status = Code(load_default="planned", validate=one_of(CAMPAIGN_STATUSES), metadata={"enum": list(CAMPAIGN_STATUSES)})


class CampaignChanges(CampaignFields):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, partial=True, **kwargs)


class CampaignStatus(StrictSchema):
    status = Code(required=True, validate=one_of(CAMPAIGN_STATUSES), metadata={"enum": list(CAMPAIGN_STATUSES)})


class CampaignResult(StrictSchema):
    """What a campaign reached, as of a day: numbers and words, recorded over time."""

    on = IsoDate(load_default=None, allow_none=True, metadata={"description": "default: today"})
    reach = WholeNumber(load_default=None, allow_none=True, validate=between(0, 1_000_000_000),
                        metadata={"description": "people reached (views, listeners)"})
    participants = WholeNumber(load_default=None, allow_none=True, validate=between(0, 100_000_000))
    outcome_count = WholeNumber(load_default=None, allow_none=True, validate=between(0, 1_000_000),
                                metadata={"description": "outcomes counted (e.g. local rules changed)"})
    outcome = LongText(load_default=None, allow_none=True, validate=_plain(TEXT_MAX))
    channel = Code(load_default=None, allow_none=True, validate=one_of(CHANNELS), metadata={"enum": list(CHANNELS)})

    @validates_schema
    def _something(self, data, **kwargs):
        if all(data.get(name) in (None, "") for name in ("reach", "participants", "outcome_count", "outcome")):
            raise ValidationError("result_empty", field_name="_schema")


class Reason(StrictSchema):
    reason = LongText(load_default=None, allow_none=True, validate=_plain(NOTE_MAX))


# -- answers -------------------------------------------------------------------------------

class Attachment(StrictSchema):
    sha256 = fields.String(required=True)
    name = fields.String(required=True)
    type = fields.String(required=True)
    size = fields.Integer(required=True)


class Item(StrictSchema):
    """A knowledge item as the register returns it."""

    id = fields.UUID(required=True)
    version = fields.Integer(required=True)
    status = fields.String(required=True, metadata={"enum": list(ITEM_STATUSES)})
    revision = fields.Integer(required=True, metadata={"description": "1, and one more for each edit after publication"})
    title = fields.String(required=True)
    summary = fields.String(allow_none=True)
    body = fields.String(required=True, metadata={"description": "Markdown"})
    body_html = fields.String(required=True, metadata={"description": "the body as safe HTML"})
    category = fields.String(required=True)
    kind = fields.String(required=True)
    tags = fields.List(fields.String())
    province = fields.String(allow_none=True)
    district = fields.String(allow_none=True)
    subdistrict = fields.String(allow_none=True)
    orgs = fields.List(fields.String())
    people = fields.List(fields.String())
    sources = fields.List(fields.Nested(Link))
    language = fields.String(required=True)
    year = fields.Integer(allow_none=True)
    year_be = fields.Integer(allow_none=True)
    center = fields.String(required=True)
    attachments = fields.List(fields.Nested(Attachment))
    note = fields.String(allow_none=True, metadata={"description": "the last reviewer's note"})
    published_at = fields.String(allow_none=True)
    published_by = fields.String(allow_none=True)
    created_at = fields.String(required=True)
    updated_at = fields.String(required=True)


class Result(StrictSchema):
    on = fields.String(required=True)
    reach = fields.Integer(allow_none=True)
    participants = fields.Integer(allow_none=True)
    outcome_count = fields.Integer(allow_none=True)
    outcome = fields.String(allow_none=True)
    channel = fields.String(allow_none=True)
    by = fields.String(allow_none=True)


class Campaign(StrictSchema):
    """A campaign issue as the register returns it."""

    id = fields.UUID(required=True)
    version = fields.Integer(required=True)
    status = fields.String(required=True, metadata={"enum": list(CAMPAIGN_STATUSES)})
    archived = fields.Boolean(required=True)
    title = fields.String(required=True)
    problem = fields.String(required=True)
    goal = fields.String(allow_none=True)
    category = fields.String(allow_none=True)
    tags = fields.List(fields.String())
    province = fields.String(required=True)
    center = fields.String(required=True)
    channels = fields.List(fields.Nested(ChannelLink))
    starts_on = fields.String(allow_none=True)
    ends_on = fields.String(allow_none=True)
    workers = fields.List(fields.String())
    results = fields.List(fields.Nested(Result))
    reach = fields.Integer(allow_none=True, metadata={"description": "the latest result's reach"})
    participants = fields.Integer(allow_none=True)
    created_at = fields.String(required=True)
    updated_at = fields.String(required=True)
