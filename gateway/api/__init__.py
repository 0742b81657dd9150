"""REST resources under /api/v1, one blueprint a module."""
from flask import current_app, g

from gateway import permissions
from gateway.auth import current_user
from services import reference


def rpc():
    """The RPC pool's cluster proxy context: `with rpc() as cluster: cluster.orgs.get(...)`."""
    return current_app.extensions["rpc"].cluster()


def actor() -> dict:
    """Who is acting: the signed-in user or the token's owner."""
    user = current_user()
    return {"user": user.name, "role": user.role, "center": user.center, "request": g.request_id}


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
