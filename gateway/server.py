"""Serve the gateway with eventlet's WSGI server (the RPC proxies are eventlet-based)."""
from __future__ import annotations

import logging
import signal

import eventlet
import eventlet.wsgi
from greenlet import GreenletExit

from services.chassis import logs
from services.settings import env, settings

from .app import create_app

log = logging.getLogger(__name__)


def serve() -> None:
    config = settings()
    logs.configure("gateway", env("SANPHALANG_LOG_FORMAT"), env("SANPHALANG_LOG_LEVEL"))
    app = create_app()
    listener = eventlet.listen((config.host, config.port))
    server = eventlet.spawn(
        # log_output=False: eventlet's access line holds the request line, query string and all;
        # gateway/logs.py writes one line per request instead, without it
        eventlet.wsgi.server, listener, app, log=logging.getLogger("gateway.access"), log_output=False,
        max_size=1000, debug=False,  # eventlet's default sends a failed response's traceback to the client
    )

    def _stop(_signum, _frame):
        server.kill()

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    log.info("gateway listening on http://%s:%s", config.host, config.port)
    try:
        server.wait()
    except (Exception, GreenletExit):  # GreenletExit: stopped by _stop, not a failure to print
        pass
    finally:
        app.extensions["rpc"].close()
        app.extensions["health_rpc"].close()
