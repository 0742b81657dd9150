"""REST resources under /api/v1, one blueprint a module."""
import re
import uuid
from contextlib import contextmanager

from flask import current_app, g, request
from marshmallow import Schema, fields

from gateway.auth import current_user
from services import reference
from services.chassis import permissions
from services.chassis.assertions import Signed
from services.chassis.errors import rejected


KEY_MAX = 100  # characters of an idempotency key a client sends (a service takes requests of up to 128)
PLAIN_ID = re.compile(r"[A-Za-z0-9._:-]{1,64}")
PAGE_MAX = 100_000  # past any register's last page; keeps the number inside 64 bits on the wire
IF_MATCH = {"parameters": [{"in": "header", "name": "If-Match", "required": True, "schema": {"type": "string"}}]}


def plain_id(value: str | None) -> str:
    """`value` if it is a short plain id (a request id a client sent, a form's key), else a
    fresh one: what a client sends never becomes a long or odd key."""
    return value if value and PLAIN_ID.fullmatch(value) else str(uuid.uuid4())


@contextmanager
def rpc():
    """The services, each call signed for the signed-in user (or the token's owner) and this
    request: `with rpc() as cluster: cluster.orgs.get(org_id)`; a command's idempotency key
    is passed as `key=`."""
    with current_app.extensions["rpc"].cluster() as cluster:
        yield signed(cluster)


def signed(cluster) -> Signed:
    """A cluster proxy (of any pool) whose calls are signed for this request's user."""
    return Signed(cluster, signer(), current_user(), g.get("request_id"))


def signer():
    """The gateway's signer of actor assertions."""
    return current_app.extensions["signer"]


def actor(user: permissions.User) -> dict:
    """Who asked for an import job, as the job keeps it (the job's calls are signed for them
    afresh): the pages' and the API's jobs alike."""
    return {"user": user.name, "role": user.role, "center": user.center, "request": g.get("request_id")}


def require(action: str, center: str | None = None) -> None:
    permissions.require(current_user(), action, center)


def require_write(action: str, location: dict) -> None:
    """A write to the records of the center `location` gives; a location that does not check
    out is let through for the service to reject, so it can say which field is wrong."""
    center = reference.center_of(location)
    if center is None:
        permissions.require_somewhere(current_user(), action)
    else:
        require(action, center)


def command_key() -> str:
    """The command's idempotency key: the client's `Idempotency-Key`, or one for this request
    alone. Never none: nameko redelivers an RPC whose service died before acknowledging it,
    and the key is what makes the second run of a committed command append nothing."""
    key = request.headers.get("Idempotency-Key")
    if key and len(key) > KEY_MAX:
        raise rejected("Idempotency-Key", "too_long", max=KEY_MAX)
    return key or f"request:{uuid.uuid4()}"


class HistoryEvent(Schema):
    """An event of a record's history, as its register shows it to the caller."""

    id = fields.String()
    seq = fields.Integer()
    stream = fields.String()
    version = fields.Integer()
    type = fields.String()
    schema = fields.Integer()
    at = fields.String()
    actor = fields.Dict()
    data = fields.Dict()
    prev = fields.String()
    hash = fields.String()
    unreadable = fields.Boolean(metadata={"description": "its personal values were erased: they read as null"})
