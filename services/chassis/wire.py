"""The wire format of every message between our processes: plain JSON through orjson.

kombu's own "json" serializer decodes through a Python object_hook on every object, which
made decoding event batches most of reporting's work. Ours carries only plain JSON types."""
from __future__ import annotations

import json

import orjson
from kombu.serialization import register

NAME = "sanphalang-json"
CONTENT_TYPE = "application/x-sanphalang+json"
CONTENT_ENCODING = "binary"


def dumps(value) -> bytes:
    try:
        return orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS)  # column names are str subclasses
    except orjson.JSONEncodeError:
        # orjson refuses integers past 64 bits; a caller may still send one (a page number, a
        # member count) and deserves the receiving schema's field error, not a failed call
        return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()


def loads(payload):
    return orjson.loads(payload)


register(NAME, dumps, loads, content_type=CONTENT_TYPE, content_encoding=CONTENT_ENCODING)


def nameko_options() -> dict:
    """nameko config keys that make every RPC and event use this format (and still accept
    plain JSON from other clients)."""
    return {
        "SERIALIZERS": {NAME: {"encoder": f"{__name__}.dumps", "decoder": f"{__name__}.loads",
                               "content_type": CONTENT_TYPE, "content_encoding": CONTENT_ENCODING}},
        "serializer": NAME,
        "ACCEPT": [NAME, "json"],
    }
