"""Serve the gateway with eventlet's WSGI server (the RPC proxies are eventlet-based)."""
from __future__ import annotations

import logging
import signal
import time

import eventlet
import eventlet.wsgi
from greenlet import GreenletExit

from services.chassis import logs
from services.edge.shutdown import keep_hub_awake
from services.settings import env, settings

from . import metrics
from .app import create_app

log = logging.getLogger(__name__)


def serve() -> None:
    config = settings()
    logs.configure("gateway", env("SANPHALANG_LOG_FORMAT"), env("SANPHALANG_LOG_LEVEL"))
    app = create_app()
    listener = eventlet.listen((config.host, config.port))
    requests = eventlet.GreenPool(1000)  # the requests being served
    server = eventlet.spawn(
        # log_output=False: eventlet's access line holds the request line, query string and all;
        # gateway/logs.py writes one line per request instead, without it
        eventlet.wsgi.server, listener, app, log=logging.getLogger("gateway.access"), log_output=False,
        custom_pool=requests, debug=False,  # eventlet's default sends a failed response's traceback to the client
    )

    def _stop(_signum, _frame):
        if not stopping:
            stopping.append(time.monotonic())
            eventlet.spawn_n(_drain)

    def _drain():
        """Stop accepting and let the open requests finish (eventlet's server does that when
        SystemExit reaches its accept loop), closing the listener at once so that a new
        connection is refused rather than queued and then reset; kill whatever still runs
        after the timeout."""
        log.info("gateway stopping: %d requests in flight", requests.running())
        server.kill(SystemExit())
        listener.close()
        eventlet.sleep(config.shutdown_timeout)
        log.warning("gateway: %d requests still running after %.0f s; cutting them off",
                    requests.running(), config.shutdown_timeout)
        server.kill()

    stopping: list[float] = []

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    keep_hub_awake()
    heartbeat, stop_metrics = metrics.start(config)  # /metrics on a port of its own, not the public one
    log.info("gateway listening on http://%s:%s", config.host, config.port)
    try:
        server.wait()
    except (Exception, GreenletExit, SystemExit):  # stopped by _stop, not a failure to print
        pass
    finally:
        if stopping:
            log.info("gateway stopped in %.1f s, %d requests unfinished", time.monotonic() - stopping[0],
                     requests.running())
        heartbeat.stop()
        stop_metrics()
        app.extensions["rpc"].close()
        app.extensions["health_rpc"].close()
