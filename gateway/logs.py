"""The gateway's logs: one line per request (`gateway.access`), bound to its request id.

The line names the method, the route (the URL rule, `/api/v1/orgs/<org_id>`; never the query
string, and nothing of a URL that matched no route), the status, the duration, the role and
center of whoever asked, and the error code of an error response. Never the user's name, a
password, a token, a cookie or a query value. eventlet.wsgi's own access log is off
(`log_output=False` in gateway/server.py): its request line would carry the query string."""
from __future__ import annotations

import logging
import time

from flask import Flask, g, request, request_started

from services.chassis import logs

access = logging.getLogger("gateway.access")

QUIET_ROUTES = ("/health", "/static/<path:filename>")  # polled or fetched all day: DEBUG lines
REFUSED = {401, 403, 429}


def _started(_sender, **_extra) -> None:
    # A kept-alive connection serves its requests in one green thread: start each afresh.
    logs.clear()
    g.log_started = time.perf_counter()


def _bind() -> None:
    logs.bind(request=g.get("request_id") or request.headers.get("X-Request-Id") or None)


def _error_fields(response) -> dict:
    """The code of an error body (ours: {"error": {"code", "fields": [...]}}) and the names of
    the fields it names; never a message or a value."""
    if response.status_code < 400 or not response.is_json or response.is_streamed:
        return {}
    body = response.get_json(silent=True)
    error = body.get("error") if isinstance(body, dict) else None
    if not isinstance(error, dict) or not isinstance(error.get("code"), str):
        return {}
    fields = {"code": error["code"]}
    named = [p for p in error.get("fields") or [] if isinstance(p, dict)]
    if named:
        fields["fields"] = sorted({str(p.get("field")) for p in named})
        fields["codes"] = sorted({str(p.get("code")) for p in named})
    return fields


def _line(response):
    started = g.get("log_started")
    rule = request.url_rule.rule if request.url_rule is not None else None
    user = g.get("user")
    line = {
        "method": request.method,
        "route": rule,
        "status": response.status_code,
        "duration_ms": round((time.perf_counter() - started) * 1000, 1) if started is not None else None,
        "role": getattr(user, "role", None),
        "center": getattr(user, "center", None),
        **_error_fields(response),
    }
    if response.status_code >= 500:
        level = logging.ERROR
    elif response.status_code in REFUSED or line.get("code") == "csrf_failed":
        level = logging.WARNING
    elif rule in QUIET_ROUTES and response.status_code < 400:
        level = logging.DEBUG
    else:
        level = logging.INFO
    _bind()
    access.log(level, "%s %s %s", request.method, rule or "(no route)", response.status_code, extra=line)
    return response


class _RateLimits(logging.Filter):
    """Flask-Limiter's line about a breached limit names its key, which for sign-in is the user
    name typed: keep the limit and the endpoint, drop the key."""

    def filter(self, record: logging.LogRecord) -> bool:
        if str(record.msg).startswith("ratelimit ") and isinstance(record.args, tuple) and len(record.args) == 3:
            limit, _key, scope = record.args
            record.msg, record.args = "rate limit exceeded: %s at %s", (limit, scope)
            record.code = "too_many_requests"
        return True


def init_app(app: Flask) -> None:
    """Register after the hook that sets g.request_id (gateway/app.py)."""
    request_started.connect(_started, app)
    app.before_request(_bind)
    app.after_request(_line)
    app.teardown_request(lambda _error: logs.clear())
    limiter_log = logging.getLogger("flask-limiter")
    if not any(isinstance(f, _RateLimits) for f in limiter_log.filters):
        limiter_log.addFilter(_RateLimits())
