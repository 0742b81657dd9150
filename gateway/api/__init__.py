"""REST resources under /api/v1, one blueprint a module."""
from flask import current_app, g


def rpc():
    """The RPC pool's cluster proxy context: `with rpc() as cluster: cluster.orgs.get(...)`."""
    return current_app.extensions["rpc"].cluster()


def actor() -> dict:
    """Who is acting. Until sign-in exists (issue 4) every caller is an anonymous editor."""
    return {"user": "anonymous", "role": "staff", "center": None, "request": g.request_id}
