"""ETags are record versions; If-Match carries the version an edit was based on."""
from __future__ import annotations

from flask import request
from werkzeug.exceptions import PreconditionRequired


def with_etag(record: dict, status: int = 200, **headers):
    """A (body, status, headers) tuple: flask-smorest serializes the body and keeps the rest."""
    return record, status, {"ETag": f'"{record["version"]}"', **headers}


def expected_version() -> int:
    raw = request.headers.get("If-Match", "").strip().removeprefix("W/").strip('"')
    if not raw.isdigit():
        raise PreconditionRequired()
    return int(raw)
