"""The event envelope (DESIGN §2): the one contract between services, and its hash chain."""
from __future__ import annotations

import hashlib
import re
from datetime import datetime, timezone

import orjson
from marshmallow import Schema, fields, validate

ENVELOPE_VERSION = 1
GENESIS = "0" * 64
# Fields covered by `hash`, besides `prev`; `hash` itself is not.
HASHED_FIELDS = ("id", "source", "seq", "stream", "version", "type", "schema", "at", "actor", "data")


class ActorSchema(Schema):
    user = fields.String(required=True)
    role = fields.String(required=True)
    center = fields.String(allow_none=True, load_default=None)
    request = fields.String(required=True)


class EnvelopeSchema(Schema):
    """Version 1 of the envelope; `at` is UTC with microseconds, `Z`-suffixed."""

    id = fields.UUID(required=True)
    source = fields.String(required=True, validate=validate.OneOf(["orgs", "people", "knowledge"]))
    seq = fields.Integer(required=True, strict=True, validate=validate.Range(min=1))
    stream = fields.String(required=True)
    version = fields.Integer(required=True, strict=True, validate=validate.Range(min=1))
    type = fields.String(required=True)
    schema = fields.Integer(required=True, strict=True, validate=validate.Range(min=1))
    at = fields.String(required=True)
    actor = fields.Nested(ActorSchema, required=True)
    data = fields.Dict(required=True)
    prev = fields.String(required=True, validate=validate.Length(equal=64))
    hash = fields.String(required=True, validate=validate.Length(equal=64))


def utc_timestamp(moment: datetime | None = None) -> str:
    moment = moment or datetime.now(timezone.utc)
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def canonical_json(value) -> bytes:
    """Sorted keys, no spaces, UTF-8 unescaped: the same value always gives the same bytes
    (byte for byte what json.dumps(sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    gives, at C speed)."""
    return orjson.dumps(value, option=orjson.OPT_SORT_KEYS)


def chain_hash(prev: str, event: dict) -> str:
    """hash = SHA-256(prev ‖ canonical JSON of the hashed fields)."""
    body = {name: event[name] for name in HASHED_FIELDS}
    return hashlib.sha256(prev.encode("ascii") + canonical_json(body)).hexdigest()


def first_break(events, prev: str = GENESIS):
    """The first event whose `prev` or `hash` does not follow from those before, or None."""
    for event in events:
        if event["prev"] != prev or chain_hash(prev, event) != event["hash"]:
            return event
        prev = event["hash"]
    return None


_PLAIN = re.compile(r"[A-Za-z0-9_.:+-]*")


def _json(value: str) -> str:
    """A JSON string literal; identifiers and timestamps need no escaping, so skip the encoder."""
    if _PLAIN.fullmatch(value):
        return '"' + value + '"'
    return orjson.dumps(value).decode()


def hashed_text(event: dict, actor_json: str, data_json: str) -> str:
    """canonical_json() of the hashed fields, assembled from pre-serialized actor and data so a
    bulk append serializes each payload once. Keys in sorted order, as canonical_json sorts."""
    return (
        '{"actor":' + actor_json
        + ',"at":' + _json(event["at"])
        + ',"data":' + data_json
        + ',"id":' + _json(event["id"])
        + ',"schema":' + str(event["schema"])
        + ',"seq":' + str(event["seq"])
        + ',"source":' + _json(event["source"])
        + ',"stream":' + _json(event["stream"])
        + ',"type":' + _json(event["type"])
        + ',"version":' + str(event["version"])
        + "}"
    )


def link(prev: str, text_: str) -> str:
    return hashlib.sha256(prev.encode("ascii") + text_.encode()).hexdigest()


def envelope_text(row, source: str) -> str:
    """The canonical JSON of a stored event, assembled from its row: `actor` and `data` are
    stored as canonical JSON already, so the relay never parses and re-encodes them."""
    return (
        '{"actor":' + row.actor
        + ',"at":' + _json(row.at)
        + ',"data":' + row.data
        + ',"hash":' + _json(row.hash)
        + ',"id":' + _json(row.id)
        + ',"prev":' + _json(row.prev)
        + ',"schema":' + str(row.schema)
        + ',"seq":' + str(row.seq)
        + ',"source":' + _json(source)
        + ',"stream":' + _json(row.stream)
        + ',"type":' + _json(row.type)
        + ',"version":' + str(row.version)
        + "}"
    )
