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


def instant(at: str) -> float:
    """The POSIX time of a `utc_timestamp` (one without a zone is read as UTC)."""
    moment = datetime.fromisoformat(at.replace("Z", "+00:00"))
    return (moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)).timestamp()


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


class BadEnvelope(ValueError):
    """An event, or a batch of them, that is not what a source's relay sends: a field missing
    or of another type, a `seq` out of line, a `hash` that does not follow from the event, a
    batch of another source. `code` names what is wrong, `seq` the event when it is known; the
    message holds nothing else (no value of the event). Nothing of it is ever applied."""

    def __init__(self, code: str, seq: int | None = None):
        super().__init__(code if seq is None else f"{code} (seq {seq})")
        self.code, self.seq = code, seq


# Each field of an event as it arrives (decoded JSON) and its type: exactly these, as the
# store writes them (bool is not an int here). `EnvelopeSchema` says more about each; this is
# what a consumer can check on every event at no cost worth measuring, and the hash says the rest.
_ARRIVING = (("seq", int), ("source", str), ("id", str), ("stream", str), ("version", int), ("type", str),
             ("schema", int), ("at", str), ("actor", dict), ("data", dict), ("prev", str), ("hash", str))
_ACTOR = (("user", str), ("role", str), ("request", str))


def checked_event(event, source: str):
    """`event` if it has the envelope's fields and no other, each of its type, positive
    numbers, a 64-character `prev` and `hash` and `source`'s name; BadEnvelope otherwise."""
    if type(event) is not dict:
        raise BadEnvelope("event_not_an_object")
    seq = event.get("seq") if type(event.get("seq")) is int else None
    for name, kind in _ARRIVING:
        if type(event.get(name)) is not kind:
            raise BadEnvelope(f"event_{name}_missing_or_invalid", seq)
    if len(event) != len(_ARRIVING):  # a field no store writes (and no hash covers)
        raise BadEnvelope("event_unknown_field", seq)
    if event["source"] != source:
        raise BadEnvelope("event_of_another_source", seq)
    if min(seq, event["version"], event["schema"]) < 1:
        raise BadEnvelope("event_number_out_of_range", seq)
    if len(event["prev"]) != 64 or len(event["hash"]) != 64:
        raise BadEnvelope("event_hash_invalid", seq)
    actor = event["actor"]
    if not all(type(actor.get(name)) is kind for name, kind in _ACTOR):
        raise BadEnvelope("event_actor_invalid", seq)
    return event


def checked_batch(batch, source: str | None = None) -> tuple[str, int, int, list[dict]]:
    """(source, first, last, events) of a relayed batch (`relay.batch_message`), each event
    `checked_event` and the seqs first..last one after another; BadEnvelope otherwise. With
    `source`, the batch must be that source's (the exchange it came through)."""
    if type(batch) is not dict or len(batch) != 4:
        raise BadEnvelope("batch_not_an_object")
    named, first, last, events = (batch.get(k) for k in ("source", "first", "last", "events"))
    if type(named) is not str or named not in SOURCES or (source is not None and named != source):
        raise BadEnvelope("batch_of_another_source")
    if type(first) is not int or type(last) is not int or type(events) is not list or not events:
        raise BadEnvelope("batch_invalid")
    for position, event in enumerate(events, start=first):
        if checked_event(event, named)["seq"] != position:
            raise BadEnvelope("batch_seq_out_of_line", event["seq"])
    if position != last:
        raise BadEnvelope("batch_seq_out_of_line", last)
    return named, first, last, events


class ChainBroken(BadEnvelope):
    """An event does not link to the one before it: the feed is not the source's log."""


def follows(events: list[dict], prev: str) -> None:
    """Each event (checked_event) links to the one before it, `prev` the first's, and its hash
    follows from its content: ChainBroken for a link, BadEnvelope for a hash."""
    for event in events:
        if event["prev"] != prev:
            raise ChainBroken("chain_broken", event["seq"])
        try:
            hashed = chain_hash(prev, event)
        except orjson.JSONEncodeError:  # what no store wrote (an integer past 64 bits)
            raise BadEnvelope("event_not_canonical", event["seq"]) from None
        if hashed != event["hash"]:
            raise BadEnvelope("event_hash_mismatch", event["seq"])
        prev = event["hash"]


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
