"""/api/v1/knowledge: the knowledge register's items (knowledge, case studies, lessons, manuals),
their review (draft -> in review -> published -> archived), revisions and files.

The gateway asks only whether the caller may act somewhere before a command (write: center
staff and admins; review: admins); the knowledge service decides for the item's center and
refuses another center's staff naming the field, so the caller reads why. A file is posted as
multipart and sent to the service base64-encoded; a file read back is served with its
recorded type, as a download unless it is a harmless kind, sniffing off and sandboxed."""
from __future__ import annotations

import base64

from flask import Response, current_app, request, url_for
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields
from werkzeug.exceptions import RequestEntityTooLarge

from gateway.auth import current_user
from gateway.portal import download_headers
from services.chassis import permissions as can
from services.chassis.errors import rejected
from services.chassis.validation import Code, Text, between, max_length, one_of
from services.contracts.knowledge.limits import COUNT_CAP, FILTERS
from services.contracts.knowledge.schemas import Item, ItemChanges, ItemDraft, Note, Reason, RequiredNote
from services.contracts.knowledge.vocabulary import ATTACHMENT_TYPES, CATEGORIES, ITEM_STATUSES, KINDS

from . import IF_MATCH, PAGE_MAX, HistoryEvent, command_key, require, rpc
from .etags import expected_version, with_etag

blp = Blueprint("knowledge", __name__, description="คลังความรู้ — knowledge items and case studies: review, files")
SHA256 = "<string(length=64):sha256>"


class ItemFilters(Schema):
    q = Text(validate=max_length(200), metadata={"description": "words of the title, tags, summary or body"})
    category = Code(validate=one_of(CATEGORIES), metadata={"enum": list(CATEGORIES)})
    kind = Code(validate=one_of(KINDS), metadata={"enum": list(KINDS)})
    province = Text(validate=max_length(2))
    center = Text(validate=max_length(8))
    status = Code(validate=one_of(ITEM_STATUSES), metadata={"enum": list(ITEM_STATUSES)})
    year = fields.Integer(validate=between(1900, 2600), metadata={"description": "C.E."})
    tag = Text(validate=max_length(60))


class ItemQuery(ItemFilters):
    page = fields.Integer(load_default=1, validate=between(1, PAGE_MAX))
    per_page = fields.Integer(load_default=20, validate=between(1, 200))


class ItemPage(Schema):
    items = fields.List(fields.Nested(Item))
    total = fields.Integer(metadata={"description": f"how many match (a `q` counts up to {COUNT_CAP:,})"})
    total_capped = fields.Boolean()
    page = fields.Integer()
    per_page = fields.Integer()


class Revision(Schema):
    """The item as an event that changed its content (or published it) left it."""

    revision = fields.Integer()
    version = fields.Integer()
    at = fields.String()
    by = fields.String()
    type = fields.String()
    status = fields.String(metadata={"enum": list(ITEM_STATUSES)})
    fields_ = fields.Dict(attribute="fields", data_key="fields", metadata={"description": "the item's fields then"})


UPLOAD = {"requestBody": {"required": True, "content": {"multipart/form-data": {"schema": {
    "type": "object", "required": ["file"],
    "properties": {"file": {"type": "string", "format": "binary", "description": (
        "PDF, an image (PNG, JPEG, GIF, WebP) or an office document; its bytes must be what its name says")}},
}}}}, **IF_MATCH}
DOWNLOAD = {"responses": {"200": {"description": "the file, with its recorded type", "content": {
    kind: {"schema": {"type": "string", "format": "binary"}} for kind in ATTACHMENT_TYPES}}}}


class ItemNote(Note):
    """A note for the reviewer (optional)."""


class ItemReturnNote(RequiredNote):
    """What the writers are to change."""


class ItemReason(Reason):
    """Why the item is archived or restored (optional)."""


def _body() -> dict:
    """The request's JSON as sent: the schema checked it for the caller's early answer, and the
    service checks it again (ids, dates and years stay as the caller wrote them)."""
    return request.get_json(silent=True) or {}


def _may(action: str) -> None:
    can.require_somewhere(current_user(), action)


@blp.route("")
class Items(MethodView):
    @blp.arguments(ItemQuery, location="query")
    @blp.response(200, ItemPage)
    def get(self, query):
        """Search and filter the items, every state (drafts, in review, published, archived)"""
        require(can.READ_KNOWLEDGE)
        filters = {k: query[k] for k in (*FILTERS, "q") if query.get(k) not in (None, "")}
        with rpc() as cluster:
            return cluster.knowledge.list(filters, query["page"], query["per_page"])

    @blp.arguments(ItemDraft)
    @blp.response(201, Item)
    def post(self, _draft):
        """Draft an item of your center (admins: of `center`); send `Idempotency-Key` to make retries safe"""
        _may(can.WRITE_KNOWLEDGE)
        with rpc() as cluster:
            item = cluster.knowledge.draft(_body(), key=command_key())
        return with_etag(item, 201, Location=url_for("knowledge.ItemRecord", item_id=item["id"]))


@blp.route("/<uuid:item_id>")
class ItemRecord(MethodView):
    @blp.response(200, Item)
    def get(self, item_id):
        """One item; its ETag is its version"""
        require(can.READ_KNOWLEDGE)
        with rpc() as cluster:
            return with_etag(cluster.knowledge.get(str(item_id)))

    @blp.arguments(ItemChanges)
    @blp.response(200, Item)
    @blp.doc(**IF_MATCH)
    def patch(self, _changes, item_id):
        """Revise: send only the changed fields, with If-Match: the version you edited (an edit of
        a published item is a new revision, live at once)"""
        _may(can.WRITE_KNOWLEDGE)
        version = expected_version()
        with rpc() as cluster:
            return with_etag(cluster.knowledge.revise(str(item_id), _body(), version, key=command_key()))


def _step(path: str, name: str, schema, summary: str, action: str, call):
    """POST /knowledge/{id}/<path>: a step of the workflow, with If-Match (and a body of `schema`, if any)."""

    def endpoint(*args, item_id):
        _may(action)
        version = expected_version()
        body = _body() if schema else {}
        with rpc() as cluster:
            return with_etag(call(cluster.knowledge, str(item_id), body, version, command_key()))

    endpoint.__name__ = f"item_{name}"
    documented = blp.doc(summary=summary, **IF_MATCH)(blp.response(200, Item)(endpoint))
    if schema is not None:
        documented = blp.arguments(schema)(documented)
    return blp.route(f"/<uuid:item_id>/{path}", endpoint=name, methods=["POST"])(documented)


_step("submit", "ItemSubmit", ItemNote, "Submit a draft for review (a note for the reviewer, optional)",
      can.WRITE_KNOWLEDGE, lambda k, i, b, v, key: k.submit(i, v, b.get("note"), key=key))
_step("publish", "ItemPublish", None, "Publish an item in review (central admins): it shows on the portal",
      can.PUBLISH_KNOWLEDGE, lambda k, i, b, v, key: k.publish(i, v, key=key))
_step("return", "ItemReturn", ItemReturnNote, "Return an item in review to its writers, saying what to change "
      "(central admins)", can.PUBLISH_KNOWLEDGE, lambda k, i, b, v, key: k.return_item(i, v, b["note"], key=key))
_step("archive", "ItemArchive", ItemReason, "Archive a published item (central admins): off the portal, no longer "
      "counted", can.PUBLISH_KNOWLEDGE, lambda k, i, b, v, key: k.archive(i, v, b.get("reason"), key=key))
_step("restore", "ItemRestore", ItemReason, "Publish an archived item again (central admins)",
      can.PUBLISH_KNOWLEDGE, lambda k, i, b, v, key: k.restore(i, v, b.get("reason"), key=key))


@blp.route("/<uuid:item_id>/history")
class ItemHistory(MethodView):
    @blp.response(200, HistoryEvent(many=True))
    def get(self, item_id):
        """Every event of the item, oldest first: who, when, what changed"""
        require(can.READ_KNOWLEDGE)
        with rpc() as cluster:
            return cluster.knowledge.history(str(item_id))


@blp.route("/<uuid:item_id>/revisions")
class ItemRevisions(MethodView):
    @blp.response(200, Revision(many=True))
    def get(self, item_id):
        """The item's content as each edit and publication left it, oldest first (what a diff is drawn between)"""
        require(can.READ_KNOWLEDGE)
        with rpc() as cluster:
            return cluster.knowledge.revisions(str(item_id))


def upload() -> dict:
    """The posted file as the `attach` RPC takes it: its name and its bytes, base64; a file
    too large for the gateway is refused naming it. An upload may be as large as an
    attachment may (SANPHALANG_ATTACHMENT_MAX_BYTES, with room for its form), every other
    request MAX_CONTENT_LENGTH."""
    request.max_content_length = current_app.config["UPLOAD_MAX_BYTES"]
    try:
        file = request.files.get("file")
    except RequestEntityTooLarge:
        raise rejected("file", "attachment_too_large",
                       max_mb=current_app.config["UPLOAD_MAX_BYTES"] // (1024 * 1024)) from None
    if file is None or not file.filename:
        raise rejected("file", "required")
    return {"name": file.filename, "content": base64.b64encode(file.read()).decode("ascii")}


@blp.route("/<uuid:item_id>/attachments")
class ItemAttachments(MethodView):
    @blp.response(201, Item)
    @blp.doc(**UPLOAD)
    def post(self, item_id):
        """Attach a file (multipart `file`), with If-Match; the file is checked on its bytes"""
        _may(can.WRITE_KNOWLEDGE)
        version = expected_version()
        with rpc() as cluster:
            item = cluster.knowledge.attach(str(item_id), upload(), version, key=command_key())
        added = item["attachments"][-1]["sha256"] if item["attachments"] else ""
        return with_etag(item, 201, Location=url_for("knowledge.ItemAttachment", item_id=item["id"], sha256=added))


@blp.route(f"/<uuid:item_id>/attachments/{SHA256}")
class ItemAttachment(MethodView):
    @blp.response(200, description="the file")
    @blp.doc(**DOWNLOAD)
    def get(self, item_id, sha256):
        """A file of the item (its recorded type; PDF and images inline, others as a download)"""
        require(can.READ_KNOWLEDGE)
        with rpc() as cluster:
            return attachment_response(cluster.knowledge.attachment(str(item_id), sha256))

    @blp.response(200, Item)
    @blp.doc(**IF_MATCH)
    def delete(self, item_id, sha256):
        """Remove a file from the item, with If-Match (the file stays in the item's history)"""
        _may(can.WRITE_KNOWLEDGE)
        version = expected_version()
        with rpc() as cluster:
            return with_etag(cluster.knowledge.detach(str(item_id), sha256, version, key=command_key()))


def attachment_response(found: dict) -> Response:
    """A stored file as a response a browser cannot be tricked by: only a type the register
    allows (else a plain download), `nosniff`, a sandbox for anything it renders, and the name
    given as UTF-8 (RFC 6266), never as markup."""
    response = Response(base64.b64decode(found["content"]))
    response.headers.update(download_headers(found["name"], found.get("type")))
    response.headers["Cache-Control"] = "private, no-store"
    return response
