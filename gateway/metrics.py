"""The gateway's metrics: every request counted and timed by its route (the URL rule, never
the path or the query) and status, served on the gateway's own metrics listener
(SANPHALANG_METRICS_PORT), never on its public port; and its heartbeat for `sanphalang status`."""
from __future__ import annotations

import time
from typing import Callable

from flask import Flask, g, request, request_started

from services.chassis import metrics
from services.chassis.heartbeat import Heartbeat, Instance
from services.registry import GATEWAY


def _started(_sender, **_extra) -> None:
    g.metrics_started = time.perf_counter()


def _count(response):
    started = g.get("metrics_started")
    if started is not None:
        rule = request.url_rule.rule if request.url_rule is not None else None
        metrics.http_done(rule, request.method, response.status_code, time.perf_counter() - started)
    return response


def init_app(app: Flask) -> None:
    request_started.connect(_started, app)
    app.after_request(_count)


def start(config) -> tuple[Heartbeat, Callable[[], None]]:
    """The metrics listener and the heartbeat of this gateway process; returns the heartbeat
    and the listener's stop."""
    port, stop_listening = metrics.serve(config.host, config.metrics_port)
    return Heartbeat(config.amqp_uri, Instance(GATEWAY, port)).start(), stop_listening
