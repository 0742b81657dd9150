"""REST resources under /api/v1, one blueprint a module."""
import re
import uuid
from contextlib import contextmanager

from flask import current_app, g

from gateway.auth import current_user
from services import reference
from services.chassis import permissions
from services.chassis.assertions import Signed


KEY_MAX = 100  # characters of an idempotency key a client sends (a service takes requests of up to 128)
PLAIN_ID = re.compile(r"[A-Za-z0-9._:-]{1,64}")


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
