"""The event envelope (DESIGN §2): the one contract between services, and its hash chain."""
from __future__ import annotations

import hashlib
import os
import time
from dataclasses import dataclass
from datetime import datetime, timezone

import orjson
from marshmallow import Schema, fields, validate

from services.registry import SOURCES

ENVELOPE_VERSION = 1
GENESIS = "0" * 64
# Fields covered by `hash`, besides `prev`; `hash` itself is not.
HASHED_FIELDS = ("id", "source", "seq", "stream", "version", "type", "schema", "at", "actor", "data")


class ActorSchema(Schema):
    user = fields.String(required=True)
    role = fields.String(required=True)
    center = fields.String(allow_none=True, load_default=None)
    request = fields.String(required=True)
    signed_by = fields.String(allow_none=True, load_default=None)  # the key id of the verified assertion


class EnvelopeSchema(Schema):
    """Version 1 of the envelope; `at` is UTC with microseconds, `Z`-suffixed."""

    id = fields.UUID(required=True)
    source = fields.String(required=True, validate=validate.OneOf(SOURCES))
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


@dataclass(frozen=True)
class Pending:
    """An event a command decided on, before the store gives it a place in the log (`seq`,
    `at`, `actor`, the chain): what a domain's decisions return."""

    stream: str
    version: int  # the stream's version after this event
    type: str
    data: dict
    schema: int = 1


def new_ids(count: int) -> list[str]:
    """`count` new time-ordered UUIDs (version 7, RFC 9562) as text: a millisecond timestamp,
    a counter within the batch, then random bits. Ids that grow with time keep the B-tree
    indexes they key (streams, organizations, projections) appending at their right edge
    instead of splitting random pages, and one read of the OS's random source serves a whole
    bulk append."""
    now_ms = time.time_ns() // 1_000_000
    pool = os.urandom(8 * count)
    ids = []
    for n in range(count):
        ms, counter = now_ms + n // 4096, n % 4096
        tail = int.from_bytes(pool[8 * n:8 * n + 8], "big") & 0x3FFF_FFFF_FFFF_FFFF | 0x8000_0000_0000_0000
        h = f"{ms:012x}7{counter:03x}{tail:016x}"
        ids.append(f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}")
    return ids


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


def hashed_text(event: dict, actor_json: bytes, data_json: bytes) -> bytes:
    """canonical_json() of the hashed fields, with actor and data already serialized (a bulk
    append serializes each payload once): orjson embeds them as fragments."""
    body = {name: event[name] for name in HASHED_FIELDS if name not in ("actor", "data")}
    body["actor"], body["data"] = orjson.Fragment(actor_json), orjson.Fragment(data_json)
    return orjson.dumps(body, option=orjson.OPT_SORT_KEYS)


def link(prev: str, hashed: bytes) -> str:
    return hashlib.sha256(prev.encode("ascii") + hashed).hexdigest()


# The column order `envelope_text` reads stored events in.
STORED_COLUMNS = ("seq", "id", "stream", "version", "type", "schema", "at", "actor", "data", "prev", "hash")


def envelope_text(stored: tuple, source: str) -> bytes:
    """The canonical JSON of a stored event from its row (STORED_COLUMNS order): `actor` and
    `data` are stored as canonical JSON already, so the relay never parses and re-encodes them."""
    seq, id_, stream, version, type_, schema, at, actor, data, prev, hash_ = stored
    return orjson.dumps({
        "actor": orjson.Fragment(actor), "at": at, "data": orjson.Fragment(data), "hash": hash_,
        "id": id_, "prev": prev, "schema": schema, "seq": seq, "source": source, "stream": stream,
        "type": type_, "version": version,
    }, option=orjson.OPT_SORT_KEYS)
